package roster

import (
	"slices"
	"strings"
)

// allFields lists the fields in export column order.
var allFields = [...]Field{
	FieldLastName, FieldFirstName, FieldEmail, FieldOrganisation,
	FieldNetworkType, FieldFederalState, FieldPhone,
}

var requiredFields = [...]Field{FieldFirstName, FieldLastName, FieldEmail}

// headerIndex maps folded header names to fields. Folding drops case, spaces,
// hyphens, "*" and ":", so "E-Mail", "Email" and "e-mail:*" are one key.
var headerIndex = buildIndex(map[Field][]string{
	FieldFirstName:    {"Vorname", "First name", "Given name", "Vornamen"},
	FieldLastName:     {"Nachname", "Last name", "Surname", "Familienname", "Family name"},
	FieldEmail:        {"E-Mail", "Mail", "E-Mail-Adresse", "E-mail address", "Mailadresse"},
	FieldOrganisation: {"Organisation", "Organization", "Institution", "Einrichtung", "Arbeitgeber", "Träger"},
	FieldNetworkType:  {"Netzwerk", "Netzwerktyp", "Netzwerkart", "Network", "Network type"},
	FieldFederalState: {"Bundesland", "Land", "Federal state", "State"},
	FieldPhone:        {"Telefon", "Tel.", "Telefonnummer", "Phone", "Phone number", "Telephone"},
})

// weakLastName is a header that means the last name only when no other
// column does.
const weakLastName = "name"

// column is a mapped column: its index in the row, its field and its header
// as written.
type column struct {
	index  int
	field  Field
	header string
}

// header is the result of mapping a header row.
type header struct {
	columns []column // in file order
	ignored []string
}

// mapHeader maps the cells of the header row at line to fields.
func mapHeader(cells []string, line int) (header, error) {
	byField := make(map[Field][]column)
	var weak []column
	var h header
	for i, cell := range cells {
		text := strings.TrimSpace(cell)
		if text == "" {
			continue
		}
		key := foldKey(text)
		if f, ok := headerIndex[key]; ok {
			byField[f] = append(byField[f], column{i, f, text})
		} else if key == weakLastName {
			weak = append(weak, column{i, FieldLastName, text})
		} else {
			h.ignored = append(h.ignored, text)
		}
	}
	if len(byField[FieldLastName]) == 0 {
		byField[FieldLastName] = weak
	} else {
		for _, c := range weak {
			h.ignored = append(h.ignored, c.header)
		}
	}
	if err := checkHeader(byField, line); err != nil {
		return header{}, err
	}
	for _, cols := range byField {
		h.columns = append(h.columns, cols...)
	}
	slices.SortFunc(h.columns, func(a, b column) int { return a.index - b.index })
	return h, nil
}

// checkHeader reports missing required fields and fields with several
// columns.
func checkHeader(byField map[Field][]column, line int) error {
	e := &HeaderError{Line: line}
	for _, f := range requiredFields {
		if len(byField[f]) == 0 {
			e.Missing = append(e.Missing, f)
		}
	}
	for f, cols := range byField {
		if len(cols) > 1 {
			if e.Duplicates == nil {
				e.Duplicates = make(map[Field][]string)
			}
			for _, c := range cols {
				e.Duplicates[f] = append(e.Duplicates[f], c.header)
			}
		}
	}
	if len(e.Missing) == 0 && len(e.Duplicates) == 0 {
		return nil
	}
	return e
}

// columnsByField returns field → header as written.
func (h header) columnsByField() map[Field]string {
	m := make(map[Field]string, len(h.columns))
	for _, c := range h.columns {
		m[c.field] = c.header
	}
	return m
}
