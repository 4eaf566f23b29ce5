package roster

import "strings"

// personFields are the fields of a person in the order forms show them.
func personFields() [7]Field {
	return [7]Field{FieldFirstName, FieldLastName, FieldEmail, FieldOrganisation, FieldNetworkType, FieldFederalState, FieldPhone}
}

// CheckPerson normalises a person entered one at a time, in a form or
// through the API, by the same rules as a row of an imported list. The
// errors carry Field, Reason and Message; Line and Column stay empty, so
// show Field and Message rather than Error().
func CheckPerson(raw Person) (Person, []CellError) {
	var out Person
	var errs []CellError
	for _, f := range personFields() {
		v, p := normalize(f, raw.get(f))
		out.set(f, v)
		if p != nil {
			errs = append(errs, CellError{Field: f, Reason: p.reason, Code: p.code, Max: p.max,
				Value: shorten(strings.TrimSpace(raw.get(f))), Message: p.msg})
		}
	}
	return out, errs
}

func (p Person) get(f Field) string {
	switch f {
	case FieldFirstName:
		return p.FirstName
	case FieldLastName:
		return p.LastName
	case FieldEmail:
		return p.Email
	case FieldOrganisation:
		return p.Organisation
	case FieldNetworkType:
		return p.NetworkType
	case FieldFederalState:
		return p.FederalState
	case FieldPhone:
		return p.Phone
	}
	return ""
}

// NormalizeEmail trims and lower-cases an address and says whether it is
// one, by the same rule as a list's e-mail column, so that accounts and
// participants accept the same addresses.
func NormalizeEmail(raw string) (string, bool) {
	s, p := normalizeEmail(raw)
	return s, p == nil
}
