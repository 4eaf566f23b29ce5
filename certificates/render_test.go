package certificates

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs in testdata/")

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func sampleCertificate() Certificate {
	return Certificate{
		Lang:             German,
		Number:           "KOH-2023-0016",
		Holder:           "Zoë Ćosić-Şahin",
		CertificateTitle: "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		Course:           "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		From:             date(2023, time.March, 6),
		To:               date(2023, time.May, 26),
		Topics: []string{"Netzwerkmanagement und Rollenklärung", "Fachkräftesicherung in der Region",
			"Projektmanagement", "Moderation und Kommunikation", "Öffentlichkeitsarbeit", "Fördermittel und Finanzierung"},
		ProjectTitle: "MINT-Sommercamp für Mädchen im Landkreis Oldenburg",
		Place:        "Oldenburg",
		IssuedOn:     date(2023, time.September, 21),
		Issuers:      []Issuer{{Name: "Stiftung Kinder forschen"}, {Name: "Oldenburgische IHK", City: "Oldenburg"}},
		Signatories:  []Signatory{{Name: "Dr. Maria Beispiel", Function: "Vorständin"}, {Name: "Jörg Muster", Function: "Hauptgeschäftsführer"}},
		VerifyURL:    "https://kohorte.example.org/verify/Q2FmZUJhYmVEZWFkQmVlZg",
	}
}

func sampleConfirmation(sessions int) Confirmation {
	c := Confirmation{
		Lang:      German,
		Number:    "KOH-T-2023-0007",
		Holder:    "Łukasz Wójcik",
		Course:    "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		Cohort:    "Frühjahr 2023",
		From:      date(2023, time.March, 6),
		To:        date(2023, time.May, 26),
		Place:     "Oldenburg",
		IssuedOn:  date(2023, time.May, 30),
		Issuers:   []Issuer{{Name: "Stiftung Kinder forschen"}},
		VerifyURL: "https://kohorte.example.org/verify/Tm90QVJlYWxUb2tlbkF0QWxs",
	}
	for i := 0; i < sessions; i++ {
		m := OnSite
		if i%3 == 1 {
			m = Remote
		}
		c.Sessions = append(c.Sessions, AttendedSession{
			Date: date(2023, time.March, 6).AddDate(0, 0, 7*i), Title: fmt.Sprintf("Webinar %d: Netzwerke gestalten", i+1),
			Modality: m, Units: 2,
		})
	}
	return c
}

