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
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"kohorte/errhttp"
	"kohorte/models"
	"kohorte/services"
)

// Problem is the RFC 9457 error envelope of every failed API request. Code
// names the refusal for clients to branch on, Type is the same as a URI of
// its documentation, Params are the values the refusal names (the missing
// object of a 404, the limit of a rule); Detail explains it in English.
type Problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Code      string          `json:"code"`
	Params    services.Params `json:"params,omitempty"`
	Detail    string          `json:"detail,omitempty"`
	Instance  string          `json:"instance,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
	Errors    []FieldError    `json:"errors,omitempty"`
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
	codeUnknownQuery         services.Code = "query.unknown"
)

// transportProblems are the transport's codes with the status each is
// answered with and what it means, for the OpenAPI document's list of
// problem types, which a test keeps equal to them.
var transportProblems = map[services.Code]struct {
	Status  int
	Meaning string
}{
	codeUnsupportedMediaType: {http.StatusUnsupportedMediaType, "The body is not sent as application/json."},
	codeMalformed:            {http.StatusBadRequest, "The body is empty, not JSON, or more than one JSON value."},
	codeTooLarge:             {http.StatusRequestEntityTooLarge, "The body or file is larger than allowed."},
	codeUnknownField:         {http.StatusUnprocessableEntity, "The body holds a field the operation does not know (in `errors`)."},
	codeWrongType:            {http.StatusUnprocessableEntity, "A field or query parameter has the wrong type (in `errors`)."},
	codeNoRoute:              {http.StatusNotFound, "No operation at this path."},
	codeMethodNotAllowed:     {http.StatusMethodNotAllowed, "The path does not answer this method; `Allow` names those it does."},
	codeCrossOrigin:          {http.StatusForbidden, "A state-changing request from another site."},
	codePasswordChange:       {http.StatusForbidden, "The account must replace its one-time password first."},
	codeUnknownQuery:         {http.StatusUnprocessableEntity, "The query holds a parameter the operation does not declare (in `errors`, with the `allowed` ones)."},
}

const problemJSON = "application/problem+json"

// ProblemType is the type URI of the problems of code: the entry of the
// code in the API reference's list of problem types. It is relative, so
// that it resolves on whichever host serves Kohorte, and as stable as the
// code it is made of.
func ProblemType(code services.Code) string {
	return "/api/docs#problem-" + string(code)
}

// writeProblem answers the request with a problem of the given status and
// code and aborts the chain.
func writeProblem(c *gin.Context, status int, code services.Code, detail string, fields []FieldError) {
	sendProblem(c, Problem{Status: status, Code: string(code), Detail: detail, Errors: fields})
}

// sendProblem completes p with what every problem carries and answers it.
// A 401 always says how to authenticate (RFC 9110 requires the header).
func sendProblem(c *gin.Context, p Problem) {
	p.Type = ProblemType(services.Code(p.Code))
	p.Title = http.StatusText(p.Status)
	p.Instance = c.Request.URL.Path
	p.RequestID = requestID(c)
	status := p.Status
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"/api/docs#problem-internal","title":"Internal Server Error","status":500,"code":"internal"}`)
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized && c.Writer.Header().Get("WWW-Authenticate") == "" {
		c.Header("WWW-Authenticate", bearerChallenge(c.GetHeader("Authorization")))
	}
	c.Abort()
	c.Data(status, problemJSON, body)
}

// bearerChallenge is the WWW-Authenticate of a 401 (RFC 6750): a request
// without credentials learns only the scheme; one that sent a token learns
// that the token is not accepted, one with another scheme that it is malformed.
func bearerChallenge(authorization string) string {
	switch {
	case authorization == "":
		return `Bearer realm="kohorte"`
	case strings.HasPrefix(authorization, "Bearer "):
		return `Bearer realm="kohorte", error="invalid_token"`
	}
	return `Bearer realm="kohorte", error="invalid_request"`
}

// invalidInput answers 422 with the given field errors.
func invalidInput(c *gin.Context, detail string, fields []FieldError) {
	writeProblem(c, http.StatusUnprocessableEntity, services.CodeInvalidInput, detail, fields)
}

// detailOf is the English explanation of err, as a sentence: a missing
// object is named; a refusal says why in the domain's words, except a 404,
// so that an expired password link reads like any missing thing; any other
// problem says only what its kind is, so that nothing internal leaks.
func detailOf(err error, status int) string {
	var missing *services.NotFoundError
	var refusal *services.Refusal
	switch {
	case errors.As(err, &missing):
		return sentence(missing.Error())
	case status != http.StatusNotFound && errors.As(err, &refusal):
		return sentence(refusal.Message())
	}
	return services.KindOf(err).English(nil)
}

// paramsOf are the values the problem of err names: the missing object
// of a 404, the parameters of a refusal.
func paramsOf(err error, status int) services.Params {
	var missing *services.NotFoundError
	var refusal *services.Refusal
	switch {
	case errors.As(err, &missing):
		return services.Params{"object": missing.Object, "id": missing.ID}
	case status != http.StatusNotFound && errors.As(err, &refusal):
		return refusal.Params
	}
	return nil
}

// sentence turns a message such as "the cohort is full" into one that
// stands alone: "The cohort is full."
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, size := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[size:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
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
	sendProblem(c, Problem{Status: status, Code: string(code), Params: paramsOf(err, status), Detail: detailOf(err, status)})
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
