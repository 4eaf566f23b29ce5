package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kohorte/frontend/browsertest"
	"kohorte/services"
)

// TestBrowserScoringOnAPhone: Jana scores a group on a 375-pixel phone.
// A tap on 7,5 and "12,5" typed are saved as a draft while she goes on,
// and the page says so; when the connection drops her comment waits in
// the browser, the page says it will try again, and a reload puts it
// back and saves it. Nothing scrolls sideways, every point button is at
// least 44 pixels, and submitting after the confirmation shows the sheet
// as submitted.
func TestBrowserScoringOnAPhone(t *testing.T) {
	j := newJuryStack(t)
	srv := httptest.NewServer(j.handler)
	t.Cleanup(srv.Close)
	phone := browsertest.New(t)
	phone.Viewport(375, 740)
	loginAs(t, phone, srv.URL, "jana@kohorte.test")
	if status := phone.Navigate(fmt.Sprintf("%s/jury/gruppen/%d", srv.URL, j.north.ID)); status != http.StatusOK {
		t.Fatalf("the scoring sheet: %d", status)
	}
	if wide := browsertest.Eval[bool](phone, `document.scrollingElement.scrollWidth > 375`); wide {
		t.Error("the scoring sheet scrolls sideways on a phone")
	}
	smallest := browsertest.Eval[[]float64](phone, `(() => {
	  const boxes = Array.from(document.querySelectorAll(".scoring-choice > span, .scoring-actions .button, .scoring-points"), e => e.getBoundingClientRect());
	  return [boxes.length, Math.min(...boxes.map(r => r.width)), Math.min(...boxes.map(r => r.height))];
	})()`)
	if smallest[0] != 25 || smallest[1] < 44 || smallest[2] < 44 {
		t.Errorf("targets: %v targets, narrowest %v px, lowest %v px; want every one at least 44 px", smallest[0], smallest[1], smallest[2])
	}

	talk := fmt.Sprintf("#points_%d_value", j.talk.ID)
	phone.Click(fmt.Sprintf(`#points_%d input[value="7.5"] + span`, j.innovation.ID))
	phone.Type(talk, "12,5")
	phone.WaitUntil(`document.getElementById("sheet-status").dataset.state === "saved"`)
	if got := phone.Text(`[data-testid="save-status"]`); got != "Gespeichert" {
		t.Errorf("after the draft was saved the status says %q", got)
	}
	own := j.sheet(t, j.jana, j.north.ID)
	if own.State != services.SheetDraft || own.Points[j.innovation.ID] != 750 || own.Points[j.talk.ID] != 1250 {
		t.Fatalf("the draft in the database: %+v, want 7,5 and 12,5 points", own)
	}

	// The connection drops: the comment stays in the browser.
	browsertest.Eval[bool](phone, `(window.fetch = () => Promise.reject(new TypeError("offline")), true)`)
	phone.Type("#comment", "Gute Idee, knappe Zeit.")
	phone.WaitUntil(`document.getElementById("sheet-status").dataset.state === "retry"`)
	if got := phone.Text(`[data-testid="save-status"]`); got != "Nicht gespeichert – wird erneut versucht" {
		t.Errorf("offline the status says %q", got)
	}
	key := fmt.Sprintf("kohorte-sheet-%d-%d", j.jana.ID, j.north.ID)
	if copied := browsertest.Eval[string](phone, `JSON.parse(localStorage.getItem("`+key+`")).values.comment`); copied != "Gute Idee, knappe Zeit." {
		t.Errorf("the browser's copy holds the comment %q", copied)
	}
	if got := j.sheet(t, j.jana, j.north.ID); got.Sheet.Comment != "" {
		t.Fatalf("offline, the comment %q reached the database", got.Sheet.Comment)
	}

	// A reload restores the comment from the browser and saves it.
	if status := phone.Reload(); status != http.StatusOK {
		t.Fatalf("reload: %d", status)
	}
	phone.WaitUntil(`document.getElementById("sheet-status").dataset.state === "saved"`)
	if got := browsertest.Eval[string](phone, `document.getElementById("comment").value`); got != "Gute Idee, knappe Zeit." {
		t.Errorf("after the reload the comment is %q", got)
	}
	if got := browsertest.Eval[string](phone, `document.querySelector("`+talk+`").value`); got != "12,5" {
		t.Errorf("after the reload the presentation's points are %q", got)
	}
	if !browsertest.Eval[bool](phone, fmt.Sprintf(`document.querySelector('#points_%d input[value="7.5"]').checked`, j.innovation.ID)) {
		t.Error("after the reload 7,5 is not chosen")
	}
	if got := j.sheet(t, j.jana, j.north.ID); got.Sheet.Comment != "Gute Idee, knappe Zeit." || got.Points[j.talk.ID] != 1250 {
		t.Fatalf("after the reload the database holds %+v", got)
	}

	// Submitting asks first, then locks the sheet.
	phone.Click(`[data-testid="submit-sheet"]`)
	if status := phone.ClickAndWait(`#confirm-dialog button[value="confirm"]`); status != http.StatusOK {
		t.Fatalf("submit: %d", status)
	}
	if got := phone.Text(`[data-testid="sheet-submitted"]`); !strings.HasPrefix(got, "abgegeben am ") {
		t.Errorf("after submitting the page says %q", got)
	}
	if got := j.sheet(t, j.jana, j.north.ID); got.State != services.SheetSubmitted {
		t.Errorf("after submitting the sheet is %s", got.State)
	}
	if browsertest.Eval[bool](phone, `localStorage.getItem("`+key+`") !== null`) {
		t.Error("the browser still keeps a copy of the submitted sheet")
	}
	if wide := browsertest.Eval[bool](phone, `document.scrollingElement.scrollWidth > 375`); wide {
		t.Error("the submitted sheet scrolls sideways on a phone")
	}
	phone.NoConsoleErrors()
}

