// Package errhttp answers the domain's errors over HTTP: one table from the
// kinds of services' errors to status codes, for the JSON API and the pages
// alike, so that the two cannot disagree on what a refusal is.
package errhttp

import (
	"errors"
	"net/http"

	"kohorte/services"
)

// statuses map each domain kind to its status, in the order Status tries
// them. Refusals unwrap to their kind, so a new rule needs no row here.
var statuses = []struct {
	kind   error
	status int
}{
	{services.ErrNotFound, http.StatusNotFound},
	{services.ErrForbidden, http.StatusForbidden},
	{services.ErrUnauthorized, http.StatusUnauthorized},
	{services.ErrTooManyTries, http.StatusTooManyRequests},
	{services.ErrUnavailable, http.StatusServiceUnavailable},
	{services.ErrInvalidAction, http.StatusConflict},
	{services.ErrConflict, http.StatusConflict},
}

// Status is the HTTP status that answers err: 422 for invalid input, the
// kind's status for a domain error, and 500 for an error the domain does
// not know.
func Status(err error) int {
	err = services.Classify(err)
	var ierr *services.ImportError
	if errors.As(err, &ierr) && ierr.Preview.Errors > 0 {
		return http.StatusUnprocessableEntity
	}
	if errors.As(err, new(*services.ValidationError)) {
		return http.StatusUnprocessableEntity
	}
	for _, s := range statuses {
		if errors.Is(err, s.kind) {
			return s.status
		}
	}
	return http.StatusInternalServerError
}

// retryUnavailable is how long a client should wait when the database
// cannot be reached: long enough for a restart or a failover to begin.
const retryUnavailable = 5

// RetryAfter is how many whole seconds a client should wait before it
// tries again: the rest of a throttling window, a few seconds while the
// database is unavailable, or 0 when trying again will not help.
func RetryAfter(err error) int {
	var throttled *services.ThrottledError
	var busy *services.BusyError
	switch {
	case errors.As(err, &throttled):
		return int(throttled.RetryAfter.Seconds() + 0.999)
	case errors.As(err, &busy):
		return int(busy.RetryAfter.Seconds() + 0.999)
	case errors.Is(services.Classify(err), services.ErrUnavailable):
		return retryUnavailable
	}
	return 0
}
