package frontend

import (
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"kohorte/services"
)

// maxFormBytes bounds the body of the UI's forms, which are all small.
const maxFormBytes = 8 << 10

// Forms bind into structs whose fields carry three tags: form names the
// input (and is its HTML id), binding holds the rules of its shape, and
// label names the catalogue message of its label, which the error summary
// repeats. Service validation errors name fields the same way, so one struct
// describes both kinds of error.

// fieldError is one problem with one input of a form.
type fieldError struct {
	Field   string // the input's name and id; the summary links to it
	Label   string // message ID of the input's label; empty for no input
	Message *message
}

// formErrors are the problems of a form, in the order found.
type formErrors []fieldError

// For returns the problem with field, or nil, so that a template can mark
// the input: {{with .Errors.For "email"}}…{{end}}.
func (e formErrors) For(field string) *fieldError {
	for i := range e {
		if e[i].Field == field {
			return &e[i]
		}
	}
	return nil
}

// bindForm reads the POST form into dst and checks its binding rules.
// Broken rules come back as field errors. A body that is no form or too
// large is answered here with 400, and ok is false.
func (ui *UI) bindForm(c *gin.Context, dst any) (errs formErrors, ok bool) {
	return ui.bindFormMax(c, dst, maxFormBytes)
}

// bindFormMax is bindForm for a form whose body may be up to limit bytes.
func (ui *UI) bindFormMax(c *gin.Context, dst any, limit int64) (errs formErrors, ok bool) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	err := c.ShouldBindWith(dst, binding.FormPost)
	var broken validator.ValidationErrors
	switch {
	case err == nil:
		return nil, true
	case errors.As(err, &broken):
		return ruleErrors(dst, broken), true
	}
	ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
	return nil, false
}

// bindQuery reads the query of a list page into dst; a malformed one, such
// as a page number that is no number, is answered with 400 and false.
func (ui *UI) bindQuery(c *gin.Context, dst any) bool {
	if err := c.ShouldBindWith(dst, binding.Query); err != nil {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return false
	}
	return true
}

func ruleErrors(form any, broken validator.ValidationErrors) formErrors {
	t := reflect.TypeOf(form).Elem()
	errs := make(formErrors, 0, len(broken))
	for _, e := range broken {
		f, _ := t.FieldByName(e.StructField())
		errs = append(errs, fieldError{Field: f.Tag.Get("form"), Label: f.Tag.Get("label"), Message: ruleMessage(e)})
	}
	return errs
}

func ruleMessage(e validator.FieldError) *message {
	switch e.Tag() {
	case "required":
		return newMessage("ErrRequired")
	case "max":
		return newMessage("ErrTooLong", "Max", e.Param())
	case "eqfield":
		return newMessage("ErrRepeatDiffers")
	}
	return newMessage("ErrInvalid")
}

// serviceFieldErrors turns a services.ValidationError into field errors of
// form; any other error gives nil.
func serviceFieldErrors(form any, err error) formErrors {
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	t := reflect.TypeOf(form).Elem()
	errs := make(formErrors, 0, len(verr.Fields))
	for _, f := range verr.Fields {
		field := inputOf(t, f.Field)
		errs = append(errs, fieldError{Field: field, Label: labelOf(t, field), Message: serviceMessage(f)})
	}
	return errs
}

// inputOf finds the input a service error names. A list entered one item a
// line, such as a course's topics, is one input, while the service names
// each item: "topics[2]" is the input "topics".
func inputOf(form reflect.Type, field string) string {
	if labelOf(form, field) != "" {
		return field
	}
	if i := strings.IndexByte(field, '['); i > 0 && labelOf(form, field[:i]) != "" {
		return field[:i]
	}
	return field
}

// labelOfForm is labelOf for a pointer to a form struct.
func labelOfForm(form any, field string) string {
	return labelOf(reflect.TypeOf(form).Elem(), field)
}

// labelOf finds the label of the input named field; "" if form has none,
// and then the summary shows the message without a link.
func labelOf(form reflect.Type, field string) string {
	for i := range form.NumField() {
		if f := form.Field(i); f.Tag.Get("form") == field {
			return f.Tag.Get("label")
		}
	}
	return ""
}

// serviceMessages translate the English messages of the services, matched
// by field and the start of the message. An empty prefix matches any
// message of the field.
var serviceMessages = []struct{ field, prefix, id string }{
	{"email", "must be an e-mail address", "ErrEmail"},
	{"password", "must be at least", "ErrPasswordShort"},
	{"password", "must be at most", "ErrPasswordLong"},
	{"password", "is one of the most common", "ErrPasswordCommon"},
	{"password", "must not be your e-mail", "ErrPasswordIsEmail"},
	{"current_password", "", "ErrCurrentPassword"},
	{"display_name", "is required", "ErrRequired"},
	{"display_name", "", "ErrDisplayName"},
	{"role", "", "ErrRole"},
	{"name", "must be 1 to 100", "ErrTokenName"},
	{"expires_in_days", "", "ErrTokenDays"},
}

