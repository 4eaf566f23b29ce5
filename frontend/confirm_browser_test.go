package frontend_test

import (
	"context"
	"net/http"
	"testing"

	"kohorte/frontend/browsertest"
	"kohorte/models"
)

// completedCohort returns a cohort that the next step archives, and the
// path of its page.
func completedCohort(t *testing.T, s *stack) (models.Cohort, string) {
	t.Helper()
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted} {
		if _, err := s.svc.Cohorts.SetCohortStatus(context.Background(), s.admin, cohort.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	return cohort, "/kohorten/" + itoa(cohort.ID)
}

func cohortStatus(t *testing.T, s *stack, id uint) models.CohortStatus {
	t.Helper()
	c, err := s.svc.Cohorts.GetCohort(context.Background(), s.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

const archiveButton = `form[action$="/status"] button[data-confirm]`

// TestBrowserArchiveAsksFirst: archiving cannot be undone, so the button
// opens a dialog that says so; cancelling leaves the cohort as it was, and
// only confirming archives it.
func TestBrowserArchiveAsksFirst(t *testing.T) {
	s, srv := newServer(t)
	cohort, path := completedCohort(t, s)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	b.Navigate(srv.URL + path)

	if visible := browsertest.Eval[bool](b, `document.querySelector(".confirm-check").checkVisibility()`); visible {
		t.Error("with JavaScript the confirmation box is still shown beside the dialog")
	}
	b.Click(archiveButton)
	b.WaitUntil(`document.getElementById("confirm-dialog").open`)
	const want = "„Frühjahr 2023“ wird archiviert und gilt danach als beendet. Das lässt sich nicht zurücknehmen."
	if got := b.Text("#confirm-dialog-text"); got != want {
		t.Errorf("the dialog says %q, want %q", got, want)
	}
	if focused := browsertest.Eval[string](b, `document.activeElement.value`); focused != "cancel" {
		t.Errorf("the focus is on %q, want it on cancel", focused)
	}

	b.Click(`#confirm-dialog button[value="cancel"]`)
	b.WaitUntil(`!document.getElementById("confirm-dialog").open`)
	if got := cohortStatus(t, s, cohort.ID); got != models.CohortCompleted {
		t.Errorf("after cancel the cohort is %s, want completed", got)
	}
	if got := browsertest.Eval[string](b, "location.pathname"); got != path {
		t.Errorf("after cancel at %s, want %s", got, path)
	}
	if focused := browsertest.Eval[bool](b, `document.activeElement === document.querySelector(`+"`"+archiveButton+"`"+`)`); !focused {
		t.Error("after cancel the focus is not back on the archive button")
	}

	// Escape cancels as well.
	b.Click(archiveButton)
	b.WaitUntil(`document.getElementById("confirm-dialog").open`)
	b.Press("Escape")
	b.WaitUntil(`!document.getElementById("confirm-dialog").open`)
	if got := cohortStatus(t, s, cohort.ID); got != models.CohortCompleted {
		t.Errorf("after Escape the cohort is %s, want completed", got)
	}

	b.Click(archiveButton)
	b.WaitUntil(`document.getElementById("confirm-dialog").open`)
	if status := b.ClickAndWait(`#confirm-dialog button[value="confirm"]`); status != http.StatusOK {
		t.Fatalf("confirm: status %d", status)
	}
	if got := cohortStatus(t, s, cohort.ID); got != models.CohortArchived {
		t.Errorf("after confirming the cohort is %s, want archived", got)
	}
	b.NoConsoleErrors()
}

// TestArchiveAsksWithoutScript: without JavaScript the browser does not
// send the form until the box that asks is ticked.
func TestBrowserArchiveAsksWithoutScript(t *testing.T) {
	s, srv := newServer(t)
	cohort, path := completedCohort(t, s)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	b.DisableScripts()
	b.Navigate(srv.URL + path)

	const want = "„Frühjahr 2023“ wird archiviert und gilt danach als beendet. Das lässt sich nicht zurücknehmen."
	if got := b.Text(".confirm-check"); got != want {
		t.Errorf("the box says %q, want %q", got, want)
	}
	if valid := browsertest.Eval[bool](b, `document.querySelector(`+"`"+archiveButton+"`"+`).form.checkValidity()`); valid {
		t.Error("the form could be sent without ticking the box")
	}
	b.Click(".confirm-check input")
	if status := b.ClickAndWait(archiveButton); status != http.StatusOK {
		t.Fatalf("archive: status %d", status)
	}
	if got := cohortStatus(t, s, cohort.ID); got != models.CohortArchived {
		t.Errorf("after ticking and archiving the cohort is %s, want archived", got)
	}
}
