package services_test

import (
	"context"
	"errors"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// participantActor gives the person of e an account, as the course office
// would, and returns them as the actor of their own requests.
func (a *attendanceEnv) participantActor(t *testing.T, e models.Enrollment, email string) services.Actor {
	t.Helper()
	u := models.User{Email: email, DisplayName: email, Role: models.RoleParticipant}
	if err := a.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	if err := a.db.Model(&models.Participant{}).Where("id = ?", e.ParticipantID).Update("user_id", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	return services.Actor{UserID: u.ID, Email: email, Role: models.RoleParticipant}
}

func (a *attendanceEnv) statusOf(t *testing.T, session string, e models.Enrollment) string {
	t.Helper()
	var rows []models.Attendance
	a.db.Where("session_id = ? AND enrollment_id = ?", a.sessions[session].ID, e.ID).Find(&rows)
	if len(rows) == 0 {
		return "-"
	}
	return string(rows[0].Status) + "/" + string(rows[0].Modality)
}

func TestSelfCheckInWithTheCodeShownAtThePresence(t *testing.T) {
	t.Parallel()
	a := newAttendanceEnv(t)
	ctx := context.Background()
	a.defaultSchedule(t)
	zoe := a.enroll(t, "Zoë", models.NewDate(2026, 9, 1))
	late := a.enroll(t, "Lukas", models.NewDate(2026, 11, 27)) // from the closing's second day
	zoeActor := a.participantActor(t, zoe, "zoe@tn.example.org")
	lateActor := a.participantActor(t, late, "lukas@tn.example.org")
	closing := a.sessions["C1"].ID // 26.11.2026, 09:00–17:00 Berlin (08:00–16:00 UTC)

	a.now = at(2026, 11, 26, 8, 40)
	if _, err := a.att.CheckIn(ctx, zoeActor, closing, "123456"); !errors.Is(err, services.ErrCheckinClosed) {
		t.Fatalf("before staff open it: %v", err)
	}
	if _, err := a.att.OpenCheckin(ctx, zoeActor, closing); !errors.Is(err, services.ErrForbidden) {
		t.Errorf("a participant opened the check-in: %v", err)
	}
	if _, err := a.att.OpenCheckin(ctx, a.admin, a.sessions["W1"].ID); !errors.Is(err, services.ErrCheckinNotInPerson) {
		t.Errorf("a webinar got a check-in: %v", err)
	}
	shown, err := a.att.OpenCheckin(ctx, a.admin, closing)
	if err != nil {
		t.Fatal(err)
	}
	if len(shown.Code) != 6 || !shown.ShownUntil.After(a.now) || shown.ShownUntil.Sub(a.now) > services.CheckinStep {
		t.Fatalf("shown %+v at %v", shown, a.now)
	}
	other, err := a.att.OpenCheckin(ctx, a.admin, a.sessions["C2"].ID)
	if err != nil {
		t.Fatal(err)
	}

	refused := []struct {
		name  string
		actor services.Actor
		code  string
		want  error
	}{
		{"the other day's code", zoeActor, other.Code, errCodeField},
		{"someone enrolled only from the second day", lateActor, shown.Code, services.ErrCheckinNotExpected},
		{"staff", a.admin, shown.Code, services.ErrForbidden},
	}
	if other.Code == shown.Code {
		refused = refused[1:] // one chance in a million that two secrets agree now
	}
	for _, c := range refused {
		if _, err := a.att.CheckIn(ctx, c.actor, closing, c.code); !isRefusal(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if a.statusOf(t, "C1", zoe) != "-" || a.statusOf(t, "C1", late) != "-" {
		t.Fatal("a refused check-in wrote attendance")
	}

	a.now = a.now.Add(services.CheckinStep) // the code changed a moment ago: still accepted
	res, err := a.att.CheckIn(ctx, zoeActor, closing, " "+shown.Code+" ")
	if err != nil || res.Changed != 1 {
		t.Fatalf("check-in: %+v, %v", res, err)
	}
	if got := a.statusOf(t, "C1", zoe); got != "present/on_site" {
		t.Errorf("after check-in: %s", got)
	}
	res, err = a.att.CheckIn(ctx, zoeActor, closing, shown.Code)
	if err != nil || res.Changed != 0 || res.Unchanged != 1 {
		t.Errorf("checking in twice: %+v, %v", res, err)
	}
	a.now = a.now.Add(2 * services.CheckinStep)
	if _, err := a.att.CheckIn(ctx, zoeActor, closing, shown.Code); !isRefusal(err, errCodeField) {
		t.Errorf("a code from a minute and a half ago: %v", err)
	}
	var events int64
	a.db.Model(&models.AuditEvent{}).Where("action = ?", "attendance.checked_in").Count(&events)
	if events != 1 {
		t.Errorf("%d check-in events, want 1", events)
	}

	a.now = at(2026, 11, 26, 17, 1)
	now, err := a.att.CurrentCheckinCode(ctx, a.admin, closing)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.att.CheckIn(ctx, zoeActor, closing, now.Code); !errors.Is(err, services.ErrInvalidAction) {
		t.Errorf("after the end: %v", err)
	}
	// Ten wrong codes in a quarter of an hour, and the eleventh try waits,
	// even with the right code; refusals for other reasons never count.
	a.now = at(2026, 11, 26, 10, 0)
	for i := 0; i < 10; i++ { // the wrong ones above are older than the window
		if _, err := a.att.CheckIn(ctx, lateActor, closing, "x"); !errors.Is(err, services.ErrCheckinNotExpected) {
			t.Fatalf("not expected: %v", err)
		}
		if _, err := a.att.CheckIn(ctx, zoeActor, closing, "00000"); !isRefusal(err, errCodeField) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	right, err := a.att.CurrentCheckinCode(ctx, a.admin, closing)
	if err != nil {
		t.Fatal(err)
	}
	var throttled *services.ThrottledError
	if _, err := a.att.CheckIn(ctx, zoeActor, closing, right.Code); !errors.As(err, &throttled) {
		t.Errorf("after ten wrong codes: %v", err)
	}
	if _, err := a.att.CheckIn(ctx, lateActor, closing, "x"); !errors.Is(err, services.ErrCheckinNotExpected) {
		t.Errorf("another participant is not throttled by Zoë's guesses: %v", err)
	}

	a.now = at(2026, 11, 26, 17, 1)
	if err := a.att.CloseCheckin(ctx, a.admin, closing); err != nil {
		t.Fatal(err)
	}
	if _, err := a.att.CurrentCheckinCode(ctx, a.admin, closing); !errors.Is(err, services.ErrCheckinClosed) {
		t.Errorf("a closed check-in shows a code: %v", err)
	}
}

// errCodeField stands for a refusal of the field "code" as invalid.
var errCodeField = errors.New("the code field is invalid")

func isRefusal(err, want error) bool {
	if want != errCodeField {
		return errors.Is(err, want)
	}
	var verr *services.ValidationError
	return errors.As(err, &verr) && len(verr.Fields) == 1 && verr.Fields[0].Field == "code" &&
		verr.Fields[0].Code == services.CodeCheckinCodeInvalid
}
