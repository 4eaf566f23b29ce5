package services_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"kohorte/models"
	"kohorte/services"
)

// parseFeed reads a feed with a parser independent of the one that wrote it.
func parseFeed(t *testing.T, feed []byte) *goical.Calendar {
	t.Helper()
	if !bytes.Contains(feed, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(feed, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("the feed's lines do not all end in CRLF")
	}
	cal, err := goical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	return cal
}

type feedEvent struct {
	UID, Summary, Status, Location, URL string
	Sequence                            int
	Start, End                          time.Time
}

func feedEvents(t *testing.T, cal *goical.Calendar) map[string]feedEvent {
	t.Helper()
	out := map[string]feedEvent{}
	for _, ev := range cal.Events() {
		var fe feedEvent
		fe.UID, _ = ev.Props.Text(goical.PropUID)
		fe.Summary, _ = ev.Props.Text(goical.PropSummary)
		fe.Location, _ = ev.Props.Text(goical.PropLocation)
		if p := ev.Props.Get(goical.PropURL); p != nil {
			fe.URL = p.Value
		}
		if p := ev.Props.Get(goical.PropStatus); p != nil {
			fe.Status = p.Value
		}
		if p := ev.Props.Get(goical.PropSequence); p != nil {
			fe.Sequence, _ = strconv.Atoi(p.Value)
		}
		if p := ev.Props.Get(goical.PropDateTimeStart); p == nil || p.Params.Get(goical.ParamTimezoneID) != "Europe/Berlin" {
			t.Errorf("event %s: DTSTART not in Europe/Berlin", fe.UID)
		}
		var err error
		if fe.Start, err = ev.DateTimeStart(nil); err != nil {
			t.Fatal(err)
		}
		if fe.End, err = ev.DateTimeEnd(nil); err != nil {
			t.Fatal(err)
		}
		fe.Start, fe.End = fe.Start.UTC(), fe.End.UTC()
		out[fe.UID] = fe
	}
	return out
}

// participantActor gives p an account and logs it in.
func (c *cohortEnv) participantActor(t *testing.T, p models.Participant, password string) services.Actor {
	t.Helper()
	ctx := context.Background()
	inv, err := c.svc.Participants.CreateAccount(ctx, c.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, client("10.0.0.3")); err != nil {
		t.Fatal(err)
	}
	res, err := c.svc.Sessions.Login(ctx, p.Email, password, client("10.0.0.3"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.svc.Sessions.Authenticate(ctx, res.Token, client("10.0.0.3"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The cohort's feed parses with a second parser: a VTIMEZONE for
// Europe/Berlin, stable UIDs, times that land on the right instants on
// both sides of the change to summer time; an edit comes back as the same
// UID with a higher SEQUENCE, a cancellation as STATUS:CANCELLED.
func TestCohortFeedRoundTripsAnEdit(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	sched, err := c.svc.Schedule.LayOutSchedule(ctx, c.admin, c.cohort.ID, services.DefaultScheduleTemplate())
	if err != nil {
		t.Fatal(err)
	}
	link, err := c.svc.Schedule.OpenCohortCalendar(ctx, c.admin, c.cohort.ID)
	if err != nil || link.Token == "" {
		t.Fatalf("open the feed: %v", err)
	}
	feed, err := c.svc.Schedule.Feed(ctx, link.Token, "kohorte.test")
	if err != nil {
		t.Fatal(err)
	}
	cal := parseFeed(t, feed)
	var zones []string
	for _, child := range cal.Children {
		if child.Name == goical.CompTimezone {
			tzid, _ := child.Props.Text(goical.PropTimezoneID)
			zones = append(zones, tzid)
		}
	}
	if len(zones) != 1 || zones[0] != "Europe/Berlin" {
		t.Errorf("time zones %v, want one Europe/Berlin", zones)
	}
	events := feedEvents(t, cal)
	if len(events) != 13 {
		t.Fatalf("%d events, want 13", len(events))
	}
	kickoff, web1, web3 := sched.Sessions[0], sched.Sessions[1], sched.Sessions[3]
	uid := func(s models.CohortSession) string { return "session-" + strconv.Itoa(int(s.ID)) + "@kohorte.test" }
	if ev := events[uid(kickoff)]; ev.Location != "IHK Oldenburg" || !ev.Start.Equal(utc(2023, 3, 6, 9, 0)) || ev.Sequence != 0 ||
		ev.Status != "CONFIRMED" || !strings.HasPrefix(ev.Summary, "Auftaktpräsenz") {
		t.Errorf("kick-off %+v", ev)
	}
	if ev := events[uid(web3)]; !ev.Start.Equal(utc(2023, 3, 29, 8, 0)) || !ev.End.Equal(utc(2023, 3, 29, 9, 30)) {
		t.Errorf("webinar 3 after the change to summer time: %+v", ev)
	}

	in := services.SessionInput{Kind: models.SessionWebinar, Title: "Webinar 1 (verschoben)",
		StartsAt: berlin(2023, 3, 16, 14, 0), EndsAt: berlin(2023, 3, 16, 15, 30), OnlineURL: "https://meet.example.org/w1"}
	if _, err := c.svc.Schedule.UpdateSession(ctx, c.admin, web1.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Schedule.CancelSession(ctx, c.admin, kickoff.ID, "Unwetter"); err != nil {
		t.Fatal(err)
	}
	feed, err = c.svc.Schedule.Feed(ctx, link.Token, "kohorte.test")
	if err != nil {
		t.Fatal(err)
	}
	events = feedEvents(t, parseFeed(t, feed))
	if len(events) != 13 {
		t.Errorf("%d events after the edit, want the same 13", len(events))
	}
	if ev := events[uid(web1)]; ev.Sequence != 1 || !ev.Start.Equal(utc(2023, 3, 16, 13, 0)) ||
		ev.URL != "https://meet.example.org/w1" || !strings.HasPrefix(ev.Summary, "Webinar 1 (verschoben)") {
		t.Errorf("edited webinar %+v", ev)
	}
	if ev := events[uid(kickoff)]; ev.Status != "CANCELLED" || ev.Sequence != 1 {
		t.Errorf("cancelled kick-off %+v", ev)
	}

	// A new link ends the old one; revoking ends the new one.
	again, err := c.svc.Schedule.OpenCohortCalendar(ctx, c.admin, c.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Schedule.Feed(ctx, link.Token, "kohorte.test"); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("replaced token: %v", err)
	}
	if err := c.svc.Schedule.RevokeCohortCalendar(ctx, c.admin, c.cohort.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{again.Token, "", "nonsense"} {
		if _, err := c.svc.Schedule.Feed(ctx, tok, "kohorte.test"); !errors.Is(err, services.ErrNotFound) {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	var stored []models.CalendarToken
	c.db.Find(&stored)
	for _, s := range stored {
		if len(s.TokenHash) != 32 || bytes.Contains([]byte(again.Token), s.TokenHash) {
			t.Errorf("stored token hash %x is not a SHA-256", s.TokenHash)
		}
	}
}

// A participant's feed and schedule hold the sessions of their own
// cohorts only, and never those of a cohort they withdrew from.
func TestParticipantScheduleAndFeedAreTheirOwn(t *testing.T) {
	t.Parallel()
	c := newScheduleEnv(t)
	ctx := context.Background()
	other, err := c.svc.Schedule.CreateCohortWithSchedule(ctx, c.admin, c.cohort.CourseID,
		services.CohortInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 9, 4), Capacity: 20}, services.DefaultScheduleTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Schedule.CreateSession(ctx, c.admin, c.cohort.ID, webinarInput()); err != nil {
		t.Fatal(err)
	}
	zoe, ali := c.person(t, 1, "NI"), c.person(t, 2, "HB")
	c.enroll(t, zoe)
	if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, other.ID, ali.ID, models.NewDate(2023, 9, 1)); err != nil {
		t.Fatal(err)
	}
	zoeActor := c.participantActor(t, zoe, "Kalender-Zoe-2023")
	mine, err := c.svc.Schedule.MySchedule(ctx, zoeActor)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || mine[0].CohortID != c.cohort.ID {
		t.Errorf("Zoë sees %d sessions, want the 1 of her cohort", len(mine))
	}
	link, err := c.svc.Schedule.OpenMyCalendar(ctx, zoeActor)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := c.svc.Schedule.Feed(ctx, link.Token, "kohorte.test")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(parseFeed(t, feed).Events()); n != 1 {
		t.Errorf("Zoë's feed has %d events, want 1", n)
	}
	// Staff cannot open a participant's own feed, nor a participant a cohort's.
	if _, err := c.svc.Schedule.OpenMyCalendar(ctx, c.admin); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("admin opens a personal feed: %v", err)
	}
	if _, err := c.svc.Schedule.OpenCohortCalendar(ctx, zoeActor, other.ID); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("participant opens a cohort feed: %v", err)
	}
	if err := c.svc.Schedule.RevokeMyCalendar(ctx, zoeActor); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Schedule.Feed(ctx, link.Token, "kohorte.test"); !errors.Is(err, services.ErrNotFound) {
		t.Errorf("revoked personal feed: %v", err)
	}
}
