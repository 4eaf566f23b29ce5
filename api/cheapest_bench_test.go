package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"kohorte/load"
	"kohorte/models"
	"kohorte/services"
)

// BenchmarkCheapestGET sends the cheapest authenticated read, a
// participant by id with an API token, through the whole router, beside
// the bare Gin + GORM lookup of the load harness on the same database, so
// that the two compare in one run (and a profile shows what the router
// adds).
func BenchmarkCheapestGET(b *testing.B) {
	f := newFixture(b)
	f.seedAdmin(b)
	ctx := context.Background()
	var admin models.User
	if err := f.db.Take(&admin, "email = ?", "admin@example.org").Error; err != nil {
		b.Fatal(err)
	}
	actor := services.Actor{UserID: admin.ID, Email: admin.Email, Role: admin.Role}
	tok, err := f.svc.Tokens.CreateAPIToken(ctx, actor, services.APITokenRequest{Name: "Last", Days: 30, CurrentPassword: adminPass})
	if err != nil {
		b.Fatal(err)
	}
	p, err := f.svc.Participants.CreateParticipant(ctx, actor, services.ParticipantInput{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"})
	if err != nil {
		b.Fatal(err)
	}
	send := func(b *testing.B, h http.Handler, path, token string) {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
		}
	}
	b.Run("bare", func(b *testing.B) { send(b, load.Bare(f.db), fmt.Sprintf("%s%d", load.BarePath, p.ID), "") })
	b.Run("token", func(b *testing.B) { send(b, f.engine, fmt.Sprintf("/api/v1/participants/%d", p.ID), tok.Token) })
}
