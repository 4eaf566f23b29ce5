package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// participantClient gives p an account and logs it in.
func (s *stack) participantClient(p models.Participant) *client {
	s.t.Helper()
	inv, err := s.svc.Participants.CreateAccount(context.Background(), s.admin, p.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.svc.Passwords.SetPasswordWithToken(context.Background(), inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		s.t.Fatal(err)
	}
	c := s.client()
	c.login(p.Email)
	return c
}

var feedLink = regexp.MustCompile(`value="(https?://[^"]*/api/v1/calendars/[^"]+\.ics)"`)

func TestSchedulePages(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()

	// The new cohort's form lays out the schedule by default.
	expect(t, c.get(fmt.Sprintf("/kohorten/neu?kurs=%d", course.ID)), http.StatusOK,
		`name="with_schedule" value="1" checked`)
	id := redirectID(t, c.post("/kohorten/neu", form("course_id", itoa(course.ID), "name", "Frühjahr 2023",
		"start_date", "2023-03-06", "capacity", "16", "venue", "IHK Oldenburg", "with_schedule", "1")), "/kohorten/")
	page := fmt.Sprintf("/kohorten/%d/termine", id)
	expect(t, c.get(fmt.Sprintf("/kohorten/%d", id)), http.StatusOK, `href="`+page+`"`)
	r := c.get(page)
	expect(t, r, http.StatusOK, "13 Termine", "06.03.2023", "10:00–16:00", "Auftaktpräsenz", "15.03.2023", "10:00–11:30",
		"Webinar 1", "25.05.2023", "26.05.2023", "Abschlusspräsenz, Tag 2", "Termin hinzufügen", "Kalender-Abo einrichten")
	if strings.Contains(r.Body, "Terminplan anlegen") {
		t.Error("a cohort with sessions is offered the template")
	}

	// Adding a session: its refusals by field, then success.
	r = c.post(page, form("kind", "webinar", "title", "Sonderwebinar", "date", "2023-06-01", "starts_at", "10:00", "ends_at", "09:00",
		"required", "1"))
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#starts_at">Beginn: Der Termin muss im Zeitraum der Kohorte liegen (06.03.2023 bis 29.05.2023).</a>`,
		`<a href="#ends_at">Ende: Das Ende muss nach dem Beginn liegen.</a>`, `value="Sonderwebinar"`)
	expect(t, c.post(page, form("kind", "webinar", "title", "X", "date", "2023-04-04", "starts_at", "zehn", "ends_at", "11:00")),
		http.StatusUnprocessableEntity, `<a href="#starts_at">Beginn: Bitte geben Sie eine Uhrzeit ein`)
	expectRedirect(t, c.post(page, form("kind", "mentoring", "title", "Sprechstunde", "date", "2023-04-04", "starts_at", "17:00",
		"ends_at", "18:00", "online_url", "https://meet.example.org/s")), page+"?erledigt=angelegt")
	expect(t, c.get(page+"?erledigt=angelegt"), http.StatusOK, "Der Termin ist angelegt.", "14 Termine", "Sprechstunde",
		"04.04.2023", "17:00–18:00", `href="https://meet.example.org/s"`)

	// Editing and cancelling one session.
	sched, err := s.svc.Schedule.ListSessions(context.Background(), s.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	web1 := sched.Sessions[1]
	sp := fmt.Sprintf("/termine/%d", web1.ID)
	expect(t, c.get(sp), http.StatusOK, `value="2023-03-15"`, `value="10:00"`, `value="11:30"`, "Termin absagen")
	expectRedirect(t, c.post(sp, form("kind", "webinar", "title", "Webinar 1 (verschoben)", "date", "2023-03-16",
		"starts_at", "14:00", "ends_at", "15:30", "required", "1", "units", "3")), page+"?erledigt=gespeichert")
	expect(t, c.post(sp+"/absagen", form("reason", "")), http.StatusUnprocessableEntity, `<a href="#reason">`)
	expectRedirect(t, c.post(sp+"/absagen", form("reason", "Referentin erkrankt")), page+"?erledigt=abgesagt")
	expect(t, c.get(page+"?erledigt=abgesagt"), http.StatusOK, "Webinar 1 (verschoben)", "16.03.2023", "14:00–15:30",
		"Abgesagt", "Referentin erkrankt")
	expect(t, c.post(sp, form("kind", "webinar", "title", "Wieder da", "date", "2023-03-16", "starts_at", "14:00", "ends_at", "15:30")),
		http.StatusConflict, "Der Termin ist abgesagt")

	// The cohort's feed: shown once, then only its state.
	r = c.post(page+"/kalender", nil)
	expect(t, r, http.StatusOK, "Das Kalender-Abo ist eingerichtet.", "Neue Adresse erzeugen", "Kalender-Abo beenden")
	m := feedLink.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no feed address on the page:\n%s", r.Body)
	}
	feedPath := m[1][strings.Index(m[1], "/api/"):]
	expect(t, c.get(page), http.StatusOK, "Ein Kalender-Abo ist seit")
	expect(t, s.client().get(feedPath), http.StatusOK, "BEGIN:VCALENDAR", "STATUS:CANCELLED")
	expectRedirect(t, c.post(page+"/kalender/widerrufen", nil), page+"?erledigt=widerrufen")
	expect(t, c.get(page+"?erledigt=widerrufen"), http.StatusOK, "Kein Kalender-Abo eingerichtet.")
	expect(t, s.client().get(feedPath), http.StatusNotFound)

	// Cloning to Monday 2 October 2023.
	expect(t, c.post(fmt.Sprintf("/kohorten/%d/kopieren", id), form("name", "", "start_date", "2023-10-02")),
		http.StatusUnprocessableEntity, `<a href="#name">`)
	clone := redirectID(t, c.post(fmt.Sprintf("/kohorten/%d/kopieren", id), form("name", "Herbst 2023", "start_date", "2023-10-02")), "/kohorten/")
	expect(t, c.get(fmt.Sprintf("/kohorten/%d/termine", clone)), http.StatusOK, "13 Termine", "02.10.2023", "Sprechstunde")

	// An empty cohort offers the template; a bad time is refused by field.
	empty := s.cohort(course.ID, "Leer", 10)
	ep := fmt.Sprintf("/kohorten/%d/termine", empty.ID)
	expect(t, c.get(ep), http.StatusOK, "Noch keine Termine.", "Terminplan anlegen", `<option value="3" selected>Mittwoch</option>`)
	expect(t, c.post(ep+"/vorlage", form("webinar_weekday", "3", "webinar_start", "25:00", "webinar_end", "11:30", "mentoring_slots", "0")),
		http.StatusUnprocessableEntity, `<a href="#webinar_start">`)
	expectRedirect(t, c.post(ep+"/vorlage", form("webinar_weekday", "2", "webinar_start", "14:00", "webinar_end", "15:30", "mentoring_slots", "2")),
		ep+"?erledigt=vorlage")

	// Archived: the page shows the schedule without its forms.
	for _, st := range []string{"running", "completed", "archived"} {
		expectRedirect(t, c.post(fmt.Sprintf("/kohorten/%d/status", id), form("status", st)), fmt.Sprintf("/kohorten/%d?erledigt=status", id))
	}
	r = c.get(page)
	expect(t, r, http.StatusOK, "14 Termine")
	if strings.Contains(r.Body, "Termin anlegen") {
		t.Error("an archived cohort offers a new session")
	}
	expect(t, c.post(page, form("kind", "webinar", "title", "X", "date", "2023-04-04", "starts_at", "10:00", "ends_at", "11:00")),
		http.StatusConflict, "Die Kohorte ist archiviert")
}

