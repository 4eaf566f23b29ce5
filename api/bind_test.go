package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

type bindRequest struct {
	Name  string `json:"display_name" binding:"required,max=5"`
	Email string `json:"email" binding:"required,email"`
	Age   *int   `json:"age" binding:"omitempty,gte=0"`
}

func bindServer(t *testing.T) *gin.Engine {
	t.Helper()
	gin.SetMode(gin.TestMode)
	h := &handlers{log: slog.New(slog.NewTextHandler(io.Discard, nil)), maxBody: 64}
	r := gin.New()
	r.POST("/x", func(c *gin.Context) {
		var req bindRequest
		if !h.bindJSON(c, &req) {
			return
		}
		c.JSON(http.StatusOK, req)
	})
	return r
}

func TestBindJSONNamesFieldsByJSONName(t *testing.T) {
	r := bindServer(t)
	cases := []struct {
		name, contentType, body string
		status                  int
		fields                  map[string]string
	}{
		{"ok", "application/json", `{"display_name":"Zoë","email":"z@example.org"}`, 200, nil},
		{"rules", "application/json", `{"display_name":"Zoë Ćosić","email":"nope"}`, 422,
			map[string]string{"display_name": "must be at most 5 characters long", "email": "must be an e-mail address"}},
		{"missing", "application/json", `{}`, 422,
			map[string]string{"display_name": "is required", "email": "is required"}},
		{"unknown field", "application/json", `{"display_name":"a","email":"a@b.de","role":"admin"}`, 422,
			map[string]string{"role": "is not a known field"}},
		{"wrong type", "application/json", `{"display_name":"a","email":"a@b.de","age":"x"}`, 422,
			map[string]string{"age": "must be a number"}},
		{"syntax", "application/json", `{"display_name":`, 400, nil},
		{"empty", "application/json", ``, 400, nil},
		{"two objects", "application/json", `{"display_name":"a","email":"a@b.de"}{}`, 400, nil},
		{"too large", "application/json", `{"display_name":"` + strings.Repeat("a", 100) + `"}`, 413, nil},
		{"form", "application/x-www-form-urlencoded", `display_name=a`, 415, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/x", bytes.NewBufferString(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				return
			}
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range p.Errors {
				got[f.Field] = f.Message
			}
			for field, msg := range tc.fields {
				if got[field] != msg {
					t.Errorf("field %s: %q, want %q (all: %v)", field, got[field], msg, got)
				}
			}
			if len(got) != len(tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
}

func TestWriteErrorMapsDomainErrors(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs bytes.Buffer
	h := &handlers{log: slog.New(slog.NewTextHandler(&logs, nil))}
	verr := (&services.ValidationError{}).Add("email", "is taken")
	cases := []struct {
		err    error
		status int
	}{
		{fmt.Errorf("load cohort 7: %w", services.ErrNotFound), 404},
		{fmt.Errorf("enroll: %w", services.ErrConflict), 409},
		{services.ErrInvalidAction, 409},
		{services.ErrForbidden, 403},
		{services.ErrUnauthorized, 401},
		{services.ErrTooManyTries, 429},
		{services.ErrUnavailable, 503},
		{fmt.Errorf("wrapped: %w", verr), 422},
		{errors.New(`pq: relation "users" does not exist`), 500},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/x", nil)
		h.writeError(c, tc.err)
		if rec.Code != tc.status {
			t.Errorf("%v → %d, want %d", tc.err, rec.Code, tc.status)
		}
		if strings.Contains(rec.Body.String(), "relation") {
			t.Errorf("%v leaked into the body: %s", tc.err, rec.Body)
		}
	}
	if !strings.Contains(logs.String(), `relation`) {
		t.Errorf("the unknown error was not logged for the operator: %s", logs.String())
	}
}
