package certificates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Column widths of the sessions table in mm (date, session, modality,
// units), together the text width of 170 mm.
var tableCols = [4]float64{26, 98, 26, 20}

const rowH = 6.5

// RenderConfirmation prints an attendance confirmation: the sessions
// attended in a table that goes on over as many pages as it needs, each
// with the table's header again, and the total of teaching units.
func RenderConfirmation(c Confirmation) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	d, err := newDoc(c.Lang, c.IssuedOn, wordsFor(c.Lang).confirmation+" "+c.Number, c.Course, c.Issuers)
	if err != nil {
		return nil, err
	}
	d.pdf.AddPage()
	if err := d.logos(c.Issuers); err != nil {
		return nil, err
	}
	d.pdf.SetY(50)
	d.paragraph(d.w.confirmation, true, 22, 22, "C")
	d.pdf.Ln(6)
	d.paragraph(c.Holder, true, 18, 12, "C")
	d.pdf.Ln(3)
	d.paragraph(fmt.Sprintf(d.w.attendedIntro, c.Course, c.Cohort, day(c.Lang, c.From), day(c.Lang, c.To)), false, 11, 9, "C")
	d.pdf.Ln(5)
	if err := d.sessionTable(c); err != nil {
		return nil, err
	}
	if d.pdf.GetY()+rowH+40 > footerTop {
		if err := d.nextPage(c, false); err != nil {
			return nil, err
		}
	}
	d.signatures(c.Place, c.IssuedOn, c.Signatories)
	if err := d.footer(c.Number, c.VerifyURL); err != nil {
		return nil, err
	}
	return d.bytes()
}

func (c Confirmation) check() error {
	if missing := missingFields(c.Number, c.Holder, c.Course, c.VerifyURL); len(missing) > 0 {
		return fmt.Errorf("confirmation: missing %s", strings.Join(missing, ", "))
	}
	if c.To.Before(c.From) {
		return errors.New("confirmation: the course ends before it starts")
	}
	return nil
}

// sessionTable prints the header, one row per session and the total; a
// row that would reach the footer goes to a new page under a new header.
func (d *doc) sessionTable(c Confirmation) error {
	d.tableHeader()
	for _, s := range c.Sessions {
		h := d.rowHeight(s.Title)
		if d.pdf.GetY()+h > footerTop-6 {
			if err := d.nextPage(c, true); err != nil {
				return err
			}
		}
		d.row(day(c.Lang, s.Date), s.Title, d.w.modalityName(s.Modality), strconv.Itoa(s.Units), h, false)
	}
	if d.pdf.GetY()+rowH > footerTop-6 {
		if err := d.nextPage(c, true); err != nil {
			return err
		}
	}
	d.font(true, 10)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(textW-tableCols[3], rowH, d.w.total, "T", 0, "R", false, 0, "")
	d.pdf.CellFormat(tableCols[3], rowH, strconv.Itoa(c.TotalUnits()), "T", 1, "R", false, 0, "")
	return nil
}

// nextPage closes the page with its footer and opens the next one, with
// the table's header when the table goes on.
func (d *doc) nextPage(c Confirmation, header bool) error {
	if err := d.footer(c.Number, c.VerifyURL); err != nil {
		return err
	}
	d.pdf.AddPage()
	d.pdf.SetY(margin)
	d.font(false, 9)
	d.pdf.CellFormat(textW, 5, c.Holder+" · "+d.w.confirmation, "", 1, "L", false, 0, "")
	d.pdf.Ln(3)
	if header {
		d.tableHeader()
	}
	return nil
}

func (d *doc) tableHeader() {
	d.pdf.SetFillColor(235, 235, 235)
	d.row(d.w.date, d.w.session, d.w.modality, d.w.units, rowH, true)
}

// rowHeight is the height a row needs for its title to wrap in its column.
func (d *doc) rowHeight(title string) float64 {
	d.font(false, 10)
	lines := len(d.pdf.SplitText(title, tableCols[1]-2))
	return max(rowH, float64(lines)*5+1.5)
}

func (d *doc) row(date, title, modality, units string, h float64, header bool) {
	d.font(header, 10)
	x, y := margin, d.pdf.GetY()
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(tableCols[0], h, date, "B", 0, "L", header, 0, "")
	d.pdf.SetXY(x+tableCols[0], y)
	if header || h == rowH {
		d.pdf.CellFormat(tableCols[1], h, title, "B", 0, "L", header, 0, "")
	} else {
		d.pdf.MultiCell(tableCols[1], 5, title, "", "L", false)
		d.pdf.Line(x+tableCols[0], y+h, x+tableCols[0]+tableCols[1], y+h)
	}
	d.pdf.SetXY(x+tableCols[0]+tableCols[1], y)
	d.pdf.CellFormat(tableCols[2], h, modality, "B", 0, "L", header, 0, "")
	d.pdf.CellFormat(tableCols[3], h, units, "B", 1, "R", header, 0, "")
	d.pdf.SetY(y + h)
}