// servicePatterns translate the messages of the course and participant
// services, whatever the field, matched by a regular expression whose named
// groups become the message's placeholders. They are tried in order, after
// serviceMessages, so the specific ones come first. The services name no
// machine-readable reason for these, so the English text is the contract;
// the page tests render each of them.
var servicePatterns = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^is empty$`), "ErrLogoEmpty"},
	{regexp.MustCompile(`^must be at most 1 MB$`), "ErrLogoTooLarge"},
	{regexp.MustCompile(`^must be a PNG or JPEG image$`), "ErrLogoType"},
	{regexp.MustCompile(`^(is required|required value is missing)$`), "ErrRequired"},
	{regexp.MustCompile(`(at most|longer than) (?P<Max>\d+)`), "ErrTooLong"},
	{regexp.MustCompile(`^must be between (?P<Min>\d+) and (?P<Max>\d+)$`), "ErrBetween"},
	{regexp.MustCompile(`^may only hold the letters A to Z and digits$`), "ErrPrefixChars"},
	{regexp.MustCompile(`^must not be before the start date$`), "ErrEndBeforeStart"},
	{regexp.MustCompile(`^must be at least the (?P<Count>\d+) participants enrolled$`), "ErrCapacityBelowEnrolled"},
	{regexp.MustCompile(`^another cohort of this course has this name$`), "ErrCohortNameTaken"},
	{regexp.MustCompile(`^must not be before the enrollment day (?P<Date>\S+)$`), "ErrWithdrawBeforeEnrolled"},
	{regexp.MustCompile(`^another participant has this e-mail address$`), "ErrParticipantEmailTaken"},
	{regexp.MustCompile(`is not a valid e-mail address$`), "ErrEmail"},
	{regexp.MustCompile(`is not a known network type`), "ErrNetworkType"},
	{regexp.MustCompile(`is not a German federal state$`), "ErrFederalState"},
	{regexp.MustCompile(`may contain only digits`), "ErrPhone"},
	{regexp.MustCompile(`contains? control characters$`), "ErrControlChars"},
	{regexp.MustCompile(`contains an unreadable character`), "ErrUnreadable"},
}

// serviceMessage finds the translation of f; a message the tables do not
// know, perhaps a rule added later, still gets a translated generic one.
func serviceMessage(f services.FieldError) *message {
	for _, m := range serviceMessages {
		if m.field == f.Field && strings.HasPrefix(f.Message, m.prefix) {
			return newMessage(m.id, "Min", services.MinPasswordLength, "Max", services.MaxPasswordLength,
				"MaxDays", services.MaxAPITokenDays)
		}
	}
	for _, p := range servicePatterns {
		m := p.re.FindStringSubmatch(f.Message)
		if m == nil {
			continue
		}
		var args []any
		for i, name := range p.re.SubexpNames() {
			if name != "" {
				args = append(args, name, numberOrText(m[i]))
			}
		}
		return newMessage(p.id, args...)
	}
	return newMessage("ErrInvalid")
}

// numberOrText turns a number taken from a message back into an int, so
// that a placeholder named Count picks the right plural form.
func numberOrText(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// actionMessages translate why the services refused an action in the
// current state (services.ErrInvalidAction), matched by a part of the
// message.
var actionMessages = []struct{ part, id string }{
	{"at least one active admin", "ErrLastAdmin"},
	{"your own account", "ErrDisableSelf"},
	{"account is disabled", "ErrAccountDisabled"},
	{"takes no enrollments", "ErrCohortClosed"},
	{"cannot become", "ErrStatusStep"},
	{"only an enrolled participant can withdraw", "ErrNotEnrolled"},
}

// invalidAction returns the message for err if it is a refusal of
// services.ErrInvalidAction, else nil.
func invalidAction(err error) *message {
	if !errors.Is(err, services.ErrInvalidAction) {
		return nil
	}
	for _, m := range actionMessages {
		if strings.Contains(err.Error(), m.part) {
			return newMessage(m.id)
		}
	}
	return newMessage("ErrInvalidAction")
}

// bindChoice reads a form whose inputs are fixed choices, such as a select
// or a button's value. A broken rule there means a forged request, which is
// answered with 400 like a malformed one; ok is false then.
func (ui *UI) bindChoice(c *gin.Context, dst any) (ok bool) {
	errs, ok := ui.bindForm(c, dst)
	if ok && errs != nil {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return false
	}
	return ok
}
