package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kohorte/frontend/browsertest"
	"kohorte/models"
	"kohorte/services"
)

// TestBrowserVerifyFromTheQRCodeOnAPhone follows a certificate from the
// cohort's documents page to an employer's phone: staff issue it in the
// browser, the graduate downloads the PDF, the QR code read from its first
// page (pdftoppm renders it, zbarimg reads it, as a phone's camera would)
// opens this server's verification page, and on a 375-pixel phone without
// a login that page shows in German the holder, the number and that the
// certificate is valid, with nothing scrolling sideways.
func TestBrowserVerifyFromTheQRCodeOnAPhone(t *testing.T) {
	b := browsertest.New(t)
	browsertest.RequireTool(t, "pdftoppm", "poppler-utils")
	browsertest.RequireTool(t, "zbarimg", "zbar-tools")
	s, db := newAttendanceStack(t)
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "HH")
	e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, zoe.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.svc.Participants.CreateAccount(ctx, s.admin, zoe.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	addSession(t, db, cohort.ID, models.SessionWebinar, "Webinar 1", time.Date(2023, 3, 7, 17, 0, 0, 0, time.UTC), false)

	// Staff issue the certificate from the cohort's page; the jury rule is
	// still open, so it takes a reason.
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	if status := b.Navigate(fmt.Sprintf("%s/kohorten/%d/dokumente", srv.URL, cohort.ID)); status != http.StatusOK {
		t.Fatalf("the cohort's documents page: %d", status)
	}
	b.Type(fmt.Sprintf("#override-%d", e.ID), "Projekt nachgereicht")
	if status := b.ClickAndWait(fmt.Sprintf(`[data-testid="issue-certificate-%d"]`, e.ID)); status != http.StatusOK {
		t.Fatalf("issue the certificate: %d", status)
	}

	// The graduate finds it among their documents and downloads it.
	mine := graduateDownload(t, srv.URL, "zoe@kohorte.test")
	if mine.Holder != "Zoë Ćosić-Şahin" || !strings.HasPrefix(mine.Number, "KOH-") {
		t.Fatalf("the graduate's certificate: %+v", mine)
	}
	qr := readQRCode(t, mine.PDF)
	if !strings.HasPrefix(qr, srv.URL+"/verify/") || qr != mine.VerifyURL {
		t.Fatalf("the QR code opens %q; want this server's verification page %s", qr, mine.VerifyURL)
	}

	// An employer opens it on a phone, logged in as nobody.
	if status := b.ClickAndWait(`[data-nav="logout"]`); status != http.StatusOK {
		t.Fatalf("logout: %d", status)
	}
	b.Viewport(375, 812)
	if status := b.Navigate(qr); status != http.StatusOK {
		t.Fatalf("the QR code's link: %d", status)
	}
	assertPage(t, b, "de", "Zertifikat prüfen")
	if got := b.Text(`[data-testid="verify-status"]`); got != "Gültig: Dieses Dokument wurde so von uns ausgestellt." {
		t.Errorf("the status says %q", got)
	}
	facts := browsertest.Eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll(".facts > div"),
		d => [d.querySelector("dt").innerText.trim(), d.querySelector("dd").innerText.trim()]))`)
	for label, want := range map[string]string{"Inhaber:in": "Zoë Ćosić-Şahin", "Nummer": mine.Number, "Dokument": "Zertifikat"} {
		if facts[label] != want {
			t.Errorf("%s: %q, want %q (the page shows %v)", label, facts[label], want, facts)
		}
	}
	for _, p := range browsertest.Eval[[]string](b, widthProblems) {
		t.Errorf("the verification page at 375 px: %s", p)
	}
	b.NoConsoleErrors()
}

// graduateDoc is one of the graduate's documents, with its PDF.
type graduateDoc struct {
	ID        uint   `json:"id"`
	Number    string `json:"number"`
	Holder    string `json:"holder"`
	VerifyURL string `json:"verify_url"`
	PDF       []byte `json:"-"`
}

// graduateDownload logs in at base as the graduate with email and
// downloads their only document as the API serves it to them.
func graduateDownload(t *testing.T, base, email string) graduateDoc {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	fetch := func(method, path string, body []byte) []byte {
		t.Helper()
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %v %.200s", method, path, res.StatusCode, err, b)
		}
		return b
	}
	login, _ := json.Marshal(map[string]string{"email": email, "password": password})
	fetch(http.MethodPost, "/api/v1/auth/login", login)
	var list struct {
		Items []graduateDoc `json:"items"`
	}
	if err := json.Unmarshal(fetch(http.MethodGet, "/api/v1/me/documents", nil), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("the graduate has %d documents, want 1: %+v", len(list.Items), list.Items)
	}
	doc := list.Items[0]
	doc.PDF = fetch(http.MethodGet, fmt.Sprintf("/api/v1/me/documents/%d/pdf", doc.ID), nil)
	return doc
}

// readQRCode renders page 1 of pdf at 150 dpi with poppler's pdftoppm and
// returns what zbarimg reads from the QR code on it.
func readQRCode(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "doc.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile",
		filepath.Join(dir, "doc.pdf"), filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code on page 1: %v", err)
	}
	return strings.TrimSpace(string(out))
}