// text extracts a PDF's text with poppler's pdftotext, as a reader's
// software would.
func text(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	needTool(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func render(t *testing.T, c Certificate) []byte {
	t.Helper()
	pdf, err := RenderCertificate(c)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestNamesOfEveryEuropeanLanguagePrintExactly(t *testing.T) {
	for _, name := range []string{"Zoë Ćosić-Şahin", "Łukasz Wójcik", "Ağaoğlu", "Nguyễn Thị Hoa", "Ævar Þór Ólafsson", "Đorđe Šćekić", "Ἀλέξανδρος Παπαδόπουλος", "Дмитрий Кузнецов"} {
		c := sampleCertificate()
		c.Holder = name
		got := text(t, render(t, c))
		if !strings.Contains(got, name) {
			t.Errorf("%q not found in the text of its certificate:\n%s", name, got)
		}
	}
}

// bbox is pdftotext -bbox's word list.
type bbox struct {
	Pages []struct {
		Width float64 `xml:"width,attr"`
		Words []struct {
			XMin float64 `xml:"xMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"word"`
	} `xml:"page"`
}

// Every word lies inside the page's margins (20 mm = 56.7 pt), however
// long the name and the title.
func TestLongNamesAndTitlesStayWithinTheMargins(t *testing.T) {
	c := sampleCertificate()
	c.Holder = strings.Repeat("Maximiliane-Theresa ", 6)[:119] + "x"
	if n := len([]rune(c.Holder)); n != 120 {
		t.Fatalf("name has %d characters", n)
	}
	c.Course = strings.Repeat("Netzwerkkoordination und Fachkräftesicherung ", 6)
	c.ProjectTitle = strings.Repeat("Ein sehr langer Projekttitel ", 8)
	raw := text(t, render(t, c), "-bbox")
	var b bbox
	start, end := strings.Index(raw, "<doc>"), strings.Index(raw, "</doc>")
	if start < 0 || end < start {
		t.Fatalf("no word list in:\n%s", raw)
	}
	if err := xml.Unmarshal([]byte(raw[start:end+len("</doc>")]), &b); err != nil {
		t.Fatalf("bbox: %v", err)
	}
	const marginPt = 20 / 25.4 * 72
	words := 0
	for _, p := range b.Pages {
		for _, w := range p.Words {
			words++
			if w.XMin < marginPt-1 || w.XMax > p.Width-marginPt+1 {
				t.Errorf("%q runs from %.1f to %.1f pt, outside %.1f–%.1f", w.Text, w.XMin, w.XMax, marginPt, p.Width-marginPt)
			}
		}
	}
	if words < 50 {
		t.Fatalf("only %d words found", words)
	}
	flat := strings.Join(strings.Fields(text(t, render(t, c))), " ")
	if !strings.Contains(flat, strings.TrimSpace(c.Holder)) && !strings.Contains(strings.ReplaceAll(flat, "- ", "-"), strings.TrimSpace(c.Holder)) {
		t.Errorf("the long name is not printed whole: %s", flat)
	}
}

func TestDocumentMetadataIsSet(t *testing.T) {
	needTool(t, "pdfinfo", "poppler-utils")
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, render(t, sampleCertificate()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Title:           Zertifikat KOH-2023-0016",
		"Subject:         Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		"Author:          Stiftung Kinder forschen, Oldenburgische IHK",
		"Creator:         Kohorte",
		"Pages:           1",
		"Page size:       595.28 x 841.89 pts (A4)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, out)
		}
	}
}

func TestCertificateSaysWhatTheDesignSays(t *testing.T) {
	got := strings.Join(strings.Fields(text(t, render(t, sampleCertificate()))), " ")
	for _, want := range []string{
		"ZERTIFIKAT", "Zoë Ćosić-Şahin", "hat vom 06.03.2023 bis 26.05.2023 am Zertifikatslehrgang",
		"„Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)“", "erfolgreich teilgenommen.",
		"Inhalte des Lehrgangs", "Fördermittel und Finanzierung",
		"Projektarbeit: „MINT-Sommercamp für Mädchen im Landkreis Oldenburg“",
		"Oldenburg, 21.09.2023", "Dr. Maria Beispiel", "Hauptgeschäftsführer",
		"Nr. KOH-2023-0016", "https://kohorte.example.org/verify/Q2FmZUJhYmVEZWFkQmVlZg", "Seite 1 von 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("certificate lacks %q:\n%s", want, got)
		}
	}
	c := sampleCertificate()
	c.Lang = English
	en := strings.Join(strings.Fields(text(t, render(t, c))), " ")
	for _, want := range []string{"CERTIFICATE", "has, from 6 March 2023 to 26 May 2023, successfully completed the certificate course", "Oldenburg, 21 September 2023", "Page 1 of 1"} {
		if !strings.Contains(en, want) {
			t.Errorf("English certificate lacks %q:\n%s", want, en)
		}
	}
}

// The QR code on the page, read from a rendering of it as a phone camera
// would, opens the verification URL.
func TestQRCodeOnThePageOpensTheVerificationURL(t *testing.T) {
	needTool(t, "pdftoppm", "poppler-utils")
	needTool(t, "zbarimg", "zbar-tools")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.pdf"), render(t, sampleCertificate()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", "-singlefile", filepath.Join(dir, "c.pdf"), filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != sampleCertificate().VerifyURL {
		t.Errorf("QR code reads %q", got)
	}
}

// 40 sessions of 6.5 mm do not fit below the heading on one page: the
// table goes on on page 2 under its header again, and the total is 80 UE.
func TestALongConfirmationContinuesOnTheNextPageWithItsHeader(t *testing.T) {
	pdf, err := RenderConfirmation(sampleConfirmation(40))
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(text(t, pdf), "\f")
	if len(pages) < 3 || strings.TrimSpace(pages[2]) != "" {
		t.Fatalf("want exactly 2 pages, got %d", len(pages)-1)
	}
	for i, p := range pages[:2] {
		flat := strings.Join(strings.Fields(p), " ")
		for _, want := range []string{"Datum", "Termin", "Teilnahme", "UE", "KOH-T-2023-0007", fmt.Sprintf("Seite %d von 2", i+1)} {
			if !strings.Contains(flat, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, flat)
			}
		}
	}
	all := strings.Join(strings.Fields(text(t, pdf, "-layout")), " ")
	for _, want := range []string{"Łukasz Wójcik", "Kohorte Frühjahr 2023 (06.03.2023 bis 26.05.2023)", "06.03.2023 Webinar 1: Netzwerke gestalten vor Ort 2", "13.03.2023 Webinar 2: Netzwerke gestalten online 2", "04.12.2023 Webinar 40: Netzwerke gestalten vor Ort 2", "Unterrichtseinheiten (UE) insgesamt 80"} {
		if !strings.Contains(all, want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	if strings.Count(all, "Netzwerke gestalten") != 40 {
		t.Errorf("%d session rows, want 40", strings.Count(all, "Netzwerke gestalten"))
	}
}

// The same input gives the same bytes, also when many documents are made
// at once (run with -race), and matches the golden files.
func TestRenderingIsDeterministicAndSafeConcurrently(t *testing.T) {
	cert, conf := render(t, sampleCertificate()), mustConfirmation(t, sampleConfirmation(40))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				if got, _ := RenderCertificate(sampleCertificate()); !bytes.Equal(got, cert) {
					t.Error("a certificate made concurrently differs")
				}
				return
			}
			if got, _ := RenderConfirmation(sampleConfirmation(40)); !bytes.Equal(got, conf) {
				t.Error("a confirmation made concurrently differs")
			}
		}(i)
	}
	wg.Wait()
	golden(t, "certificate.pdf", cert)
	golden(t, "confirmation.pdf", conf)
}

func mustConfirmation(t *testing.T, c Confirmation) []byte {
	t.Helper()
	pdf, err := RenderConfirmation(c)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file; look at both and rerun with -update if the change is meant", name)
	}
}

// Text that would run into the signatures is refused, never printed over
// them: 40 topics do not fit, the six of the sample do.
func TestTextThatWouldOverprintTheSignaturesIsRefused(t *testing.T) {
	c := sampleCertificate()
	for i := range 40 {
		c.Topics = append(c.Topics, fmt.Sprintf("Weiteres Thema Nummer %d mit einem längeren Titel", i+1))
	}
	if _, err := RenderCertificate(c); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("40 topics: err = %v", err)
	}
}

func TestIncompleteInputIsRefused(t *testing.T) {
	c := sampleCertificate()
	c.Holder, c.VerifyURL = " ", ""
	if _, err := RenderCertificate(c); err == nil || !strings.Contains(err.Error(), "holder") || !strings.Contains(err.Error(), "verify URL") {
		t.Errorf("err = %v", err)
	}
	c = sampleCertificate()
	c.Issuers[0].Logo, c.Issuers[0].LogoType = []byte("not an image"), "image/png"
	if _, err := RenderCertificate(c); err == nil {
		t.Error("a broken logo rendered")
	}
}
