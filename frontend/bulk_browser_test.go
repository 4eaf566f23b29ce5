package frontend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/frontend/browsertest"
)

// TestBrowserSelectAllAndWithdrawTwo: the script, loaded as a file under
// the Content-Security-Policy, ticks every box of the page in place; two
// people then withdraw together, and today's date, after the cohort's end,
// is refused next to its input first.
func TestBrowserSelectAllAndWithdrawTwo(t *testing.T) {
	s, srv := newServer(t)
	ids := seedDemoCohort(t, s)
	b := browsertest.New(t)
	loginAs(t, b, srv.URL, "admin@kohorte.test")
	page := fmt.Sprintf("%s/kohorten/%d", srv.URL, ids.cohort)
	if status := b.Navigate(page); status != http.StatusOK {
		t.Fatalf("cohort page: %d", status)
	}
	const ticked = `document.querySelectorAll('input[form="auswahl"]:checked').length`
	b.Click(`a[data-select="all"]`)
	if n := browsertest.Eval[int](b, ticked); n != 16 {
		t.Errorf("%d boxes ticked after selecting all, want 16", n)
	}
	if url := browsertest.Eval[string](b, "location.href"); url != page {
		t.Errorf("selecting all left the page for %s", url)
	}
	b.Click(`a[data-select="none"]`)
	if n := browsertest.Eval[int](b, ticked); n != 0 {
		t.Errorf("%d boxes ticked after clearing, want 0", n)
	}
	b.NoConsoleErrors()

	b.Click(`tbody tr:nth-child(1) input[form="auswahl"]`)
	b.Click(`tbody tr:nth-child(2) input[form="auswahl"]`)
	b.ClickAndWait(`#auswahl button[type=submit]:not([formaction])`)
	if got := b.Text("main"); !strings.Contains(got, "2 Austritte bestätigen") {
		t.Fatalf("confirmation page: %q", got)
	}
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("withdraw today: status %d, want 422", status)
	}
	if got := b.Text("#date-error"); !strings.Contains(got, "nicht nach dem letzten Tag der Kohorte (28.06.2023)") {
		t.Errorf("next to the date: %q", got)
	}
	browsertest.Eval[string](b, `document.querySelector("#date").value = "2023-05-02"`)
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("withdraw on 02.05.2023: status %d", status)
	}
	if got := b.Text(".alert--success"); !strings.Contains(got, "2 Austritte wurden gespeichert.") {
		t.Errorf("after the withdrawals: %q", got)
	}
}
