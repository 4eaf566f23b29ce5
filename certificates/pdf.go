package certificates

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Noto Sans (SIL Open Font License, fonts/OFL.txt) prints every European
// language, Vietnamese included; the PDF core fonts know only cp1252 and
// would print "Ćosić-Şahin" as garbage.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	fontRegular string
	//go:embed fonts/NotoSans-Bold.ttf
	fontBold string
)

// parsedFonts parses the fonts once per process, on first use: parsing
// them costs more than the rest of a document. Documents share the parsed
// fonts, which the patched gofpdf (gofpdf/PATCHES.md) never writes to.
var parsedFonts = sync.OnceValues(func() (fonts [2]*gofpdf.UTF8Font, err error) {
	for i, b := range []string{fontRegular, fontBold} {
		if fonts[i], err = gofpdf.ParseUTF8Font([]byte(b)); err != nil {
			return fonts, fmt.Errorf("font %d: %w", i, err)
		}
	}
	return fonts, nil
})

const (
	family     = "Noto"
	pageW      = 210.0
	pageH      = 297.0
	margin     = 20.0
	textW      = pageW - 2*margin
	footerTop  = pageH - 42.0
	qrSize     = 26.0
	lineHeight = 1.35 // times the font size in mm
	ptToMM     = 25.4 / 72
)

// doc is one PDF being written, with the parts every document shares.
type doc struct {
	pdf  *gofpdf.Fpdf
	lang Lang
	w    words
}

// newDoc starts an A4 document. Its dates come from issued, never from the
// clock, so that the same input gives the same bytes.
func newDoc(lang Lang, issued time.Time, title, subject string, issuers []Issuer) (*doc, error) {
	fonts, err := parsedFonts()
	if err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontParsed(family, "", fonts[0])
	pdf.AddUTF8FontParsed(family, "B", fonts[1])
	pdf.SetCreationDate(issued)
	pdf.SetModificationDate(issued)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(title, true)
	pdf.SetSubject(subject, true)
	pdf.SetAuthor(issuerNames(issuers), true)
	pdf.SetCreator("Kohorte", true)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AliasNbPages("{nb}")
	return &doc{pdf: pdf, lang: lang, w: wordsFor(lang)}, nil
}

func issuerNames(issuers []Issuer) string {
	names := make([]string, 0, len(issuers))
	for _, i := range issuers {
		names = append(names, i.Name)
	}
	return strings.Join(names, ", ")
}

// bytes finishes the document.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// font sets the font; size in points.
func (d *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont(family, style, size)
}

// fitted sets the largest size from max down to min at which text fits on
// one line of width w, and tells whether it fits at all.
func (d *doc) fitted(text string, bold bool, max, min, w float64) bool {
	for size := max; size >= min; size -= 0.5 {
		d.font(bold, size)
		if d.pdf.GetStringWidth(text) <= w {
			return true
		}
	}
	return false
}

// paragraph writes text centred or left-aligned across the text width,
// shrinking it from max towards min and wrapping what still does not fit,
// so that no name or title runs off the page.
func (d *doc) paragraph(text string, bold bool, max, min float64, align string) {
	d.fitted(text, bold, max, min, textW)
	size, _ := d.pdf.GetFontSize()
	d.pdf.SetX(margin)
	d.pdf.MultiCell(textW, size*ptToMM*lineHeight, text, "", align, false)
}

// logos prints each issuer's logo (or its name where it has none) in a row
// at the top of the page.
func (d *doc) logos(issuers []Issuer) error {
	if len(issuers) == 0 {
		return nil
	}
	slot := textW / float64(len(issuers))
	for i, is := range issuers {
		x := margin + float64(i)*slot
		if len(is.Logo) == 0 {
			d.font(true, 10)
			d.pdf.SetXY(x, margin)
			d.pdf.MultiCell(slot, 5, is.Name, "", "C", false)
			continue
		}
		if err := d.logo(fmt.Sprintf("logo%d", i), is, x, slot); err != nil {
			return err
		}
	}
	return nil
}

// logo fits one logo into its slot: at most 18 mm high and the slot wide
// less a gap, centred.
func (d *doc) logo(name string, is Issuer, x, slot float64) error {
	kind, ok := map[string]string{"image/png": "PNG", "image/jpeg": "JPG"}[is.LogoType]
	if !ok {
		return fmt.Errorf("logo of %s: unsupported type %q", is.Name, is.LogoType)
	}
	info := d.pdf.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: kind}, bytes.NewReader(is.Logo))
	if err := d.pdf.Error(); err != nil || info == nil {
		return fmt.Errorf("logo of %s: %w", is.Name, errors.Join(err, errors.New("unreadable image")))
	}
	maxW, maxH := slot-6, 18.0
	w, h := info.Width(), info.Height()
	scale := min(maxW/w, maxH/h)
	w, h = w*scale, h*scale
	d.pdf.ImageOptions(name, x+(slot-w)/2, margin, w, h, false, gofpdf.ImageOptions{ImageType: kind}, 0, "")
	return nil
}

// footer prints the number, the verification link and its QR code at the
// bottom of the current page.
func (d *doc) footer(number, verifyURL string) error {
	q, err := NewQR(verifyURL)
	if err != nil {
		return err
	}
	d.qr(q, pageW-margin-qrSize, footerTop+4, qrSize)
	d.pdf.SetDrawColor(150, 150, 150)
	d.pdf.Line(margin, footerTop, pageW-margin, footerTop)
	d.pdf.SetTextColor(60, 60, 60)
	w := textW - qrSize - 5
	d.pdf.SetXY(margin, footerTop+4)
	d.font(true, 9)
	d.pdf.MultiCell(w, 4.5, d.w.number+" "+number, "", "L", false)
	d.font(false, 8.5)
	d.pdf.SetX(margin)
	d.pdf.MultiCell(w, 4.2, d.w.verify+": "+verifyURL, "", "L", false)
	d.pdf.SetX(margin)
	d.pdf.MultiCell(w, 4.2, fmt.Sprintf(d.w.page, d.pdf.PageNo(), "{nb}"), "", "L", false)
	d.pdf.SetTextColor(0, 0, 0)
	return nil
}

// qr draws a QR code as filled squares: vector, sharp at any print size.
func (d *doc) qr(q QR, x, y, size float64) {
	m := size / float64(q.Size())
	d.pdf.SetFillColor(0, 0, 0)
	for row, line := range q.Modules {
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			d.pdf.Rect(x+float64(start)*m, y+float64(row)*m, float64(col-start)*m, m, "F")
		}
	}
}
