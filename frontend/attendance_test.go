package frontend_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/api"
	"kohorte/frontend"
	"kohorte/models"
	"kohorte/models/dbtest"
	"kohorte/services"
)

// newAttendanceStack is newStack with its database at hand, for the
// sessions this test writes as rows (the schedule has rules of its own).
func newAttendanceStack(t *testing.T) (*stack, *gorm.DB) {
	t.Helper()
	db := dbtest.Open(t)
	svc, err := services.New(db, services.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	ui, err := frontend.New(frontend.Options{Version: "dev", Services: svc})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	router, err := api.NewRouter(api.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: api.NewMetrics(sqlDB),
		Services: svc, UI: ui, Version: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, handler: router, svc: svc}
	ctx := context.Background()
	if _, err := svc.Users.EnsureAdmin(ctx, "admin@kohorte.test", password); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Sessions.Login(ctx, "admin@kohorte.test", password, services.Actor{ClientAddr: "seed"})
	if err != nil {
		t.Fatal(err)
	}
	s.admin = actorOf(res.User)
	return s, db
}

func addSession(t *testing.T, db *gorm.DB, cohort uint, kind models.SessionKind, title string, start time.Time, cancelled bool) models.CohortSession {
	t.Helper()
	s := models.CohortSession{CohortID: cohort, Kind: kind, Title: title, StartsAt: start.UTC(), EndsAt: start.Add(90 * time.Minute).UTC(), Required: true, Units: 2}
	if cancelled {
		c := start.UTC()
		s.CancelledAt = &c
	}
	if err := db.Create(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAttendanceGridSheetAndOwnPage(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	ctx := context.Background()
	var enr [2]models.Enrollment
	for i, name := range []string{"Anna", "Bernd"} {
		p := s.person(name, "Muster", strings.ToLower(name)+"@kohorte.test", "NI")
		e, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, p.ID, models.NewDate(2023, 3, 1))
		if err != nil {
			t.Fatal(err)
		}
		enr[i] = e
	}
	w1 := addSession(t, db, cohort.ID, models.SessionWebinar, "Webinar 1", time.Date(2023, 3, 7, 17, 0, 0, 0, berlin), false)
	off := addSession(t, db, cohort.ID, models.SessionWebinar, "Webinar 2", time.Date(2023, 3, 14, 17, 0, 0, 0, berlin), true)
	// The closing lies ahead, a month from now.
	closing := time.Now().In(berlin).AddDate(0, 1, 0)
	addSession(t, db, cohort.ID, models.SessionClosing, "Abschluss", closing, false)
	closingLine := fmt.Sprintf("Abschlusspräsenz Tag 1 (%s): steht noch bevor: offen", closing.Format("02.01.2006"))
	c := s.adminClient()
	grid := fmt.Sprintf("/kohorten/%d/anwesenheit", cohort.ID)
	cell := func(e models.Enrollment, sessionID uint, value string) url.Values {
		return url.Values{"cell": {itoa(sessionID) + "." + itoa(e.ID) + "." + value}}
	}
	// A cell's button carries what a tap on it sets.
	sets := func(e models.Enrollment, sessionID uint, value string) string {
		return `name="cell" value="` + itoa(sessionID) + "." + itoa(e.ID) + "." + value + `"`
	}

	expect(t, c.get(grid), http.StatusOK, "Anwesenheit · Frühjahr 2023", "07.03.2023 17:00–18:30", "abgesagt",
		sets(enr[0], w1.ID, "present_on_site"), `<tr id="z`+itoa(enr[0].ID)+`"`)
	// A click sets the value it carries: sent twice, it changes nothing more.
	for range 2 {
		expectRedirect(t, c.post(grid, cell(enr[0], w1.ID, "present_on_site")), fmt.Sprintf("%s#z%d", grid, enr[0].ID))
	}
	// The page's script asks for the row alone: it comes back with the
	// next value and the new rate, 1 of 1 = 100,0 %: the one held required
	// session, present remote after this tap (the cancelled one counts for
	// nobody, the closing lies ahead).
	c.header.Set("HX-Request", "true")
	row := c.post(grid, cell(enr[0], w1.ID, "present_remote"))
	c.header.Del("HX-Request")
	expect(t, row, http.StatusOK, `<tr id="z`+itoa(enr[0].ID)+`"`, sets(enr[0], w1.ID, "absent"), "100,0 %")
	if strings.Contains(row.Body, "<html") || strings.Count(row.Body, "<tr") != 1 {
		t.Errorf("a tap's answer is not one row:\n%s", row.Body)
	}
	expectRedirect(t, c.post(grid, cell(enr[0], w1.ID, "present_on_site")), fmt.Sprintf("%s#z%d", grid, enr[0].ID))
	expect(t, c.get(grid), http.StatusOK, sets(enr[0], w1.ID, "present_remote"),
		"Anwesenheit 1 von 1 Pflichtterminen = 100,0 % ≥ 80 %: erfüllt",
		closingLine, "Jury: in keiner Projektgruppe: offen",
		"Anwesenheit 0 von 1 Pflichtterminen = 0,0 % &lt; 80 %: nicht erfüllt", "darf nicht mehr fehlen")
	expect(t, c.post(grid, cell(enr[0], off.ID, "absent")), http.StatusUnprocessableEntity, "Der Termin ist abgesagt")
	for _, bad := range []string{"late", "present_on_site.1", ""} {
		expect(t, c.post(grid, cell(enr[0], w1.ID, bad)), http.StatusBadRequest)
	}
	expect(t, c.post(grid, url.Values{"cell": {"0." + itoa(enr[0].ID) + ".absent"}}), http.StatusBadRequest)
	en := s.adminClient()
	en.lang = "en"
	expect(t, en.get(grid), http.StatusOK, "Attendance 1 of 1 required sessions = 100.0 % ≥ 80 %: met")

	// The sheet records everyone in one form.
	sheet := fmt.Sprintf("/termine/%d/anwesenheit", w1.ID)
	expect(t, c.get(sheet), http.StatusOK, "Muster, Anna", "Muster, Bernd", `value="present_on_site" checked`)
	form := url.Values{"enrollment": {itoa(enr[0].ID), itoa(enr[1].ID)},
		"value_" + itoa(enr[0].ID): {"present_remote"}, "value_" + itoa(enr[1].ID): {"excused"}, "note_" + itoa(enr[1].ID): {"krank"}}
	expectRedirect(t, c.post(sheet, form), sheet+"?erledigt=2")
	expect(t, c.get(sheet+"?erledigt=2"), http.StatusOK, "Gespeichert: 2 Änderungen.", `value="present_remote" checked`, `value="krank"`)
	r := c.get(grid + ".csv")
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "\xEF\xBB\xBFNachname;Vorname;Status;Webinar 1 (07.03.2023, 17:00–18:30);") ||
		!strings.Contains(r.Body, "Muster;Bernd;Eingeschrieben;entschuldigt;–;;0;0;0;1;0;1;0,0;offen;") {
		t.Errorf("csv: %d %q", r.Code, r.Body)
	}

	// Anna sees her own attendance and nobody else's; not the grid.
	inv, err := s.svc.Participants.CreateAccount(ctx, s.admin, enr[0].ParticipantID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	anna := s.client()
	anna.login("anna@kohorte.test")
	r = anna.get("/meine-anwesenheit")
	expect(t, r, http.StatusOK, "Meine Anwesenheit", "Frühjahr 2023", "Anwesend online", "Anwesenheit 1 von 1 Pflichtterminen = 100,0 % ≥ 80 %: erfüllt")
	if strings.Contains(r.Body, "Bernd") || strings.Contains(r.Body, "krank") {
		t.Errorf("Anna's page shows someone else's attendance")
	}
	expect(t, anna.get(grid), http.StatusForbidden)
	expect(t, anna.post(grid, cell(enr[1], w1.ID, "absent")), http.StatusForbidden)
	juror, _ := s.loggedIn(models.RoleJuror)
	expect(t, juror.get(grid), http.StatusForbidden)
	expect(t, juror.get(sheet), http.StatusForbidden)
	expect(t, juror.get("/meine-anwesenheit"), http.StatusForbidden)
}
