package api

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"kohorte/services"
)

var useJSONNames sync.Once

// validate checks dst's binding tags with Gin's validator, which reports
// fields by their JSON names.
func validate(dst any) error {
	useJSONNames.Do(func() {
		if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
			v.RegisterTagNameFunc(jsonName)
		}
	})
	return binding.Validator.ValidateStruct(dst)
}

// jsonName names a field as clients see it: by its JSON name, or for query
// parameters by its form name.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		name, _, _ = strings.Cut(f.Tag.Get("form"), ",")
	}
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

// fieldErrors turns validator errors into per-field messages a client can show.
func fieldErrors(errs validator.ValidationErrors) []FieldError {
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		out[i] = ruleError(fieldPath(e), e)
	}
	return out
}

// ruleError is the field error for a broken binding rule: its code, the
// rule's bound as a parameter and the English message.
func ruleError(field string, e validator.FieldError) FieldError {
	code, p := ruleCode(e)
	return FieldError{Field: field, Code: string(code), Params: p, Message: ruleMessage(e)}
}

func ruleCode(e validator.FieldError) (services.Code, services.Params) {
	bound := numberOrText(e.Param())
	text := e.Kind() == reflect.String
	list := e.Kind() == reflect.Slice || e.Kind() == reflect.Map || e.Kind() == reflect.Array
	switch {
	case list && (e.Tag() == "min" || e.Tag() == "gte"):
		return services.CodeTooFew, services.Params{"min": bound}
	case list && (e.Tag() == "max" || e.Tag() == "lte"):
		return services.CodeTooMany, services.Params{"max": bound}
	}
	switch e.Tag() {
	case "required":
		return services.CodeRequired, nil
	case "email":
		return services.CodeEmailInvalid, nil
	case "min", "gte":
		if text {
			return services.CodeTooShort, services.Params{"min": bound}
		}
		return services.CodeTooSmall, services.Params{"min": bound}
	case "max", "lte":
		if text {
			return services.CodeTooLong, services.Params{"max": bound}
		}
		return services.CodeTooLarge, services.Params{"max": bound}
	case "oneof":
		return services.CodeNotOneOf, services.Params{"allowed": strings.ReplaceAll(e.Param(), " ", ", ")}
	}
	return services.CodeInvalid, nil
}

// numberOrText reads a rule's bound as a number where it is one.
func numberOrText(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// fieldPath drops the top-level struct's name from the namespace: "req.a.b" becomes "a.b".
func fieldPath(e validator.FieldError) string {
	_, path, found := strings.Cut(e.Namespace(), ".")
	if !found {
		return e.Field()
	}
	return path
}

func ruleMessage(e validator.FieldError) string {
	switch e.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be an e-mail address"
	case "min":
		return sizeMessage(e, "at least")
	case "max":
		return sizeMessage(e, "at most")
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(e.Param(), " ", ", ")
	case "gte":
		return "must be at least " + e.Param()
	case "lte":
		return "must be at most " + e.Param()
	}
	return fmt.Sprintf("does not satisfy %s", e.Tag())
}

func sizeMessage(e validator.FieldError, bound string) string {
	switch e.Kind() {
	case reflect.String:
		return fmt.Sprintf("must be %s %s characters long", bound, e.Param())
	case reflect.Slice, reflect.Map, reflect.Array:
		return fmt.Sprintf("must have %s %s entries", bound, e.Param())
	}
	return fmt.Sprintf("must be %s %s", bound, e.Param())
}

// queryFieldErrors names query parameters by themselves, without the
// structs they are grouped in.
func queryFieldErrors(errs validator.ValidationErrors) []FieldError {
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		out[i] = ruleError(e.Field(), e)
	}
	return out
}

// queryTypeErrors names the query parameters whose values do not parse as
// the numbers or times their fields hold; Gin's own error names none.
func queryTypeErrors(c *gin.Context, t reflect.Type) []FieldError {
	var out []FieldError
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, queryTypeErrors(c, f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		raw, ok := c.GetQuery(name)
		if name == "" || !ok {
			continue
		}
		if msg := queryTypeMessage(f.Type, raw); msg != "" {
			out = append(out, FieldError{Field: name, Code: string(codeWrongType), Message: msg})
		}
	}
	return out
}

func queryTypeMessage(t reflect.Type, raw string) string {
	switch {
	case t == reflect.TypeFor[time.Time]():
		if _, err := time.Parse(time.RFC3339, raw); err != nil {
			return "must be a time such as 2026-11-21T09:00:00Z"
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
			return "must be a whole number"
		}
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		if _, err := strconv.ParseUint(raw, 10, 64); err != nil {
			return "must be a whole number from 0"
		}
	}
	return ""
}