// TestBrowserLogoutForgetsTheSheetsOnTheDevice: the browser's copy of a
// sheet holds scores and comments that the next person on a shared
// tablet must not read, so logging out deletes it. While the server lacks
// the latest entry the logout asks first; cancelling keeps the copy.
func TestBrowserLogoutForgetsTheSheetsOnTheDevice(t *testing.T) {
	j := newJuryStack(t)
	srv := httptest.NewServer(j.handler)
	t.Cleanup(srv.Close)
	tablet := browsertest.New(t)
	loginAs(t, tablet, srv.URL, "jana@kohorte.test")
	if status := tablet.Navigate(fmt.Sprintf("%s/jury/gruppen/%d", srv.URL, j.north.ID)); status != http.StatusOK {
		t.Fatalf("the scoring sheet: %d", status)
	}
	key := fmt.Sprintf("kohorte-sheet-%d-%d", j.jana.ID, j.north.ID)
	kept := func() bool { return browsertest.Eval[bool](tablet, `localStorage.getItem("`+key+`") !== null`) }

	tablet.Type("#comment", "Stark im Netzwerk.")
	tablet.WaitUntil(`document.getElementById("sheet-status").dataset.state === "saved"`)
	if !kept() {
		t.Fatal("no copy in the browser after a saved draft")
	}
	if browsertest.Eval[bool](tablet, `"confirm" in document.querySelector("[data-nav='logout']").dataset`) {
		t.Error("with everything saved the logout still asks")
	}

	browsertest.Eval[bool](tablet, `(window.fetch = () => Promise.reject(new TypeError("offline")), true)`)
	tablet.Type("#comment", " Knappe Zeit.")
	tablet.WaitUntil(`document.getElementById("sheet-status").dataset.state === "retry"`)
	tablet.Click(`[data-nav="logout"]`)
	tablet.WaitUntil(`document.getElementById("confirm-dialog").open`)
	if got := tablet.Text("#confirm-dialog-text"); !strings.HasPrefix(got, "Ihre letzte Eingabe ist noch nicht gespeichert.") {
		t.Errorf("the logout asks %q", got)
	}
	tablet.Click(`#confirm-dialog button[value="cancel"]`)
	tablet.WaitUntil(`!document.getElementById("confirm-dialog").open`)
	if !kept() {
		t.Fatal("cancelling the logout lost the unsent copy")
	}

	tablet.Click(`[data-nav="logout"]`)
	tablet.WaitUntil(`document.getElementById("confirm-dialog").open`)
	if status := tablet.ClickAndWait(`#confirm-dialog button[value="confirm"]`); status != http.StatusOK {
		t.Fatalf("logout: %d", status)
	}
	if got := browsertest.Eval[string](tablet, `location.pathname`); got != "/" {
		t.Fatalf("after the logout the browser shows %q", got)
	}
	if n := browsertest.Eval[int](tablet, `localStorage.length`); n != 0 {
		t.Errorf("after the logout the browser keeps %d items", n)
	}
	tablet.NoConsoleErrors()
}

// TestBrowserJuryPagesFit: the juror's list, a cohort's groups with the
// conflict form open, a submitted sheet with another juror's, and a
// member's released result fit a laptop and both phones.
func TestBrowserJuryPagesFit(t *testing.T) {
	j := newJuryStack(t)
	srv := httptest.NewServer(j.handler)
	t.Cleanup(srv.Close)
	j.member(t, "Anna", "Muster-Überlänge-Niedersachsen", "anna@kohorte.test", j.north.ID)
	j.score(t, j.jonas, j.north.ID, "Solide Daten, aber die Quellenangaben fehlen an mehreren Stellen der Präsentation.", 650, 2000)
	j.score(t, j.jana, j.north.ID, "Sehr klar präsentiert.", 800, 3000)
	if _, err := j.svc.Results.Release(context.Background(), j.admin, j.cohort.ID, "Abschlusstag"); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "jana@kohorte.test")
	b.Navigate(srv.URL + "/jury")
	checkWidth(t, b, "jury")
	b.Navigate(fmt.Sprintf("%s/jury/kohorten/%d", srv.URL, j.cohort.ID))
	b.Click("details.scoring-conflict summary")
	checkWidth(t, b, "jury-groups")
	b.Navigate(fmt.Sprintf("%s/jury/gruppen/%d", srv.URL, j.north.ID))
	if got := b.Text(`[data-testid="other-1"] h3`); got != "Bewertung 1" {
		t.Errorf("the submitted sheet shows %q, want the other juror's sheet", got)
	}
	checkWidth(t, b, "jury-sheet-submitted")
	b.Navigate(fmt.Sprintf("%s/jury/gruppen/%d", srv.URL, j.south.ID))
	checkWidth(t, b, "jury-sheet")
	b.Click(".menu__button")
	b.ClickAndWait(`[data-nav="logout"]`)

	loginAs(t, b, srv.URL, "anna@kohorte.test")
	b.Navigate(srv.URL + "/meine-gruppe")
	if got := b.Text(`[data-testid="result"] strong`); got != "70,0\u00a0%" {
		t.Errorf("Anna's result reads %q", got)
	}
	checkWidth(t, b, "my-group")
	b.NoConsoleErrors()
}
