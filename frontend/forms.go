package frontend

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
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

// merge adds the problems of more for inputs that have none yet: a value
// the form could not read stays reported as such, not as what the service
// made of it. All come back in the order form declares its inputs, which
// is the order the page shows them.
func (e formErrors) merge(form any, more formErrors) formErrors {
	for _, m := range more {
		if m.Field == "" || e.For(m.Field) == nil {
			e = append(e, m)
		}
	}
	return e.sorted(form)
}

// sorted orders the problems as form declares its inputs; those of no
// input come first.
func (e formErrors) sorted(form any) formErrors {
	t := reflect.TypeOf(form).Elem()
	slices.SortStableFunc(e, func(a, b fieldError) int { return inputIndex(t, a.Field) - inputIndex(t, b.Field) })
	return e
}

// inputIndex is the position of the input named field in form; -1 for
// none.
func inputIndex(form reflect.Type, field string) int {
	for i := range form.NumField() {
		if form.Field(i).Tag.Get("form") == field {
			return i
		}
	}
	return -1
}

// check adds the problems a service finds with the values of form that
// were read, to those of the values that could not be; see merge.
func (e formErrors) check(form any, err error) formErrors {
	return e.merge(form, serviceFieldErrors(form, err))
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
		return storableErrors(dst, c.Request.PostForm), true
	case errors.As(err, &broken):
		return append(storableErrors(dst, c.Request.PostForm), ruleErrors(dst, broken)...), true
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

// storableErrors names the inputs of form whose values no database
// stores: bytes that are not UTF-8, or NUL. Values of no input are
// refused too, without a link.
func storableErrors(form any, values url.Values) formErrors {
	var errs formErrors
	for _, name := range slices.Sorted(maps.Keys(values)) {
		code := services.StorableCode(name)
		for _, v := range values[name] {
			if code == "" {
				code = services.StorableCode(v)
			}
		}
		if code == "" {
			continue
		}
		if label := labelOfForm(form, name); label != "" {
			errs = append(errs, fieldError{Field: name, Label: label, Message: codeMessage(code, nil)})
		} else {
			errs = append(errs, fieldError{Message: codeMessage(code, nil)})
		}
	}
	return errs
}

// storableQuery answers every page whose query holds a value no database
// stores, bytes that are not UTF-8 or NUL, with 422, whether or not the
// page reads it.
func (ui *UI) storableQuery(c *gin.Context) {
	q := c.Request.URL.Query()
	for name, values := range q {
		code := services.StorableCode(name)
		for _, v := range values {
			if code == "" {
				code = services.StorableCode(v)
			}
		}
		if code != "" {
			ui.renderError(c, http.StatusUnprocessableEntity, "BadRequestTitle", codeMessages[code])
			c.Abort()
			return
		}
	}
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
	return errs.sorted(form)
}

// inputOf finds the input a service error names. A list entered one item a
// line, such as a course's topics, is one input, while the service names
// each item: "topics[2]" is the input "topics".
// A form may name its input differently from the service's field, as the
// withdrawal's "date" is the service's "withdrawn_at"; a `service` tag says so.
func inputOf(form reflect.Type, field string) string {
	for i := range form.NumField() {
		if f := form.Field(i); f.Tag.Get("service") == field {
			return f.Tag.Get("form")
		}
	}
	if labelOf(form, field) != "" {
		return field
	}
	for i := range form.NumField() {
		if f := form.Field(i); f.Tag.Get("service") == field {
			return f.Tag.Get("form")
		}
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

// codeMessages name the catalogue message of every code the services
// answer with. A test renders each code in every language, so a new rule
// without a translation fails there rather than showing a generic text.
var codeMessages = map[services.Code]string{
	services.CodeInternal:      "InternalErrorText",
	services.CodeInvalidInput:  "ErrorSummaryTitle",
	services.CodeNotFound:      "NotFoundText",
	services.CodeForbidden:     "ForbiddenText",
	services.CodeUnauthorized:  "ErrUnauthorized",
	services.CodeTooManyTries:  "TooManyText",
	services.CodeUnavailable:   "ErrUnavailable",
	services.CodeInvalidAction: "ErrInvalidAction",
	services.CodeConflict:      "ConflictText",

	services.CodeRequired:     "ErrRequired",
	services.CodeTooLong:      "ErrTooLong",
	services.CodeTooShort:     "ErrTooShort",
	services.CodeTooSmall:     "ErrTooSmall",
	services.CodeTooLarge:     "ErrTooLarge",
	services.CodeTooFew:       "ErrTooFew",
	services.CodeTooMany:      "ErrTooMany",
	services.CodeOutOfRange:   "ErrBetween",
	services.CodeNotOneOf:     "ErrNotOneOf",
	services.CodeControlChars: "ErrControlChars",
	services.CodeUnreadable:   "ErrUnreadable",
	services.CodeEmailInvalid: "ErrEmail",
	services.CodeInvalid:      "ErrInvalid",

	services.CodePasswordInvalidText:  "ErrUnreadable",
	services.CodePasswordTooShort:     "ErrPasswordShort",
	services.CodePasswordTooLong:      "ErrPasswordLong",
	services.CodePasswordCommon:       "ErrPasswordCommon",
	services.CodePasswordIsEmail:      "ErrPasswordIsEmail",
	services.CodePasswordCurrentWrong: "ErrCurrentPassword",
	services.CodePasswordLinkInvalid:  "LinkInvalidText",
	services.CodeRoleInvalid:          "ErrRole",
	services.CodeStatusInvalid:        "ErrUserStatus",
	services.CodeUserChangeEmpty:      "ErrUserChangeEmpty",
	services.CodeLastAdmin:            "ErrLastAdmin",
	services.CodeDisableSelf:          "ErrDisableSelf",
	services.CodeAccountDisabled:      "ErrAccountDisabled",
	services.CodeAccountEmailTaken:    "ErrEmailTaken",
	services.CodeLoginInvalid:         "LoginFailed",
	services.CodeAPITokenNameLength:   "ErrTokenName",
	services.CodeAPITokenDays:         "ErrTokenDays",

	services.CodeCoursePrefixChars:         "ErrPrefixChars",
	services.CodeCourseIssuerUnknown:       "ErrIssuerUnknown",
	services.CodeLogoEmpty:                 "ErrLogoEmpty",
	services.CodeLogoTooLarge:              "ErrLogoTooLarge",
	services.CodeLogoType:                  "ErrLogoType",
	services.CodeCohortEndBeforeStart:      "ErrEndBeforeStart",
	services.CodeCohortCapacityBelowEnroll: "ErrCapacityBelowEnrolled",
	services.CodeCohortSessionsOutside:     "ErrCohortSessionsOutside",
	services.CodeCohortNameTaken:           "ErrCohortNameTaken",
	services.CodeCohortClosed:              "ErrCohortClosed",
	services.CodeCohortArchived:            "ErrCohortArchived",
	services.CodeCohortStatusStep:          "ErrStatusStep",
	services.CodeCohortFull:                "ErrCohortFull",
	services.CodeEnrollmentExists:          "ErrAlreadyEnrolled",
	services.CodeEnrollmentNotEnrolled:     "ErrNotEnrolled",
	services.CodeWithdrawalBeforeEnroll:    "ErrWithdrawBeforeEnrolled",
	services.CodeWithdrawalAfterEnd:        "ErrWithdrawAfterEnd",
	services.CodeEnrollmentNotInCohort:     "ErrEnrollmentNotInCohort",
	services.CodeParticipantEmailTaken:     "ErrParticipantEmailTaken",
	services.CodeParticipantAccountRole:    "ErrAccountOtherRole",
	services.CodeNetworkTypeInvalid:        "ErrNetworkType",
	services.CodeFederalStateInvalid:       "ErrFederalState",
	services.CodePhoneInvalid:              "ErrPhone",
	services.CodeImportDuplicateEmail:      "ImportErrDuplicate",
	services.CodeImportRowMalformed:        "ImportErrMalformed",
	services.CodeImportTooFewPlaces:        "ImportProblemSeats",
	services.CodeDemoNotEmpty:              "ErrDemoNotEmpty",

	services.CodeAttendanceSessionCancelled: "ErrAttendanceSessionCancelled",
	services.CodeAttendanceNotExpected:      "ErrAttendanceNotExpected",
	services.CodeAttendanceNotStarted:       "ErrAttendanceNotStarted",
	services.CodeAttendanceDuplicate:        "ErrAttendanceDuplicate",
	services.CodeAttendanceModalityPresent:  "ErrAttendanceModalityPresent",

	services.CodeImportFileMissing:    "ErrNoFile",
	services.CodeImportTooLarge:       "ImportTooLarge",
	services.CodeImportTooManyRows:    "ImportTooManyRows",
	services.CodeImportHeader:         "ImportHeader",
	services.CodeImportLegacyExcel:    "ImportLegacyExcel",
	services.CodeImportEncrypted:      "ImportEncrypted",
	services.CodeImportNoHeader:       "ImportNoHeader",
	services.CodeImportNotSpreadsheet: "ImportNotSpreadsheet",
	services.CodeImportUnreadable:     "ImportUnreadable",

	services.CodeSessionEndNotAfterStart: "ErrSessionEndNotAfterStart",
	services.CodeSessionOutsideCohort:    "ErrSessionOutsideCohort",
	services.CodeSessionCancelled:        "ErrSessionCancelled",
	services.CodeSessionURLInvalid:       "ErrSessionURL",
	services.CodeScheduleNotEmpty:        "ErrScheduleNotEmpty",
	services.CodeScheduleTimeInvalid:     "ErrScheduleTime",
	services.CodeScheduleTooShort:        "ErrScheduleTooShort",

	services.CodeConcurrentChange:       "ErrConcurrentChange",
	services.CodeDatabaseUnavailable:    "ErrUnavailable",
	services.CodeBidiControls:           "ErrBidiControls",
	services.CodeImportUnpackedTooLarge: "ImportUnpackedTooLarge",
	services.CodeImportDamaged:          "ImportDamaged",
	services.CodeImportBusy:             "ImportBusy",

	services.CodeCheckinNotInPerson:    "ErrCheckinNotInPerson",
	services.CodeCheckinClosed:         "ErrCheckinClosed",
	services.CodeCheckinOutsideSession: "ErrCheckinOutsideSession",
	services.CodeCheckinCodeInvalid:    "ErrCheckinCodeInvalid",
	services.CodeCheckinNotExpected:    "ErrCheckinNotExpected",

	services.CodeDocumentNotIssued:     "ErrDocumentNotIssued",
	services.CodeDocumentRevoked:       "ErrDocumentRevoked",
	services.CodeDocumentAlreadyIssued: "ErrDocumentAlreadyIssued",
	services.CodeDocumentNotEligible:   "ErrDocumentNotEligible",
	services.CodeDocumentWithdrawn:     "ErrDocumentWithdrawn",
	services.CodeDocumentSuperseded:    "ErrDocumentSuperseded",
	services.CodeDocumentTooLong:       "preview_err_too_long",

	// Project groups, rubrics and juries.
	services.CodeGroupNameTaken:          "groups.err_name_taken",
	services.CodeGroupSessionNotInCohort: "groups.err_session_not_in_cohort",
	services.CodeGroupHasSheets:          "groups.err_has_sheets",
	services.CodeGroupMemberWithdrawn:    "groups.err_member_withdrawn",
	services.CodeGroupMemberInOther:      "groups.err_member_in_other_group",
	services.CodeGroupMemberDuplicate:    "groups.err_member_duplicate",
	services.CodeRubricPointsInvalid:     "rubric.err_points_invalid",
	services.CodeRubricPointsRange:       "rubric.err_points_range",
	services.CodeRubricNotMultiple:       "rubric.err_not_multiple",
	services.CodeJuryNotJuror:            "jury.err_not_juror",
	services.CodeJuryJurorExists:         "jury.err_juror_exists",
	services.CodeJuryJurorHasSheets:      "jury.err_juror_has_sheets",
	services.CodeJuryNotAppointed:        "jury.err_not_appointed",
	services.CodeJuryConflictExists:      "jury.err_conflict_exists",
	services.CodeJuryScoringOpen:         "jury.err_scoring_open",
	services.CodeJuryNoCriteria:          "jury.err_no_criteria",
	services.CodeJuryNoGroups:            "jury.err_no_groups",
	services.CodeJuryNoJurors:            "jury.err_no_jurors",
	// Jury scoring and results.
	services.CodeScoreNotOpen:          "ScoringErrNotOpen",
	services.CodeScoreSubmitted:        "ScoringErrSubmitted",
	services.CodeScoreNotSubmitted:     "ScoringErrNotSubmitted",
	services.CodeScoreOutOfRange:       "ScoringErrOutOfRange",
	services.CodeScoreOffStep:          "ScoringErrOffStep",
	services.CodeScoreUnknownCriterion: "ScoringErrUnknownCriterion",
	services.CodeScoreMissing:          "ScoringErrMissing",
	services.CodeScoreReleased:         "ScoringErrReleased",
	services.CodeResultsReleased:       "ResultsErrReleased",
	services.CodeResultsReasonRequired: "ResultsErrReasonRequired",
	services.CodeResultsNotOpen:        "ResultsErrNotOpen",
}

// codeMessage is the catalogue message of code, its parameters named as
// the catalogue's placeholders: "max" fills {{.Max}}, "count" {{.Count}}
// (which also picks the plural form).
func codeMessage(code services.Code, p services.Params) *message {
	id, ok := codeMessages[code]
	if !ok {
		id = "ErrInvalid"
	}
	return messageWith(id, p)
}

// messageWith is the message id with the parameters p as its placeholders.
func messageWith(id string, p services.Params) *message {
	args := make([]any, 0, 2*len(p))
	for k, v := range p {
		args = append(args, placeholder(k), v)
	}
	return newMessage(id, args...)
}

// placeholder names a code's parameter as the catalogue does.
func placeholder(param string) string {
	if param == "mb" {
		return "MB"
	}
	return strings.ToUpper(param[:1]) + param[1:]
}

// serviceMessage is the message of one field's problem.
func serviceMessage(f services.FieldError) *message {
	return codeMessage(f.Code, f.Params)
}

// refusalMessage is the message of a refusal the services named by code;
// other errors give the message of their kind.
func refusalMessage(err error) *message {
	var r *services.Refusal
	if errors.As(err, &r) {
		return codeMessage(r.Code, r.Params)
	}
	return codeMessage(services.CodeOf(err), nil)
}

// invalidAction returns the message for err if it is a refusal of
// services.ErrInvalidAction, else nil.
func invalidAction(err error) *message {
	if !errors.Is(err, services.ErrInvalidAction) {
		return nil
	}
	return refusalMessage(err)
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
