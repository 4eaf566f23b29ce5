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
		out[i] = FieldError{Field: fieldPath(e), Message: ruleMessage(e)}
	}
	return out
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
		out[i] = FieldError{Field: e.Field(), Message: ruleMessage(e)}
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
			out = append(out, FieldError{Field: name, Message: msg})
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
