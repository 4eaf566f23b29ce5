package certificates

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrTextTooLong refuses a certificate whose text would run into the
// signatures: too many or too long topics or titles.
var ErrTextTooLong = errors.New("certificate: the text does not fit above the signatures; shorten the topics or the titles")

// RenderCertificate prints an IHK certificate on one A4 page.
func RenderCertificate(c Certificate) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	d, err := newDoc(c.Lang, c.IssuedOn, wordsFor(c.Lang).certificate+" "+c.Number, c.CertificateTitle, c.Issuers)
	if err != nil {
		return nil, err
	}
	d.pdf.AddPage()
	if err := d.logos(c.Issuers); err != nil {
		return nil, err
	}
	d.pdf.SetY(58)
	d.paragraph(strings.ToUpper(d.w.certificate), true, 30, 30, "C")
	d.pdf.Ln(8)
	d.paragraph(c.Holder, true, 24, 14, "C")
	d.pdf.Ln(5)
	d.paragraph(fmt.Sprintf(d.w.completedFrom, day(c.Lang, c.From), day(c.Lang, c.To)), false, 12, 10, "C")
	d.pdf.Ln(2)
	d.paragraph(fmt.Sprintf(d.w.completedCourse, c.Course), true, 16, 11, "C")
	if c.CertificateTitle != "" && c.CertificateTitle != c.Course {
		d.paragraph(c.CertificateTitle, false, 12, 10, "C")
	}
	if d.w.completed != "" {
		d.pdf.Ln(2)
		d.paragraph(d.w.completed, false, 12, 10, "C")
	}
	d.topics(c.Topics)
	if c.ProjectTitle != "" {
		d.pdf.Ln(5)
		d.paragraph(fmt.Sprintf(d.w.project, c.ProjectTitle), false, 11, 9, "L")
	}
	if d.pdf.GetY() > footerTop-signatureSpace {
		return nil, ErrTextTooLong
	}
	d.signatures(c.Place, c.IssuedOn, c.Signatories)
	if err := d.footer(c.Number, c.VerifyURL); err != nil {
		return nil, err
	}
	return d.bytes()
}

// signatureSpace is the height the place, date and signatures take above
// the footer.
const signatureSpace = 40.0

func (c Certificate) check() error {
	if missing := missingFields(c.Number, c.Holder, c.Course, c.VerifyURL); len(missing) > 0 {
		return fmt.Errorf("certificate: missing %s", strings.Join(missing, ", "))
	}
	if c.To.Before(c.From) {
		return errors.New("certificate: the course ends before it starts")
	}
	return nil
}

// topics lists the course's contents in two columns where they are many.
func (d *doc) topics(topics []string) {
	if len(topics) == 0 {
		return
	}
	d.pdf.Ln(7)
	d.font(true, 11)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(textW, 6, d.w.topics, "", 1, "L", false, 0, "")
	cols := 1
	if len(topics) > 5 {
		cols = 2
	}
	colW := textW / float64(cols)
	perCol := (len(topics) + cols - 1) / cols
	top := d.pdf.GetY()
	bottom := top
	for i, t := range topics {
		col := i / perCol
		if i%perCol == 0 {
			d.pdf.SetY(top)
		}
		d.fitted("• "+t, false, 10, 8, colW-2)
		d.pdf.SetX(margin + float64(col)*colW)
		d.pdf.MultiCell(colW-2, 4.8, "• "+t, "", "L", false)
		bottom = max(bottom, d.pdf.GetY())
	}
	d.pdf.SetY(bottom)
}

// signatures prints place and date, and a line for each signatory, side
// by side above the footer.
func (d *doc) signatures(place string, issued time.Time, signatories []Signatory) {
	top := footerTop - signatureSpace + 2
	d.font(false, 11)
	d.pdf.SetXY(margin, top)
	line := day(d.lang, issued)
	if place != "" {
		line = place + ", " + line
	}
	d.pdf.CellFormat(textW, 6, line, "", 1, "L", false, 0, "")
	if len(signatories) == 0 {
		return
	}
	slot := textW / float64(len(signatories))
	y := top + 22
	d.pdf.SetDrawColor(0, 0, 0)
	for i, s := range signatories {
		x := margin + float64(i)*slot
		d.pdf.Line(x+2, y, x+slot-6, y)
		d.pdf.SetXY(x+2, y+1.5)
		d.fitted(s.Name, true, 10, 7, slot-8)
		d.pdf.MultiCell(slot-8, 4.5, s.Name, "", "L", false)
		d.pdf.SetX(x + 2)
		d.fitted(s.Function, false, 9, 7, slot-8)
		d.pdf.MultiCell(slot-8, 4.2, s.Function, "", "L", false)
	}
}

// missingFields names those of number, holder, course and verify URL
// that are blank, in that order.
func missingFields(number, holder, course, verifyURL string) []string {
	var missing []string
	for i, v := range []string{number, holder, course, verifyURL} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, []string{"number", "holder", "course", "verify URL"}[i])
		}
	}
	return missing
}
