package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"kohorte/errhttp"
	"kohorte/models"
	"kohorte/services"
)

// Problem is the RFC 9457 error envelope of every failed API request. Code
// names the refusal for clients to branch on; Detail explains it in English.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Code      string       `json:"code"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
}

// FieldError names one invalid field by its JSON name, the rule it broke by
// code and the rule's parameters; for an imported file also the row and
// column as the user sees them in Excel.
type FieldError struct {
	Field   string          `json:"field"`
	Code    string          `json:"code"`
	Params  services.Params `json:"params,omitempty"`
	Message string          `json:"message"`
	Row     int             `json:"row,omitempty"`
	Column  string          `json:"column,omitempty"`
}

// Codes of problems that the transport itself refuses, before any service
// sees the request.
const (
	codeUnsupportedMediaType services.Code = "request.unsupported_media_type"
	codeMalformed            services.Code = "request.malformed"
	codeTooLarge             services.Code = "request.too_large"
	codeUnknownField         services.Code = "field.unknown"
	codeWrongType            services.Code = "field.type"
	codeNoRoute              services.Code = "route.not_found"
	codeMethodNotAllowed     services.Code = "method.not_allowed"
	codeCrossOrigin          services.Code = "cross_origin"
	codePasswordChange       services.Code = "password.change_required"
)

// transportCodes lists them for the test that the OpenAPI document names
// every code.
var transportCodes = []services.Code{codeUnsupportedMediaType, codeMalformed, codeTooLarge, codeUnknownField,
	codeWrongType, codeNoRoute, codeMethodNotAllowed, codeCrossOrigin, codePasswordChange}

const problemJSON = "application/problem+json"

// writeProblem answers the request with a problem of the given status and
// code and aborts the chain.
func writeProblem(c *gin.Context, status int, code services.Code, detail string, fields []FieldError) {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Code:      string(code),
		Detail:    detail,
		Instance:  c.Request.URL.Path,
		RequestID: requestID(c),
		Errors:    fields,
	}
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal"}`)
		status = http.StatusInternalServerError
	}
	c.Abort()
	c.Data(status, problemJSON, body)
}

// invalidInput answers 422 with the given field errors.
func invalidInput(c *gin.Context, detail string, fields []FieldError) {
	writeProblem(c, http.StatusUnprocessableEntity, services.CodeInvalidInput, detail, fields)
}

// detailOf is the English explanation of err: a refused action (409) and
// a refused login say why in the domain's words; any other problem says
// only what its kind is, so that a missing link reads like a missing
// course and nothing internal leaks.
func detailOf(err error, status int) string {
	if status == http.StatusConflict || (status == http.StatusUnauthorized && errors.As(err, new(*services.Refusal))) {
		return err.Error()
	}
	return services.KindOf(err).English(nil)
}

// writeError answers with the problem that err stands for; errhttp decides
// the status, as it does for the pages. Errors the domain does not know are
// logged with their detail and answered as a bare 500, so that no SQL or
// internal state reaches the client.
func (h *handlers) writeError(c *gin.Context, err error) {
	if classified := services.Classify(err); classified != err {
		h.log.WarnContext(c.Request.Context(), "request refused by the database",
			"request_id", requestID(c), "route", c.FullPath(), "error", err)
		err = classified
	}
	var verr *services.ValidationError
	var ierr *services.ImportError
	switch {
	case errors.As(err, &verr):
		invalidInput(c, services.CodeInvalidInput.English(nil), toFieldErrors(verr))
		return
	case errors.As(err, &ierr):
		writeImportProblem(c, ierr.Preview)
		return
	}
	if wait := errhttp.RetryAfter(err); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(wait))
	}
	status, code := errhttp.Status(err), services.CodeOf(err)
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(c.Request.Context(), "request failed",
			"request_id", requestID(c), "route", c.FullPath(), "error", err)
	}
	writeProblem(c, status, code, detailOf(err, status), nil)
}

func toFieldErrors(verr *services.ValidationError) []FieldError {
	fields := make([]FieldError, len(verr.Fields))
	for i, f := range verr.Fields {
		fields[i] = FieldError{Field: f.Field, Code: string(f.Code), Params: f.Params, Message: f.Message}
	}
	return fields
}

// bindJSON decodes the request body into dst, rejecting unknown fields, and
// checks its binding tags. On failure it answers with a problem and returns false.
func (h *handlers) bindJSON(c *gin.Context, dst any) bool {
	if ct := c.ContentType(); ct != "application/json" {
		writeProblem(c, http.StatusUnsupportedMediaType, codeUnsupportedMediaType, "Send the body as application/json.", nil)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, h.maxBody))
	if err != nil {
		h.writeDecodeError(c, err)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		h.writeDecodeError(c, err)
		return false
	}
	if dec.More() {
		writeProblem(c, http.StatusBadRequest, codeMalformed, "The body must hold a single JSON object.", nil)
		return false
	}
	if fields := bodyTextErrors(reflect.ValueOf(dst), "", !utf8.Valid(body)); len(fields) > 0 {
		invalidInput(c, "The input is invalid.", fields)
		return false
	}
	if err := validate(dst); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) {
			invalidInput(c, "The input is invalid.", fieldErrors(verrs))
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
		writeProblem(c, http.StatusRequestEntityTooLarge, codeTooLarge, "The body is too large.", nil)
	case errors.As(err, &typeErr):
		invalidInput(c, "The input is invalid.",
			[]FieldError{{Field: typeErr.Field, Code: string(codeWrongType), Message: typeMessage(typeErr.Type)}})
	case errors.Is(err, io.EOF):
		writeProblem(c, http.StatusBadRequest, codeMalformed, "The body is empty.", nil)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		invalidInput(c, "The input is invalid.",
			[]FieldError{{Field: field, Code: string(codeUnknownField), Message: "is not a known field"}})
	default:
		writeProblem(c, http.StatusBadRequest, codeMalformed, "The body is not valid JSON.", nil)
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
		invalidInput(c, "The query is invalid.", queryFieldErrors(verrs))
		return false
	}
	invalidInput(c, "The query is invalid.", queryTypeErrors(c, reflect.TypeOf(dst).Elem()))
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
