package frontend_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services"
)

// juryStack is a cohort whose scoring is open, set up through the
// services as staff would: a rubric of two criteria, three groups, two
// jurors, and Jana's conflict with the third group; and an autumn cohort
// whose jury Jana is not on.
//
// The rubric, by hand: Innovationsgrad weight 3, at most 10 points in
// steps of 0,5 (21 values: buttons); Präsentation weight 1, at most 40
// points in steps of 0,5 (81 values: a field to type into). A sheet's
// share is (3·a/10 + 1·b/40) / 4.
type juryStack struct {
	*stack
	db                      *gorm.DB
	cohort, autumn          models.Cohort
	north, south, west      models.ProjectGroup
	autumnGroup             models.ProjectGroup
	jana, jonas             models.User
	innovation, talk        models.RubricCriterion
	janaClient, jonasClient *client
}

func newJuryStack(t *testing.T) *juryStack {
	t.Helper()
	s, db := newAttendanceStack(t)
	j := &juryStack{stack: s, db: db}
	ctx := context.Background()
	course := s.course("Netzwerkkoordinator:in")
	_, err := s.svc.Rubrics.SetCourseRubric(ctx, s.admin, course.ID, []services.CriterionInput{
		{Name: "Innovationsgrad", Description: "Wie neu ist der Ansatz?", Weight: 3, MaxPoints: "10", Step: "0,5"},
		{Name: "Präsentation", Description: "Klar und in der Zeit?", Weight: 1, MaxPoints: "40", Step: "0,5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	j.cohort = s.cohort(course.ID, "Frühjahr 2023", 16)
	j.autumn = s.cohort(course.ID, "Herbst 2023", 16)
	group := func(cohort uint, name, title string) models.ProjectGroup {
		t.Helper()
		g, err := s.svc.Groups.CreateGroup(ctx, s.admin, cohort, services.GroupInput{Name: name, ProjectTitle: title})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	j.north = group(j.cohort.ID, "Gruppe Nord", "Pendlerströme im Emsland")
	j.south = group(j.cohort.ID, "Gruppe Süd", "Ausbildungsbörse Oldenburg")
	j.west = group(j.cohort.ID, "Gruppe West", "Fachkräfte aus den Niederlanden")
	j.autumnGroup = group(j.autumn.ID, "Gruppe Herbst", "Ein Projekt im Herbst")
	j.jana = s.user("jana@kohorte.test", "Jana Jury", models.RoleJuror)
	j.jonas = s.user("jonas@kohorte.test", "Jonas Jury", models.RoleJuror)
	for _, a := range []struct{ cohort, user uint }{{j.cohort.ID, j.jana.ID}, {j.cohort.ID, j.jonas.ID}, {j.autumn.ID, j.jonas.ID}} {
		if _, err := s.svc.Jury.AppointJuror(ctx, s.admin, a.cohort, a.user); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.svc.Jury.AddConflict(ctx, s.admin, j.west.ID, j.jana.ID, "Kollegin im Verbund"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []uint{j.cohort.ID, j.autumn.ID} {
		if _, err := s.svc.Jury.OpenScoring(ctx, s.admin, c); err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.svc.Scoring.View(ctx, actorOf(j.jana), j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	j.innovation, j.talk = v.Rubric[0], v.Rubric[1]
	j.janaClient = s.client()
	j.janaClient.login("jana@kohorte.test")
	j.jonasClient = s.client()
	j.jonasClient.login("jonas@kohorte.test")
	return j
}

// sheet reads a juror's own sheet of a group through the service.
func (j *juryStack) sheet(t *testing.T, juror models.User, group uint) services.SheetView {
	t.Helper()
	v, err := j.svc.Scoring.GroupView(context.Background(), actorOf(juror), group)
	if err != nil {
		t.Fatal(err)
	}
	return v.Groups[0].Own
}

// rows counts the rows of a table.
func (j *juryStack) rows(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := j.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// score saves and submits a juror's full sheet through the service.
func (j *juryStack) score(t *testing.T, juror models.User, group uint, comment string, innovation, talk int) {
	t.Helper()
	ctx := context.Background()
	in := services.SheetInput{Comment: comment, Points: []services.PointsEntry{
		{CriterionID: j.innovation.ID, Points: innovation}, {CriterionID: j.talk.ID, Points: talk}}}
	if _, err := j.svc.Scoring.SaveDraft(ctx, actorOf(juror), group, in); err != nil {
		t.Fatal(err)
	}
	if _, err := j.svc.Scoring.Submit(ctx, actorOf(juror), group); err != nil {
		t.Fatal(err)
	}
}

func points(id uint) string { return "points_" + itoa(id) }

// TestJurorSeesOwnCohortsAndGroups: the juror's list holds their cohort
// with its progress, not the autumn cohort; the cohort's page lists the
// groups they may score with their states, not the conflicted one; the
// autumn cohort and its group are not found. The start page and the
// navigation lead there; staff and participants are not let in.
func TestJurorSeesOwnCohortsAndGroups(t *testing.T) {
	t.Parallel()
	j := newJuryStack(t)
	jana := j.janaClient
	j.score(t, j.jana, j.south.ID, "", 800, 3000)
	if _, err := j.svc.Scoring.SaveDraft(context.Background(), actorOf(j.jana), j.north.ID,
		services.SheetInput{Points: []services.PointsEntry{{CriterionID: j.innovation.ID, Points: 650}}}); err != nil {
		t.Fatal(err)
	}

	list := jana.get("/jury")
	expect(t, list, http.StatusOK, `<h1>Bewertung</h1>`,
		`<a href="/jury/kohorten/`+itoa(j.cohort.ID)+`">Frühjahr 2023</a>`, "Netzwerkkoordinator:in", "Bewertung offen",
		// Nord and Süd: Süd submitted, Nord a draft; West is conflicted.
		`<p data-testid="progress-`+itoa(j.cohort.ID)+`">Abgegeben: 1 von 2 · Entwurf: 1 · nicht begonnen: 0</p>`)
	if strings.Contains(list.Body, "Herbst 2023") {
		t.Error("the juror's list shows a cohort they are not on")
	}

	groups := jana.get("/jury/kohorten/" + itoa(j.cohort.ID))
	expect(t, groups, http.StatusOK, `<h1>Frühjahr 2023</h1>`,
		`<a href="/jury/gruppen/`+itoa(j.north.ID)+`">Gruppe Nord</a>`, "Pendlerströme im Emsland",
		`data-testid="state-`+itoa(j.north.ID)+`">Entwurf</span>`,
		`<a href="/jury/gruppen/`+itoa(j.south.ID)+`">Gruppe Süd</a>`,
		`data-testid="state-`+itoa(j.south.ID)+`">abgegeben</span>`)
	for _, absent := range []string{"Gruppe West", "Fachkräfte aus den Niederlanden", "Gruppe Herbst"} {
		if strings.Contains(groups.Body, absent) {
			t.Errorf("the cohort's groups show %q", absent)
		}
	}
	// Jonas has not begun: his states say so.
	expect(t, j.jonasClient.get("/jury/kohorten/"+itoa(j.cohort.ID)), http.StatusOK,
		`data-testid="state-`+itoa(j.west.ID)+`">nicht begonnen</span>`)

	for _, path := range []string{"/jury/kohorten/" + itoa(j.autumn.ID), "/jury/gruppen/" + itoa(j.autumnGroup.ID),
		"/jury/gruppen/" + itoa(j.west.ID), "/jury/gruppen/999999"} {
		if r := jana.get(path); r.Code != http.StatusNotFound {
			t.Errorf("GET %s as Jana: %d, want 404", path, r.Code)
		}
	}
	expect(t, jana.get("/"), http.StatusOK, `<a href="/jury" data-nav="jury">Bewertung</a>`)

	jana.lang = "en"
	expect(t, jana.get("/jury"), http.StatusOK, "Submitted: 1 of 2 · draft: 1 · not started: 0")

	admin := j.adminClient()
	if r := admin.get("/jury"); r.Code != http.StatusForbidden {
		t.Errorf("staff on /jury: %d, want 403", r.Code)
	}
	participant, _ := j.loggedIn(models.RoleParticipant)
	if r := participant.get("/jury/gruppen/" + itoa(j.north.ID)); r.Code != http.StatusForbidden {
		t.Errorf("a participant on a scoring sheet: %d, want 403", r.Code)
	}
}

// TestJurorDeclaresConflict: a declaration without a reason, or for a
// group of a cohort the juror is not on, writes nothing; with a reason
// the group leaves the juror's list.
func TestJurorDeclaresConflict(t *testing.T) {
	t.Parallel()
	j := newJuryStack(t)
	jana := j.janaClient
	path := "/jury/kohorten/" + itoa(j.cohort.ID) + "/befangenheit"
	before := j.rows(t, "jury_conflicts")

	r := jana.post(path, form("group", itoa(j.north.ID), "reason", "  ", "bestaetigt", "1"))
	expect(t, r, http.StatusUnprocessableEntity, `<details class="scoring-conflict" open>`,
		`id="reason-`+itoa(j.north.ID)+`-error"`, "Bitte füllen Sie dieses Feld aus.")
	if n := j.rows(t, "jury_conflicts"); n != before {
		t.Errorf("a declaration without a reason wrote %d conflicts", n-before)
	}

	if r := jana.post(path, form("group", itoa(j.autumnGroup.ID), "reason", "Nachbarin")); r.Code != http.StatusNotFound {
		t.Errorf("declaring for another cohort's group: %d, want 404", r.Code)
	}
	if r := jana.post("/jury/kohorten/"+itoa(j.autumn.ID)+"/befangenheit", form("group", itoa(j.autumnGroup.ID), "reason", "Nachbarin")); r.Code != http.StatusNotFound {
		t.Errorf("declaring in another cohort: %d, want 404", r.Code)
	}
	if n := j.rows(t, "jury_conflicts"); n != before {
		t.Errorf("declarations for another cohort wrote %d conflicts", n-before)
	}

	expectRedirect(t, jana.post(path, form("group", itoa(j.north.ID), "reason", "Mein Bruder ist in der Gruppe", "bestaetigt", "1")),
		"/jury/kohorten/"+itoa(j.cohort.ID)+"?erledigt=befangen")
	page := jana.get("/jury/kohorten/" + itoa(j.cohort.ID) + "?erledigt=befangen")
	expect(t, page, http.StatusOK, "Ihre Befangenheit ist erfasst", "Gruppe Süd")
	if strings.Contains(page.Body, "Gruppe Nord") {
		t.Error("the group the juror declared a conflict with is still listed")
	}
	if r := jana.get("/jury/gruppen/" + itoa(j.north.ID)); r.Code != http.StatusNotFound {
		t.Errorf("the conflicted group's sheet: %d, want 404", r.Code)
	}
	jury, err := j.svc.Jury.GetJury(context.Background(), j.admin, j.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, c := range jury.Conflicts {
		if c.GroupID == j.north.ID && c.UserID == j.jana.ID {
			found = c.Reason == "Mein Bruder ist in der Gruppe" && c.SelfDeclared
		}
	}
	if !found {
		t.Errorf("the declared conflict is not recorded as Jana's own: %+v", jury.Conflicts)
	}

	// Appointed to both cohorts, she declares a conflict only from the
	// page of the group's own cohort.
	if _, err := j.svc.Jury.AppointJuror(context.Background(), j.admin, j.autumn.ID, j.jana.ID); err != nil {
		t.Fatal(err)
	}
	before = j.rows(t, "jury_conflicts")
	if r := jana.post(path, form("group", itoa(j.autumnGroup.ID), "reason", "Nachbarin")); r.Code != http.StatusNotFound {
		t.Errorf("declaring for the other cohort's group on this cohort's page: %d, want 404", r.Code)
	}
	if n := j.rows(t, "jury_conflicts"); n != before {
		t.Errorf("a declaration through the wrong cohort's page wrote %d conflicts", n-before)
	}
	autumn := "/jury/kohorten/" + itoa(j.autumn.ID)
	expectRedirect(t, jana.post(autumn+"/befangenheit", form("group", itoa(j.autumnGroup.ID), "reason", "Nachbarin")),
		autumn+"?erledigt=befangen")
}

// TestScoringSheetWithoutScript: the sheet shows the group and each
// criterion; the form saves a draft with German decimals, refuses points
// that are no number or off the rubric's steps without writing, refuses
// to submit an incomplete sheet (keeping the draft), and submits a full
// one, which then shows read-only with the other juror's sheet.
func TestScoringSheetWithoutScript(t *testing.T) {
	t.Parallel()
	j := newJuryStack(t)
	jana := j.janaClient
	path := "/jury/gruppen/" + itoa(j.north.ID)
	// Jonas scored first: 6,5 and 20 points.
	j.score(t, j.jonas, j.north.ID, "Solide Daten.", 650, 2000)

	page := jana.get(path)
	expect(t, page, http.StatusOK, `<h1>Gruppe Nord</h1>`,
		`<p class="scoring-project" data-testid="project-title">Pendlerströme im Emsland</p>`,
		`<span class="scoring-criterion__name">Innovationsgrad</span> <span class="scoring-criterion__meta">Gewicht 3 · höchstens 10 Punkte</span>`,
		"Wie neu ist der Ansatz?",
		`<input type="radio" name="`+points(j.innovation.ID)+`" value="7.5"><span>7,5</span>`,
		`<span class="scoring-criterion__meta">Gewicht 1 · höchstens 40 Punkte</span>`,
		`Punkte (0 bis 40, in Schritten von 0,5)`,
		`name="`+points(j.talk.ID)+`" type="text" inputmode="decimal"`,
		`data-api="/api/v1/groups/`+itoa(j.north.ID)+`/sheet" data-revision="0"`,
		`formaction="/jury/gruppen/`+itoa(j.north.ID)+`/abgeben"`, `data-confirm="Bewertung von „Gruppe Nord“ abgeben?`,
		`data-testid="sheet-state">nicht begonnen</span>`)
	// 10 points in steps of 0,5 are 21 buttons, and one for none.
	if n := strings.Count(page.Body, `name="`+points(j.innovation.ID)+`"`); n != 22 {
		t.Errorf("Innovationsgrad offers %d buttons, want 22", n)
	}
	if strings.Contains(page.Body, "Solide Daten.") || strings.Contains(page.Body, "anderen Jurymitglieder") {
		t.Error("the draft page shows another juror's sheet before Jana submitted")
	}

	expectRedirect(t, jana.post(path, form(points(j.innovation.ID), "7.5", points(j.talk.ID), "12,5", "comment", "Gute Idee, knappe Zeit.")),
		path+"?erledigt=gespeichert")
	own := j.sheet(t, j.jana, j.north.ID)
	if own.State != services.SheetDraft || own.Points[j.innovation.ID] != 750 || own.Points[j.talk.ID] != 1250 ||
		own.Sheet.Comment != "Gute Idee, knappe Zeit." || own.Sheet.Revision != 1 {
		t.Fatalf("after the draft: %+v", own)
	}
	expect(t, jana.get(path+"?erledigt=gespeichert"), http.StatusOK, "Der Entwurf ist gespeichert.",
		`value="7.5" checked><span>7,5</span>`, `value="12,5"`, "Gute Idee, knappe Zeit.",
		`data-testid="sheet-state">Entwurf</span>`, `data-revision="1"`)

	// Refusals keep what was typed, name the criterion and write nothing.
	for _, tc := range []struct {
		name, talk string
		want       []string
	}{
		{"no number", "zwölf", []string{"Präsentation: Bitte geben Sie Punkte wie 7,5 oder 7.5 ein", `value="zwölf" aria-invalid="true"`}},
		{"off the steps", "12,25", []string{"Präsentation: Die Punkte für Präsentation gehen in Schritten von 0.5.", `value="12,25" aria-invalid="true"`}},
		{"above the maximum", "41", []string{"Die Punkte für Präsentation müssen zwischen 0 und 40 liegen."}},
	} {
		r := jana.post(path, form(points(j.innovation.ID), "9", points(j.talk.ID), tc.talk, "comment", "Geändert"))
		expect(t, r, http.StatusUnprocessableEntity, append(tc.want, `value="9" checked><span>9</span>`, "Geändert")...)
		if got := j.sheet(t, j.jana, j.north.ID); got.Sheet.Revision != 1 || got.Points[j.innovation.ID] != 750 || got.Sheet.Comment != "Gute Idee, knappe Zeit." {
			t.Errorf("%s: the refused sheet was written: %+v", tc.name, got)
		}
	}

	// A comment no database stores is refused at the form.
	r := jana.post(path, form(points(j.innovation.ID), "9", "comment", "Gut\x00"))
	expect(t, r, http.StatusUnprocessableEntity, `<a href="#comment">Kommentar für die Gruppe: Bitte entfernen Sie die Steuerzeichen`)
	if got := j.sheet(t, j.jana, j.north.ID); got.Sheet.Revision != 1 {
		t.Errorf("a comment with NUL was written: %+v", got)
	}

	// Another cohort's group, or the conflicted one: not found, nothing written.
	sheets := j.rows(t, "score_sheets")
	for _, g := range []uint{j.autumnGroup.ID, j.west.ID} {
		if r := jana.post("/jury/gruppen/"+itoa(g), form(points(j.innovation.ID), "5")); r.Code != http.StatusNotFound {
			t.Errorf("draft for group %d: %d, want 404", g, r.Code)
		}
		if r := jana.post("/jury/gruppen/"+itoa(g)+"/abgeben", form(points(j.innovation.ID), "5")); r.Code != http.StatusNotFound {
			t.Errorf("submit for group %d: %d, want 404", g, r.Code)
		}
	}
	if n := j.rows(t, "score_sheets"); n != sheets {
		t.Errorf("posts for groups Jana may not score wrote %d sheets", n-sheets)
	}

	// Submitting without the presentation's points keeps the draft and
	// says what is missing.
	r = jana.post(path+"/abgeben", form(points(j.innovation.ID), "8", points(j.talk.ID), "", "comment", "Sehr klar präsentiert.", "bestaetigt", "1"))
	expect(t, r, http.StatusConflict, "Vor dem Abgeben braucht jedes Kriterium Punkte; es fehlen: Präsentation", `value="8" checked><span>8</span>`)
	if got := j.sheet(t, j.jana, j.north.ID); got.State != services.SheetDraft || got.Points[j.innovation.ID] != 800 {
		t.Errorf("after the refused submit: %+v, want the draft with 8 points", got)
	}

	expectRedirect(t, jana.post(path+"/abgeben", form(points(j.innovation.ID), "8", points(j.talk.ID), "30", "comment", "Sehr klar präsentiert.", "bestaetigt", "1")),
		path+"?erledigt=abgegeben")
	got := j.sheet(t, j.jana, j.north.ID)
	if got.State != services.SheetSubmitted || got.Points[j.innovation.ID] != 800 || got.Points[j.talk.ID] != 3000 {
		t.Fatalf("after submitting: %+v", got)
	}
	done := jana.get(path + "?erledigt=abgegeben")
	expect(t, done, http.StatusOK, "Ihre Bewertung ist abgegeben.",
		`data-testid="sheet-state">abgegeben</span>`, "Der Bogen ist gesperrt",
		`<dd data-testid="own-`+itoa(j.innovation.ID)+`">8 von 10</dd>`,
		`<dd data-testid="own-`+itoa(j.talk.ID)+`">30 von 40</dd>`,
		"Bewertungen der anderen Jurymitglieder", `data-testid="other-1"`, "<dd>6,5 von 10</dd>", "<dd>20 von 40</dd>", "Solide Daten.")
	if strings.Contains(done.Body, "<form method=\"post\" action=\"/jury/gruppen/") || strings.Contains(done.Body, "Jonas Jury") {
		t.Error("the submitted sheet still has its form, or names the other juror")
	}
	// Posting to the locked sheet changes nothing.
	r = jana.post(path, form(points(j.innovation.ID), "2"))
	expect(t, r, http.StatusConflict, "Der Bogen ist abgegeben und gesperrt")
	if again := j.sheet(t, j.jana, j.north.ID); again.Points[j.innovation.ID] != 800 || again.Sheet.Revision != got.Sheet.Revision {
		t.Errorf("the locked sheet changed: %+v", again)
	}
}
