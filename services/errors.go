// Package services holds Kohorte's business rules. Services own their
// transactions, return the domain errors declared here and know nothing of
// HTTP.
package services

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
)

// Domain error kinds. Callers test them with errors.Is; every refusal below
// unwraps to one of them, and the kind alone decides the HTTP status.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrForbidden     = errors.New("forbidden")
	ErrUnauthorized  = errors.New("unauthorized")
	ErrUnavailable   = errors.New("unavailable")
	ErrTooManyTries  = errors.New("too many attempts")
	ErrInvalidAction = errors.New("action not allowed in this state")
)

// kindCodes name the kinds for a client that meets one without a more
// specific code, in the order CodeOf tries them.
var kindCodes = []struct {
	kind error
	code Code
}{
	{ErrNotFound, CodeNotFound},
	{ErrForbidden, CodeForbidden},
	{ErrUnauthorized, CodeUnauthorized},
	{ErrTooManyTries, CodeTooManyTries},
	{ErrUnavailable, CodeUnavailable},
	{ErrInvalidAction, CodeInvalidAction},
	{ErrConflict, CodeConflict},
}

// Params are the values a refusal's message needs, such as {"max": 300},
// keyed by lower-case names.
type Params map[string]any

// params pairs up keys and values: params("max", 300).
func params(kv ...any) Params {
	if len(kv) == 0 {
		return nil
	}
	p := make(Params, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// english renders the English message of code with p, the text of the
// API's problems and of the log; the pages translate the code instead.
func english(code Code, p Params) string {
	msg, ok := codeMessages[code]
	if !ok {
		return string(code)
	}
	for _, k := range slices.Sorted(maps.Keys(p)) {
		msg = strings.ReplaceAll(msg, "{"+k+"}", fmt.Sprint(p[k]))
	}
	return msg
}

// NotFoundError names the object that does not exist, so that a 404 can
// say what is missing: "cohort 42 not found". It unwraps to ErrNotFound.
type NotFoundError struct {
	Object string // in English, lower-case: "cohort", "participant"
	ID     any
}

func notFound(object string, id any) error { return &NotFoundError{Object: object, ID: id} }

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %v not found", e.Object, e.ID) }

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Refusal is a rule that refused an action: a stable code with its
// parameters, unwrapping to the kind (ErrConflict, ErrInvalidAction, …)
// that decides how it is answered. errors.Is matches two refusals by code,
// whatever their parameters.
type Refusal struct {
	Kind   error
	Code   Code
	Params Params
}

// refuse returns a refusal of kind named code, with params as key-value pairs.
func refuse(kind error, code Code, kv ...any) *Refusal {
	return &Refusal{Kind: kind, Code: code, Params: params(kv...)}
}

func (r *Refusal) Error() string { return r.Kind.Error() + ": " + r.Message() }

// Message is the English text of the refusal alone, without its kind.
func (r *Refusal) Message() string { return english(r.Code, r.Params) }

// Unwrap returns the refusal's kind.
func (r *Refusal) Unwrap() error { return r.Kind }

// Is matches another refusal with the same code.
func (r *Refusal) Is(target error) bool {
	t, ok := target.(*Refusal)
	return ok && t.Code == r.Code
}

// Refusals of account changes, so that pages can explain each one.
var (
	ErrLastAdmin       = refuse(ErrInvalidAction, CodeLastAdmin)
	ErrDisableSelf     = refuse(ErrInvalidAction, CodeDisableSelf)
	ErrAccountDisabled = refuse(ErrInvalidAction, CodeAccountDisabled)
)

// FieldError is one problem with one input field, named as the client sent
// it: a code with its parameters, and the code's English message.
type FieldError struct {
	Field   string
	Code    Code
	Params  Params
	Message string
}

// ValidationError lists every problem found with an input, so that the
// client can correct them all at once.
type ValidationError struct {
	Fields []FieldError
}

// invalid returns a ValidationError with one problem; see Add.
func invalid(field string, code Code, kv ...any) *ValidationError {
	return (&ValidationError{}).Add(field, code, kv...)
}

// Add records that field broke the rule code, with the rule's parameters
// as key-value pairs, and returns the error for chaining.
func (e *ValidationError) Add(field string, code Code, kv ...any) *ValidationError {
	p := params(kv...)
	return e.add(FieldError{Field: field, Code: code, Params: p, Message: english(code, p)})
}

func (e *ValidationError) add(f FieldError) *ValidationError {
	e.Fields = append(e.Fields, f)
	return e
}

// Err returns e if it holds any problem and nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Classify turns failures of the database itself into refusals: a unique
// or foreign-key violation that no check in the transaction could foresee,
// because another request wrote first, is a conflict the client may retry;
// a database that cannot be reached is unavailable for now. Other errors
// come back as they are.
func Classify(err error) error {
	switch {
	case err == nil, errors.As(err, new(*Refusal)), errors.As(err, new(*ValidationError)):
		return err
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, gorm.ErrForeignKeyViolated):
		return refuse(ErrConflict, CodeConcurrentChange)
	case models.IsUnavailable(err):
		return refuse(ErrUnavailable, CodeDatabaseUnavailable)
	}
	return err
}

// KindOf names the kind of err alone, whatever rule refused it:
// CodeNotFound for a missing password link as for a missing course.
func KindOf(err error) Code {
	err = Classify(err)
	if errors.As(err, new(*ValidationError)) {
		return CodeInvalidInput
	}
	for _, k := range kindCodes {
		if errors.Is(err, k.kind) {
			return k.code
		}
	}
	return CodeInternal
}

// CodeOf names err for a client: the code of a refusal, of invalid input
// or of its kind, and CodeInternal for an error the domain does not know.
func CodeOf(err error) Code {
	err = Classify(err)
	var r *Refusal
	var verr *ValidationError
	var ierr *ImportError
	switch {
	case errors.As(err, &ierr):
		return ierr.Code()
	case errors.As(err, &verr):
		return CodeInvalidInput
	case errors.As(err, &r):
		return r.Code
	}
	for _, k := range kindCodes {
		if errors.Is(err, k.kind) {
			return k.code
		}
	}
	return CodeInternal
}
