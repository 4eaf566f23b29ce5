package api

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// This file refuses, at the boundary, text that no database stores: NUL,
// and bytes that are not UTF-8. Every JSON
// body and every query parameter passes here before a service sees it.

// bodyTextErrors names the string fields of the decoded body v that hold
// NUL, and, if the body was not UTF-8 (which the decoder
// turned into U+FFFD), those that hold U+FFFD.
func bodyTextErrors(v reflect.Value, path string, notUTF8 bool) []FieldError {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return bodyTextErrors(v.Elem(), path, notUTF8)
	case reflect.String:
		s := v.String()
		if notUTF8 && strings.ContainsRune(s, utf8.RuneError) {
			return []FieldError{textError(path, services.CodeUnreadable)}
		}
		if code := services.StorableCode(s); code != "" {
			return []FieldError{textError(path, code)}
		}
	case reflect.Slice, reflect.Array:
		var out []FieldError
		for i := range v.Len() {
			out = append(out, bodyTextErrors(v.Index(i), path+"["+strconv.Itoa(i)+"]", notUTF8)...)
		}
		return out
	case reflect.Map:
		var out []FieldError
		iter := v.MapRange()
		for iter.Next() {
			out = append(out, bodyTextErrors(iter.Value(), joinPath(path, iter.Key().String()), notUTF8)...)
		}
		return out
	case reflect.Struct:
		var out []FieldError
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if name == "" {
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				out = append(out, bodyTextErrors(v.Field(i), path, notUTF8)...)
				continue
			}
			out = append(out, bodyTextErrors(v.Field(i), joinPath(path, name), notUTF8)...)
		}
		return out
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// queryTextErrors names the query parameters, known or not, whose names or
// values hold NUL or bytes that are not UTF-8.
func queryTextErrors(q url.Values) []FieldError {
	var out []FieldError
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		code := services.StorableCode(name)
		for _, v := range q[name] {
			if code == "" {
				code = services.StorableCode(v)
			}
		}
		if code != "" {
			out = append(out, textError(strings.ToValidUTF8(name, "\uFFFD"), code))
		}
	}
	return out
}

// storableQuery answers 422 to a request with a query parameter that no
// database stores, whether or not its handler reads the parameter.
func storableQuery(c *gin.Context) {
	if fields := queryTextErrors(c.Request.URL.Query()); len(fields) > 0 {
		invalidInput(c, "The query is invalid.", fields)
	}
}

func textError(field string, code services.Code) FieldError {
	return FieldError{Field: field, Code: string(code), Message: code.English(nil)}
}
