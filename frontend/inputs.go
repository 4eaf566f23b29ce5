package frontend

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"kohorte/models"
	"kohorte/services/roster"
)

// inputView is one labelled input of a form, as the part "input" draws it:
// label, hint, error and the input itself, wired together for screen
// readers. Templates build it with the function input, so that the many
// inputs of the course, cohort and participant forms look and behave alike.
type inputView struct {
	ID    string // the input's id and name; service errors name it too
	Label string // message ID
	// Type is an input type (text, email, tel, number, date),
	// "textarea" or "select".
	Type         string
	Value        string
	Hint         *message
	Required     bool
	Optional     bool // marks the label "(optional)"
	MaxLength    int
	Min, Max     string // bounds of a number or date
	Rows         int    // of a textarea
	Autocomplete string
	Inputmode    string
	Class        string // extra class of the field, e.g. field--grow
	// Options are the choices of a select. OptionLabel, when set, is the
	// prefix of the catalogue messages that name them ({{label}}); Empty
	// names the choice of none.
	Options     []option
	OptionLabel string
	Empty       string
	Error       *fieldError
}

// DescribedBy lists the ids of the hint and the error, for
// aria-describedby.
func (v inputView) DescribedBy() string {
	var ids []string
	if v.Hint != nil {
		ids = append(ids, v.ID+"-hint")
	}
	if v.Error != nil {
		ids = append(ids, v.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// newInput is the template function input:
//
//	{{template "input" (input .Errors "id" "title" "label" "FieldCourseTitle" "value" .Form.Title "required" true "max" 300)}}
//
// It takes the form's errors and name-value pairs; an unknown name or a
// value of the wrong type is an error, so that a typo fails the page tests.
func newInput(errs formErrors, pairs ...any) (inputView, error) {
	v := inputView{Type: "text"}
	if len(pairs)%2 != 0 {
		return v, fmt.Errorf("input: arguments must be name-value pairs")
	}
	for i := 0; i < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		if err := v.set(name, pairs[i+1]); err != nil {
			return v, fmt.Errorf("input %s: %w", v.ID, err)
		}
	}
	if v.ID == "" || v.Label == "" {
		return v, fmt.Errorf("input needs an id and a label")
	}
	v.Error = errs.For(v.ID)
	return v, nil
}

func (v *inputView) set(name string, value any) error {
	var ok bool
	switch name {
	case "id":
		v.ID, ok = value.(string)
	case "label":
		v.Label, ok = value.(string)
	case "type":
		v.Type, ok = value.(string)
	case "value":
		v.Value, ok = fmt.Sprint(value), value != nil
	case "hint":
		switch h := value.(type) {
		case string:
			v.Hint, ok = newMessage(h), true
		case *message:
			v.Hint, ok = h, true
		}
	case "required":
		v.Required, ok = value.(bool)
	case "optional":
		v.Optional, ok = value.(bool)
	case "max":
		v.MaxLength, ok = value.(int)
	case "min-value":
		v.Min, ok = fmt.Sprint(value), true
	case "max-value":
		v.Max, ok = fmt.Sprint(value), true
	case "rows":
		v.Rows, ok = value.(int)
	case "autocomplete":
		v.Autocomplete, ok = value.(string)
	case "inputmode":
		v.Inputmode, ok = value.(string)
	case "class":
		v.Class, ok = value.(string)
	case "options":
		switch o := value.(type) {
		case []option:
			v.Options, ok = o, true
		case []string:
			for _, code := range o {
				v.Options = append(v.Options, option{Value: code, Label: code})
			}
			ok = true
		}
	case "option-label":
		v.OptionLabel, ok = value.(string)
	case "empty":
		v.Empty, ok = value.(string)
	default:
		return fmt.Errorf("unknown name %q", name)
	}
	if !ok {
		return fmt.Errorf("%s: unexpected %T", name, value)
	}
	return nil
}

// option is one choice of a select.
type option struct {
	Value string
	Label string // shown as it is; see the templates for translated ones
}

// federalStateOptions are the 16 Länder by their German names, which are
// proper names and stay German in the English interface too.
func federalStateOptions() []option {
	states := roster.FederalStates()
	out := make([]option, len(states))
	for i, s := range states {
		out[i] = option{Value: s.Code, Label: s.Name}
	}
	return out
}

// networkTypeCodes are the network types; templates translate them with
// {{label "Network_" .}}.
func networkTypeCodes() []string {
	types := roster.NetworkTypes()
	out := make([]string, len(types))
	for i, n := range types {
		out[i] = n.Code
	}
	return out
}

// stateName is the template function stateName: the German name of a
// federal state code, "–" for none.
func stateName(code string) string {
	if code == "" {
		return "–"
	}
	if name, ok := roster.FederalStateName(code); ok {
		return name
	}
	return code
}

// dateLayouts are how each language writes a calendar day.
var dateLayouts = map[string]string{
	"de": "02.01.2006",
	"en": "2 Jan 2006",
}

// dateFormatter returns the template function date. It takes a models.Date
// or a pointer to one; a zero or nil day gives "–".
func dateFormatter(layout string) func(any) (string, error) {
	return func(v any) (string, error) {
		var d models.Date
		switch v := v.(type) {
		case models.Date:
			d = v
		case *models.Date:
			if v != nil {
				d = *v
			}
		default:
			return "", fmt.Errorf("date: %T is no date", v)
		}
		if d.IsZero() {
			return "–", nil
		}
		return d.Format(layout), nil
	}
}

// isoDate writes a day as an <input type="date"> wants it; "" for none.
func isoDate(d models.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// today is the current day where the course offices are.
func (ui *UI) today() models.Date {
	return models.DateOf(time.Now().In(ui.zone))
}

// formReader reads the numbers and days of a form, which bind as text so
// that an empty field stays distinguishable from 0. Whatever is no number
// or no day becomes a field error of form; the browser's number and date
// inputs make that rare.
type formReader struct {
	form any
	errs formErrors
}

// optional reads a whole number; an empty field is nil, so that the
// service keeps its current value or default.
func (n *formReader) optional(field, raw string) *int {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil {
		n.errs = append(n.errs, fieldError{Field: field, Label: labelOfForm(n.form, field), Message: newMessage("ErrWholeNumber")})
		return nil
	}
	return &v
}

// required reads a number that must be given; an empty field is 0, which
// the service refuses with its allowed range.
func (n *formReader) required(field, raw string) int {
	if v := n.optional(field, raw); v != nil {
		return *v
	}
	return 0
}

// date reads a day, written as 2023-03-01 by the browser's date input;
// an empty field is the zero day.
func (n *formReader) date(field, raw string) models.Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return models.Date{}
	}
	d, err := models.ParseDate(raw)
	if err != nil {
		n.errs = append(n.errs, fieldError{Field: field, Label: labelOfForm(n.form, field), Message: newMessage("ErrDate")})
	}
	return d
}
