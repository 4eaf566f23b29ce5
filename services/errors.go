// Package services holds Kohorte's business rules. Services own their
// transactions, return the domain errors declared here and know nothing of
// HTTP.
package services

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Domain errors. Callers test them with errors.Is; the API maps each to one
// status code.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrForbidden     = errors.New("forbidden")
	ErrUnauthorized  = errors.New("unauthorized")
	ErrUnavailable   = errors.New("unavailable")
	ErrTooManyTries  = errors.New("too many attempts")
	ErrInvalidAction = errors.New("action not allowed in this state")
)

// Refusals of account changes, so that pages can explain each one.
var (
	ErrLastAdmin       = fmt.Errorf("%w: Kohorte needs at least one active admin", ErrInvalidAction)
	ErrDisableSelf     = fmt.Errorf("%w: you cannot disable your own account", ErrInvalidAction)
	ErrAccountDisabled = fmt.Errorf("%w: the account is disabled", ErrInvalidAction)
)

// FieldError is one problem with one input field, named as the client sent it.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every problem found with an input, so that the
// client can correct them all at once.
type ValidationError struct {
	Fields []FieldError
}

// Add records a problem with field and returns the error for chaining.
func (e *ValidationError) Add(field, message string) *ValidationError {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
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

// notFoundAs turns GORM's not-found into the domain's, naming the object.
func notFoundAs(err error, kind string, id uint) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s %d: %w", kind, id, ErrNotFound)
	}
	return err
}
