package certificates

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The code is decoded by an independent reader (zbarimg), so what a phone
// camera would read is what was encoded.
func TestQRDecodesToItsText(t *testing.T) {
	needTool(t, "zbarimg", "zbar-tools")
	text := "https://kohorte.example.org/verify/4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a99"
	q, err := NewQR(text)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	writePNG(t, q, path, 8)
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != text {
		t.Errorf("decoded %q, want %q", got, text)
	}
}

func TestQRSVGDrawsEveryDarkModuleOnce(t *testing.T) {
	q, err := NewQR("123456")
	if err != nil {
		t.Fatal(err)
	}
	dark := 0
	for _, row := range q.Modules {
		for _, d := range row {
			if d {
				dark++
			}
		}
	}
	svg := q.SVG(`Code <1> & "2"`)
	if got := strings.Count(svg, "h1v1h-1z"); got != dark || dark == 0 {
		t.Errorf("SVG draws %d squares, the code has %d dark modules", got, dark)
	}
	if !strings.Contains(svg, "<title>Code &lt;1&gt; &amp; &quot;2&quot;</title>") {
		t.Errorf("title not escaped: %s", svg[:200])
	}
}

// needTool skips where a developer lacks a checking tool, but fails on CI,
// which installs it, so that no check silently goes missing there.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (Debian %s) is missing on CI", name, pkg)
		}
		t.Skipf("%s not installed (Debian %s; .ci/run installs it)", name, pkg)
	}
}

func writePNG(t *testing.T, q QR, path string, scale int) {
	t.Helper()
	n := q.Size() * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c := color.Gray{Y: 255}
			if q.Modules[y/scale][x/scale] {
				c = color.Gray{}
			}
			img.SetGray(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
