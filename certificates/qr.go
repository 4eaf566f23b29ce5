package certificates

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QR is a QR code as its modules: Modules[y][x] is true where a dark square
// goes, with the quiet zone around it included. Drawing it ourselves keeps
// it sharp at any size (SVG on a page, rectangles in a PDF) and keeps no
// image in a global cache.
type QR struct {
	Modules [][]bool
}

// NewQR encodes text with medium error correction, which survives a
// printed certificate's creases and a phone camera's glare.
func NewQR(text string) (QR, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return QR{}, fmt.Errorf("qr code: %w", err)
	}
	return QR{Modules: q.Bitmap()}, nil
}

// Size is the number of modules on each side, quiet zone included.
func (q QR) Size() int { return len(q.Modules) }

// SVG draws the code as one path of unit squares in a square view box, for
// a page to scale with CSS.
func (q QR) SVG(title string) string {
	var b strings.Builder
	n := q.Size()
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, n, n)
	if title != "" {
		b.WriteString("<title>")
		b.WriteString(escapeXML(title))
		b.WriteString("</title>")
	}
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range q.Modules {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
