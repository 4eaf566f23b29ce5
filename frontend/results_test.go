package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// scored appoints both jurors, records Jonas's conflict with Gruppe B,
// opens scoring and scores through the services:
//
//	Gruppe A: Jana 8/6 = (24+6)/40 = 75 %, Jonas 4/5 = 17/40 = 42,5 %;
//	          mean 47/80 = 58,75 %, shown 58,7 %: passed, rank 1; spread
//	          32,5 points > 20: flagged. Means 6 and 5,5 points.
//	Gruppe B: Jana 3/2 = 11/40 = 27,5 %: failed, rank 2; Jonas conflicted.
//	Gruppe C: a draft of Jana only: pending, no rank.
//
// Owed 2 + 1 + 2 = 5 sheets, 3 in. It returns Jana's sheet for Gruppe B.
func (f *juryFixture) scored(t *testing.T) models.ScoreSheet {
	t.Helper()
	ctx := context.Background()
	admin := f.s.admin
	for _, u := range []models.User{f.jana, f.jonas} {
		if _, err := f.s.svc.Jury.AppointJuror(ctx, admin, f.cohort.ID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.svc.Jury.AddConflict(ctx, admin, f.groups[1].ID, f.jonas.ID, "Mentor der Gruppe"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.svc.Jury.OpenScoring(ctx, admin, f.cohort.ID); err != nil {
		t.Fatal(err)
	}
	v, err := f.s.svc.Jury.GetJury(ctx, admin, f.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	pts := func(points ...int) []services.PointsEntry {
		out := make([]services.PointsEntry, len(points))
		for i, p := range points {
			out[i] = services.PointsEntry{CriterionID: v.Rubric[i].ID, Points: p * 100}
		}
		return out
	}
	score := func(u models.User, g models.ProjectGroup, submit bool, points ...int) {
		t.Helper()
		actor := services.Actor{UserID: u.ID, Email: u.Email, Role: models.RoleJuror}
		if _, err := f.s.svc.Scoring.SaveDraft(ctx, actor, g.ID, services.SheetInput{Points: pts(points...)}); err != nil {
			t.Fatal(err)
		}
		if !submit {
			return
		}
		if _, err := f.s.svc.Scoring.Submit(ctx, actor, g.ID); err != nil {
			t.Fatal(err)
		}
	}
	score(f.jana, f.groups[0], true, 8, 6)
	score(f.jonas, f.groups[0], true, 4, 5)
	score(f.jana, f.groups[1], true, 3, 2)
	score(f.jana, f.groups[2], false, 5)
	var sheet models.ScoreSheet
	if err := f.db.Where("group_id = ? AND juror_id = ?", f.groups[1].ID, f.jana.ID).Take(&sheet).Error; err != nil {
		t.Fatal(err)
	}
	return sheet
}

// rowOf cuts a group's row out of the results page.
func rowOf(t *testing.T, body string, g models.ProjectGroup) string {
	t.Helper()
	start := strings.Index(body, fmt.Sprintf(`data-testid="group-%d"`, g.ID))
	if start < 0 {
		t.Fatalf("no row of %s", g.Name)
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

func expectIn(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// The results page shows the hand-worked shares, the flag and a pending
// group; a sheet is reopened with a reason; a release without one while
// sheets are missing is refused translated and writes nothing; then it
// is released with one and says when and by whom.
func TestResultsPageReopenAndRelease(t *testing.T) {
	t.Parallel()
	f := newJuryFixture(t)
	sheetB := f.scored(t)
	c := f.s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/ergebnisse", f.cohort.ID)

	r := c.get(page)
	expect(t, r, http.StatusOK, "Ergebnisse · Frühjahr 2023", "3 von 5 Bögen abgegeben.", "2 Bögen fehlen noch",
		"Gruppenergebnis: Mittelwert der Anteile der abgegebenen Bögen; bestanden ab 50 %; uneinig bei mehr als 20 Prozentpunkten Abstand.")
	a := rowOf(t, r.Body, f.groups[0])
	expectIn(t, "Gruppe A", a, `data-testid="rank">1<`, `data-testid="share">58,7`+"\u00a0%<", "bestanden",
		`data-testid="disputed">⚠ Jury uneinig: 32,5 Prozentpunkte Abstand`, "<td>6</td>", "<td>5,5</td>",
		"Jana Jurorin: abgegeben, 75,0\u00a0%", "Jonas Juror: abgegeben, 42,5\u00a0%", "2 von 2 abgegeben", "Anna Muster", "Lotsenprojekt")
	if strings.Contains(a, "nicht bestanden") {
		t.Errorf("Gruppe A passed but reads failed:\n%s", a)
	}
	b := rowOf(t, r.Body, f.groups[1])
	expectIn(t, "Gruppe B", b, `data-testid="rank">2<`, `data-testid="share">27,5`+"\u00a0%<", "nicht bestanden",
		"<td>3</td>", "<td>2</td>", "Jana Jurorin: abgegeben, 27,5\u00a0%", "Jonas Juror: befangen, zählt nicht", "1 von 1 abgegeben")
	if strings.Contains(b, "disputed") {
		t.Errorf("Gruppe B is flagged:\n%s", b)
	}
	cRow := rowOf(t, r.Body, f.groups[2])
	expectIn(t, "Gruppe C", cRow, `data-testid="rank">–<`, `data-testid="share">–<`, "ausstehend", "<td>–</td>",
		"Jana Jurorin: Entwurf", "Jonas Juror: kein Bogen", "0 von 2 abgegeben")
	if strings.Contains(cRow, "bestanden") || strings.Contains(cRow, "disputed") {
		t.Errorf("pending Gruppe C reads passed or failed or flagged:\n%s", cRow)
	}

	// Reopening needs a reason; without one the sheet stays submitted.
	reopen := fmt.Sprintf("%s/boegen/%d/oeffnen", page, sheetB.ID)
	expect(t, c.post(reopen, url.Values{"reason": {"  "}}), http.StatusUnprocessableEntity,
		fmt.Sprintf(`<a href="#reopen-%d">Begründung für das Öffnen: Bitte füllen Sie dieses Feld aus.</a>`, sheetB.ID))
	var sheet models.ScoreSheet
	if err := f.db.Take(&sheet, sheetB.ID).Error; err != nil || sheet.SubmittedAt == nil {
		t.Fatalf("refused reopening: sheet %+v, %v", sheet, err)
	}
	expectRedirect(t, c.post(reopen, url.Values{"reason": {"Punkte vertauscht"}}), page+"?erledigt=geoeffnet")
	var reopened models.ScoreSheet
	if err := f.db.Take(&reopened, sheetB.ID).Error; err != nil || reopened.SubmittedAt != nil {
		t.Fatalf("reopened sheet %+v, %v", reopened, err)
	}
	if n := f.count(t, &models.AuditEvent{}, "action = ? AND object_id = ?", "score_sheet.reopened", itoa(sheetB.ID)); n != 1 {
		t.Errorf("%d reopen events, want 1", n)
	}
	r = c.get(page + "?erledigt=geoeffnet")
	expect(t, r, http.StatusOK, "Der Bogen ist wieder geöffnet", "2 von 5 Bögen abgegeben.", "3 Bögen fehlen noch")
	expectIn(t, "Gruppe B reopened", rowOf(t, r.Body, f.groups[1]), "ausstehend", "Jana Jurorin: Entwurf")

	// Releasing with sheets missing needs a reason: refused, nothing written.
	release := page + "/freigeben"
	expect(t, c.post(release, url.Values{"bestaetigt": {"1"}}), http.StatusUnprocessableEntity,
		`<a href="#reason">Begründung der Freigabe: 3 Bögen sind noch nicht abgegeben; eine Freigabe jetzt braucht eine Begründung.</a>`)
	if j := f.jury(t); j.ReleasedAt != nil {
		t.Fatalf("refused release released at %v", j.ReleasedAt)
	}
	if n := f.count(t, &models.AuditEvent{}, "action = ?", "results.released"); n != 0 {
		t.Errorf("refused release: %d events", n)
	}
	expectRedirect(t, c.post(release, url.Values{"bestaetigt": {"1"}, "reason": {"Gruppe C hat nicht präsentiert"}}),
		page+"?erledigt=freigegeben#freigabe")
	if j := f.jury(t); j.ReleasedAt == nil || j.ReleasedByID == nil || *j.ReleasedByID != f.s.admin.UserID {
		t.Fatalf("release: %+v", j)
	}
	r = c.get(page + "?erledigt=freigegeben")
	expect(t, r, http.StatusOK, "Die Ergebnisse sind freigegeben.", " von Administrator.", "Begründung: Gruppe C hat nicht präsentiert")
	if strings.Contains(r.Body, "/oeffnen") || strings.Contains(r.Body, `data-testid="release"`) {
		t.Errorf("released results still offer reopening or releasing")
	}
	// Released sheets stay locked, and a second release is refused.
	var sheetA models.ScoreSheet
	if err := f.db.Where("group_id = ? AND juror_id = ?", f.groups[0].ID, f.jana.ID).Take(&sheetA).Error; err != nil {
		t.Fatal(err)
	}
	expect(t, c.post(fmt.Sprintf("%s/boegen/%d/oeffnen", page, sheetA.ID), url.Values{"reason": {"nochmal"}}), http.StatusConflict,
		"Die Ergebnisse der Kohorte sind freigegeben; ihre Bögen lassen sich nicht mehr öffnen.")
	var locked models.ScoreSheet
	if err := f.db.Take(&locked, sheetA.ID).Error; err != nil || locked.SubmittedAt == nil || locked.Revision != sheetA.Revision {
		t.Errorf("refused reopening changed the sheet: %+v, %v", locked, err)
	}
	expect(t, c.post(release, url.Values{"reason": {"nochmal"}}), http.StatusConflict, "Die Ergebnisse der Kohorte sind schon freigegeben.")

	juror := f.s.client()
	juror.login("jana@kohorte.test")
	expect(t, juror.get(page), http.StatusForbidden)
	expect(t, juror.post(release, url.Values{"reason": {"x"}}), http.StatusForbidden)
	expect(t, juror.get(page+".csv"), http.StatusForbidden)
}

// The CSV holds each counted sheet and each group's result as the page
// works them out; the workbook is one too.
func TestResultsExportRows(t *testing.T) {
	t.Parallel()
	f := newJuryFixture(t)
	f.scored(t)
	c := f.s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/ergebnisse", f.cohort.ID)

	r := c.get(page + ".csv")
	if r.Code != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "kohorte-jury-ergebnisse-") {
		t.Fatalf("csv: %d %v", r.Code, r.Header)
	}
	want := "\xEF\xBB\xBFGruppe;Projekt;Jurorin/Juror;Inhalt;Präsentation;Anteil %;Rang;Ergebnis;Abweichung\r\n" +
		"Gruppe A;Lotsenprojekt;Jana Jurorin;8;6;75;;;\r\n" +
		"Gruppe A;Lotsenprojekt;Jonas Juror;4;5;42,5;;;\r\n" +
		"Gruppe A;Lotsenprojekt;Gruppenergebnis;6;5,5;58,7;1;bestanden;Jury uneinig\r\n" +
		"Gruppe B;Wegweiser;Jana Jurorin;3;2;27,5;;;\r\n" +
		"Gruppe B;Wegweiser;Gruppenergebnis;3;2;27,5;2;nicht bestanden;\r\n" +
		"Gruppe C;Brückenbau;Gruppenergebnis;;;;;ausstehend;\r\n"
	if r.Body != want {
		t.Errorf("csv:\n%q\nwant\n%q", r.Body, want)
	}
	c.lang = "en"
	r = c.get(page + ".csv")
	if !strings.Contains(r.Body, "Group;Project;Juror;Inhalt;Präsentation;Share %;Rank;Result;Disagreement\r\n") ||
		!strings.Contains(r.Body, "Gruppe A;Lotsenprojekt;Group result;6;5.5;58.7;1;passed;jurors disagree\r\n") {
		t.Errorf("English csv:\n%s", r.Body)
	}
	r = c.get(page)
	expect(t, r, http.StatusOK, "Results · Frühjahr 2023", "3 of 5 sheets submitted.", "2 sheets are still missing")
	expectIn(t, "Gruppe A in English", rowOf(t, r.Body, f.groups[0]), `data-testid="share">58.7%<`, "passed",
		"Jurors disagree: 32.5 percentage points apart", "<td>5.5</td>")
	expectIn(t, "Gruppe C in English", rowOf(t, r.Body, f.groups[2]), "pending")
	x := c.get(page + ".xlsx")
	if x.Code != http.StatusOK || !strings.HasPrefix(x.Body, "PK") || !strings.Contains(x.Header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("xlsx: %d %v", x.Code, x.Header)
	}
	expect(t, c.get(fmt.Sprintf("/kohorten/%d/ergebnisse.csv", f.cohort.ID+1000)), http.StatusNotFound)
}

// The jury and results pages of one cohort act only on its own groups and
// sheets: an id of another cohort's in a form (an old tab, a hand-made
// request) is not found there, and nothing changes.
func TestCohortFormsReachOnlyTheirOwnGroupsAndSheets(t *testing.T) {
	t.Parallel()
	f := newJuryFixture(t)
	sheetB := f.scored(t)
	other := f.s.cohort(f.cohort.CourseID, "Herbst 2023", 16)
	c := f.s.adminClient()
	jury := fmt.Sprintf("/kohorten/%d/jury", other.ID)
	groupB, groupC := f.groups[1], f.groups[2]

	expect(t, c.post(jury+"/befangenheit", url.Values{"user_id": {itoa(f.jana.ID)}, "group_id": {itoa(groupC.ID)},
		"reason": {"Kollegin im selben Haus"}}), http.StatusNotFound)
	if n := f.count(t, &models.JuryConflict{}, "group_id = ?", groupC.ID); n != 0 {
		t.Errorf("a conflict with another cohort's group was recorded: %d rows", n)
	}
	expect(t, c.post(jury+"/befangenheit/entfernen", url.Values{"user_id": {itoa(f.jonas.ID)}, "group_id": {itoa(groupB.ID)}}),
		http.StatusNotFound)
	if n := f.count(t, &models.JuryConflict{}, "group_id = ? AND user_id = ?", groupB.ID, f.jonas.ID); n != 1 {
		t.Errorf("another cohort's conflict: %d rows, want it kept", n)
	}
	expect(t, c.post(fmt.Sprintf("/kohorten/%d/ergebnisse/boegen/%d/oeffnen", other.ID, sheetB.ID),
		url.Values{"reason": {"Punkte vertauscht"}}), http.StatusNotFound)
	var sheet models.ScoreSheet
	if err := f.db.Take(&sheet, sheetB.ID).Error; err != nil || sheet.SubmittedAt == nil {
		t.Errorf("another cohort's sheet was reopened: %+v, %v", sheet, err)
	}

	// Through its own cohort's pages the same forms work.
	own := fmt.Sprintf("/kohorten/%d", f.cohort.ID)
	expectRedirect(t, c.post(own+"/jury/befangenheit/entfernen", url.Values{"user_id": {itoa(f.jonas.ID)}, "group_id": {itoa(groupB.ID)}}),
		own+"/jury?erledigt=befangenheit-entfernt#befangenheiten")
	expectRedirect(t, c.post(fmt.Sprintf("%s/ergebnisse/boegen/%d/oeffnen", own, sheetB.ID), url.Values{"reason": {"Punkte vertauscht"}}),
		own+"/ergebnisse?erledigt=geoeffnet")
}
