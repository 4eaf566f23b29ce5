package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"kohorte/models"
	"kohorte/services"
)

// Problem is the RFC 9457 error envelope of every failed API request.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError names one invalid field by its JSON name; for an imported
// file also the row and column as the user sees them in Excel.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
}

const problemJSON = "application/problem+json"

// writeProblem answers the request with a problem of the given status and aborts the chain.
func writeProblem(c *gin.Context, status int, detail string, fields []FieldError) {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  c.Request.URL.Path,
		RequestID: requestID(c),
		Errors:    fields,
	}
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		status = http.StatusInternalServerError
	}
	c.Abort()
	c.Data(status, problemJSON, body)
}

// statusOf maps a domain error to its status code and a message safe to show.
// It is the one place where domain errors meet HTTP.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, services.ErrNotFound):
		return http.StatusNotFound, "The requested resource does not exist."
	case errors.Is(err, services.ErrConflict):
		return http.StatusConflict, conflictDetail(err)
	case errors.Is(err, services.ErrInvalidAction):
		return http.StatusConflict, err.Error()
	case errors.Is(err, services.ErrForbidden):
		return http.StatusForbidden, "You are not allowed to do this."
	case errors.Is(err, services.ErrUnauthorized):
		return http.StatusUnauthorized, "Please log in."
	case errors.Is(err, services.ErrTooManyTries):
		return http.StatusTooManyRequests, "Too many attempts. Please wait and try again."
	case errors.Is(err, services.ErrUnavailable):
		return http.StatusServiceUnavailable, "The service is temporarily unavailable."
	}
	return http.StatusInternalServerError, "An internal error occurred."
}

func conflictDetail(err error) string {
	if msg := err.Error(); msg != services.ErrConflict.Error() {
		return msg
	}
	return "The request conflicts with the current state."
}

// writeError answers with the problem that err stands for. Errors the domain
// does not know are logged with their detail and answered as a bare 500, so
// that no SQL or internal state reaches the client.
func (h *handlers) writeError(c *gin.Context, err error) {
	var verr *services.ValidationError
	if errors.As(err, &verr) {
		fields := make([]FieldError, len(verr.Fields))
		for i, f := range verr.Fields {
			fields[i] = FieldError{Field: f.Field, Message: f.Message}
		}
		writeProblem(c, http.StatusUnprocessableEntity, "The input is invalid.", fields)
		return
	}
	var throttled *services.ThrottledError
	if errors.As(err, &throttled) {
		c.Header("Retry-After", strconv.Itoa(int(throttled.RetryAfter.Seconds()+0.999)))
	}
	status, detail := statusOf(err)
	if status == http.StatusUnauthorized && err.Error() != services.ErrUnauthorized.Error() {
		detail = err.Error()
	}
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(c.Request.Context(), "request failed",
			"request_id", requestID(c), "route", c.FullPath(), "error", err)
	}
	writeProblem(c, status, detail, nil)
}

// bindJSON decodes the request body into dst, rejecting unknown fields, and
// checks its binding tags. On failure it answers with a problem and returns false.
func (h *handlers) bindJSON(c *gin.Context, dst any) bool {
	if ct := c.ContentType(); ct != "application/json" {
		writeProblem(c, http.StatusUnsupportedMediaType, "Send the body as application/json.", nil)
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, h.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		h.writeDecodeError(c, err)
		return false
	}
	if dec.More() {
		writeProblem(c, http.StatusBadRequest, "The body must hold a single JSON object.", nil)
		return false
	}
	if err := validate(dst); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) {
			writeProblem(c, http.StatusUnprocessableEntity, "The input is invalid.", fieldErrors(verrs))
			return false
		}
		h.writeError(c, err)
		return false
	}
	return true
}

func (h *handlers) writeDecodeError(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(c, http.StatusRequestEntityTooLarge, "The body is too large.", nil)
	case errors.As(err, &typeErr):
		writeProblem(c, http.StatusUnprocessableEntity, "The input is invalid.",
			[]FieldError{{Field: typeErr.Field, Message: typeMessage(typeErr.Type)}})
	case errors.Is(err, io.EOF):
		writeProblem(c, http.StatusBadRequest, "The body is empty.", nil)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		writeProblem(c, http.StatusUnprocessableEntity, "The input is invalid.",
			[]FieldError{{Field: field, Message: "is not a known field"}})
	default:
		writeProblem(c, http.StatusBadRequest, "The body is not valid JSON.", nil)
	}
}

// bindQuery reads query parameters into dst and checks their binding tags.
func (h *handlers) bindQuery(c *gin.Context, dst any) bool {
	err := c.ShouldBindQuery(dst)
	if err == nil {
		return true
	}
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		writeProblem(c, http.StatusUnprocessableEntity, "The query is invalid.", queryFieldErrors(verrs))
		return false
	}
	writeProblem(c, http.StatusUnprocessableEntity, "The query is invalid.", queryTypeErrors(c, reflect.TypeOf(dst).Elem()))
	return false
}

// typeMessage says what a JSON value of type t must look like.
func typeMessage(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[models.Date]():
		return "must be a date of the form 2023-03-01"
	case t.Kind() == reflect.String:
		return "must be a string"
	case t.Kind() == reflect.Bool:
		return "must be true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		return "must be a number"
	case t.Kind() == reflect.Slice:
		return "must be a list"
	}
	return "must be of type " + t.String()
}