// A participant sees their own sessions and calendar link on their page,
// and none of another cohort's; staff pages stay closed to them.
func TestParticipantSeesOwnSchedule(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	mine := s.cohort(course.ID, "Frühjahr 2023", 10)
	other := s.cohort(course.ID, "Herbst 2023", 10)
	ctx := context.Background()
	for _, in := range []struct {
		cohort uint
		title  string
	}{{mine.ID, "Webinar Netzwerkanalyse"}, {other.ID, "Fremdes Webinar"}} {
		if _, err := s.svc.Schedule.CreateSession(ctx, s.admin, in.cohort, services.SessionInput{Kind: models.SessionWebinar,
			Title: in.title, StartsAt: services.BerlinAt(models.NewDate(2023, 3, 15), 600), EndsAt: services.BerlinAt(models.NewDate(2023, 3, 15), 690)}); err != nil {
			t.Fatal(err)
		}
	}
	zoe := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	s.enroll(mine.ID, zoe.ID)
	c := s.participantClient(zoe)
	r := c.get("/meine-kurse")
	expect(t, r, http.StatusOK, "Meine Termine", "Webinar Netzwerkanalyse", "15.03.2023", "10:00–11:30", "Kalender-Abo einrichten")
	if strings.Contains(r.Body, "Fremdes Webinar") {
		t.Error("a participant sees another cohort's session")
	}
	r = c.post("/meine-kurse/kalender", nil)
	expect(t, r, http.StatusOK, "Das Kalender-Abo ist eingerichtet.")
	if feedLink.FindStringSubmatch(r.Body) == nil {
		t.Errorf("no feed address:\n%s", r.Body)
	}
	expectRedirect(t, c.post("/meine-kurse/kalender/widerrufen", nil), "/meine-kurse?erledigt=widerrufen")
	expect(t, c.get("/meine-kurse?erledigt=widerrufen"), http.StatusOK, "Das Kalender-Abo ist beendet")
	for _, path := range []string{fmt.Sprintf("/kohorten/%d/termine", other.ID), fmt.Sprintf("/kohorten/%d/termine", mine.ID)} {
		expect(t, c.get(path), http.StatusForbidden)
	}
	expect(t, c.post(fmt.Sprintf("/kohorten/%d/termine/kalender", other.ID), nil), http.StatusForbidden)
}
