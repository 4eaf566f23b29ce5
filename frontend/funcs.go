package frontend

import (
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"kohorte/services"
	"kohorte/services/roster"
)

// message is a catalogue message that a handler picks at run time, with the
// values of its placeholders; templates show it with {{msg .}}.
type message struct {
	ID   string
	Data map[string]any
}

// newMessage builds a message from name-value pairs, as t takes them.
func newMessage(id string, args ...any) *message {
	data, err := templateData(args)
	if err != nil {
		// The pairs are written in Go, not typed by anyone: a mistake is a
		// programming error that the tests hit at once.
		panic(fmt.Sprintf("message %s: %v", id, err))
	}
	return &message{ID: id, Data: data}
}

// timeLayouts are how each language writes a date with its time.
var timeLayouts = map[string]string{
	"de": "02.01.2006 15:04",
	"en": "2 Jan 2006, 15:04",
}

// parseFuncs are the template functions at parse time. Those that depend on
// the language only report that they are unbound; localizePages replaces
// them.
func (ui *UI) parseFuncs() template.FuncMap {
	return template.FuncMap{
		"static": ui.assetURL,
		// passwordMin is the policy's minimum length, for the hint and
		// the input's minlength.
		"passwordMin": func() int { return services.MinPasswordLength },
		"input":       newInput,
		"sortHeading": newSortHeading,
		"add":         func(a, b int) int { return a + b },
		"stateName":   stateName,
		"t":           func(string, ...any) (string, error) { return "", errUnbound },
		"msg":         func(*message) (string, error) { return "", errUnbound },
		"label":       func(string, string) (string, error) { return "", errUnbound },
		"datetime":    func(any) (string, error) { return "", errUnbound },
		"date":        func(any) (string, error) { return "", errUnbound },
		"num":         func(int) (string, error) { return "", errUnbound },
		"percent":     func(float64) (string, error) { return "", errUnbound },
	}
}

// langFuncs are the template functions that speak one language:
//
//	{{t "ID" "Name" value}}   a message of the catalogue
//	{{msg .Problem}}          a message a handler chose
//	{{label "Role" .Role}}    the message RoleX for the code X, or X itself
//	                          when the catalogue has no such message
//	{{datetime .CreatedAt}}   a time in Europe/Berlin
//	{{date .StartDate}}       a calendar day
//	{{num 10000}}             a number with thousands separated: 10.000
//	{{percent 33.3}}          a share with one decimal: 33,3 %
func (ui *UI) langFuncs(loc *i18n.Localizer, code string) template.FuncMap {
	t := translator(loc)
	return template.FuncMap{
		"t": t,
		"msg": func(m *message) (string, error) {
			if m == nil {
				return "", nil
			}
			return loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: m.Data, PluralCount: m.Data["Count"]})
		},
		"label":    labeller(loc),
		"datetime": ui.timeFormatter(timeLayouts[code]),
		"date":     dateFormatter(dateLayouts[code]),
		"num":      numberFormatter(thousandsSeparators[code]),
		"percent":  percentFormatter(code),
	}
}

// labeller returns the template function label. Codes such as audit actions
// are open-ended: one without a catalogue entry is shown as it is, which
// is still meaningful to staff.
func labeller(loc *i18n.Localizer) func(prefix, code string) (string, error) {
	toID := strings.NewReplacer(".", "_", "*", "_", "-", "_", " ", "_")
	return func(prefix, code string) (string, error) {
		text, err := loc.Localize(&i18n.LocalizeConfig{MessageID: prefix + toID.Replace(code)})
		var missing *i18n.MessageNotFoundErr
		if errors.As(err, &missing) {
			return code, nil
		}
		return text, err
	}
}

// timeFormatter returns the template function datetime. It takes a time or
// a pointer to one; nil, as for a user who never logged in, gives "–".
func (ui *UI) timeFormatter(layout string) func(any) (string, error) {
	return func(v any) (string, error) {
		switch v := v.(type) {
		case time.Time:
			return v.In(ui.zone).Format(layout), nil
		case *time.Time:
			if v == nil {
				return "–", nil
			}
			return v.In(ui.zone).Format(layout), nil
		}
		return "", fmt.Errorf("datetime: %T is no time", v)
	}
}

// percentFormatter returns the template function percent: a share with
// one decimal as the language writes it, "33,3 %" or "33.3%".
func percentFormatter(code string) func(float64) string {
	return func(share float64) string {
		text := roster.FormatShare(roster.Lang(code), share)
		if code == "de" {
			return text + "\u00a0%"
		}
		return text + "%"
	}
}

// thousandsSeparators group the digits of large numbers in each language.
var thousandsSeparators = map[string]string{"de": ".", "en": ","}

// numberFormatter returns the template function num.
func numberFormatter(sep string) func(int) string {
	return func(n int) string {
		digits := strconv.Itoa(n)
		var b strings.Builder
		for i, d := range digits {
			if i > 0 && d != '-' && (len(digits)-i)%3 == 0 && digits[i-1] != '-' {
				b.WriteString(sep)
			}
			b.WriteRune(d)
		}
		return b.String()
	}
}
