package frontend_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

// member enrolls a person into the jury stack's cohort, gives them an
// account and puts them into group; it returns their logged-in client.
func (j *juryStack) member(t *testing.T, first, last, email string, group uint) *client {
	t.Helper()
	ctx := context.Background()
	p := j.person(first, last, email, "NI")
	e := j.enroll(j.cohort.ID, p.ID)
	inv, err := j.svc.Participants.CreateAccount(ctx, j.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.svc.Passwords.SetPasswordWithToken(ctx, inv.Token, password, services.Actor{ClientAddr: "seed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.svc.Groups.SetMembers(ctx, j.admin, group, []uint{e.ID}); err != nil {
		t.Fatal(err)
	}
	c := j.client()
	c.login(email)
	return c
}

// TestMyGroupBeforeAndAfterRelease: until staff release the results a
// member reads that they are not released; then their group's share,
// passed or not, the mean points per criterion and the jury's comments,
// with the jurors' names only once the cohort shows them.
//
// By hand: Nord has Jana's 8 and 30 points, (3·0,8 + 30/40)/4 = 78,75 %,
// and Jonas' 6,5 and 20, (3·0,65 + 0,5)/4 = 61,25 %; the mean is 70,0 %,
// at least 50 %: passed. The means are 7,25 and 25 points. Süd has only
// Jonas' 2 and 8 points, (3·0,2 + 0,2)/4 = 20,0 %: not passed.
func TestMyGroupBeforeAndAfterRelease(t *testing.T) {
	t.Parallel()
	j := newJuryStack(t)
	ctx := context.Background()
	anna := j.member(t, "Anna", "Muster", "anna@kohorte.test", j.north.ID)
	ben := j.member(t, "Ben", "Beispiel", "ben@kohorte.test", j.south.ID)
	loner, _ := j.loggedIn(models.RoleParticipant)
	j.score(t, j.jana, j.north.ID, "Sehr klar präsentiert.", 800, 3000)
	j.score(t, j.jonas, j.north.ID, "", 650, 2000)
	j.score(t, j.jonas, j.south.ID, "Zu wenig Bezug zur Region.", 200, 800)

	before := anna.get("/meine-gruppe")
	expect(t, before, http.StatusOK, "<h1>Meine Projektgruppe</h1>", "<h2 id=\"mygroup-0\">Gruppe Nord</h2>",
		"Pendlerströme im Emsland · Frühjahr 2023 · Netzwerkkoordinator:in",
		`<p class="alert alert--info" data-testid="not-released">Das Ergebnis der Jury ist noch nicht freigegeben.</p>`)
	for _, secret := range []string{"70,0", "Sehr klar präsentiert.", "bestanden"} {
		if strings.Contains(before.Body, secret) {
			t.Errorf("before the release the page shows %q", secret)
		}
	}
	expect(t, loner.get("/meine-gruppe"), http.StatusOK, "Sie sind in keiner Projektgruppe.")
	expect(t, anna.get("/meine-kurse"), http.StatusOK, `<a href="/meine-gruppe">Ergebnis meiner Projektgruppe</a>`)

	if _, err := j.svc.Results.Release(ctx, j.admin, j.cohort.ID, "Abschlusstag, Jana hat Süd nicht bewertet"); err != nil {
		t.Fatal(err)
	}
	after := anna.get("/meine-gruppe")
	expect(t, after, http.StatusOK,
		"Ergebnis der Jury: <strong>70,0\u00a0%</strong>", `<span class="badge badge--sheet-submitted">bestanden</span>`,
		"mindestens 50 % der erreichbaren Punkte",
		"<dt>Innovationsgrad <span class=\"muted\">(Gewicht 3)</span></dt><dd>7,25 von 10</dd>",
		"<dt>Präsentation <span class=\"muted\">(Gewicht 1)</span></dt><dd>25 von 40</dd>",
		"<li><blockquote>Sehr klar präsentiert.</blockquote></li>")
	for _, hidden := range []string{"Jana Jury", "Jonas Jury", "noch nicht freigegeben", "Zu wenig Bezug"} {
		if strings.Contains(after.Body, hidden) {
			t.Errorf("after the release Anna's page shows %q", hidden)
		}
	}
	expect(t, ben.get("/meine-gruppe"), http.StatusOK, "Gruppe Süd", "Ergebnis der Jury: <strong>20,0\u00a0%</strong>",
		`<span class="badge badge--failed">nicht bestanden</span>`, "Zu wenig Bezug zur Region.")

	show := true
	if _, err := j.svc.Jury.UpdateSettings(ctx, j.admin, j.cohort.ID, services.JurySettingsPatch{ShowJurorNames: &show}); err != nil {
		t.Fatal(err)
	}
	expect(t, anna.get("/meine-gruppe"), http.StatusOK, `<li><blockquote>Sehr klar präsentiert.</blockquote><p class="muted">– Jana Jury</p></li>`)
	anna.lang = "en"
	expect(t, anna.get("/meine-gruppe"), http.StatusOK, "Jury result: <strong>70.0%</strong>", ">passed</span>", "<dd>7.25 of 10</dd>")

	if r := j.janaClient.get("/meine-gruppe"); r.Code != http.StatusForbidden {
		t.Errorf("a juror on /meine-gruppe: %d, want 403", r.Code)
	}
}
