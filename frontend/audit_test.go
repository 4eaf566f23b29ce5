package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/services"
)

func TestAuditLogNamesObjectsAndShowsChanges(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	cohort := s.cohort(s.course("Netzwerkkoordinator:in").ID, "Frühjahr 2023", 16)
	person := s.person("Zoë", "Ćosić-Şahin", "zoe@kohorte.test", "NI")
	s.enroll(cohort.ID, person.ID)
	if _, err := s.svc.Cohorts.UpdateCohort(ctx, s.admin, cohort.ID, services.CohortInput{Name: "Frühjahr 2023",
		StartDate: models.NewDate(2023, 3, 1), EndDate: models.NewDate(2023, 6, 14), Capacity: 18, Venue: "IHK Oldenburg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Cohorts.SetCohortStatus(ctx, s.admin, cohort.ID, models.CohortRunning); err != nil {
		t.Fatal(err)
	}
	c := s.adminClient()
	cohortLink := fmt.Sprintf(`<a href="/kohorten/%d">Frühjahr 2023</a>`, cohort.ID)

	r := c.get("/protokoll?objekttyp=cohort")
	expect(t, r, http.StatusOK, cohortLink, fmt.Sprintf("Kohorte %d", cohort.ID),
		`<li><span class="changes__field">Plätze:</span> 16 → 18</li>`,
		fmt.Sprintf(`<li><span class="changes__field">Ende:</span> %s → 14.06.2023</li>`, cohort.EndDate.German()),
		`<li><span class="changes__field">Status:</span> Geplant → Läuft</li>`,
		// A new cohort lists what it was created with.
		`<li><span class="changes__field">Name:</span> Frühjahr 2023</li>`,
		`<li><span class="changes__field">Beginn:</span> 01.03.2023</li>`,
		`<select id="objekttyp" name="objekttyp">`, `<option value="cohort" selected>Kohorte</option>`)
	// An update lists only what it changed.
	update := r.Body[strings.Index(r.Body, "Kohorte geändert"):]
	update = update[:strings.Index(update, "</tr>")]
	if strings.Contains(update, "Ort:") || strings.Contains(update, "Name:") {
		t.Errorf("the update lists fields it did not change:\n%s", update)
	}

	expect(t, c.get("/protokoll?objekttyp=participant"), http.StatusOK,
		fmt.Sprintf(`<a href="/teilnehmende/%d">Zoë Ćosić-Şahin</a>`, person.ID),
		`<li><span class="changes__field">Bundesland:</span> Niedersachsen</li>`,
		`<li><span class="changes__field">Netzwerk:</span> MINT-Region</li>`)
	expect(t, c.get("/protokoll?objekttyp=enrollment"), http.StatusOK,
		fmt.Sprintf(`<a href="/kohorten/%d">Zoë Ćosić-Şahin</a> <span class="muted">(Frühjahr 2023)</span>`, cohort.ID),
		`<li><span class="changes__field">Status:</span> Eingeschrieben</li>`)
	expect(t, c.get("/protokoll?objekttyp=user"), http.StatusOK, `">Administrator</a>`)
	expect(t, c.get("/protokoll?objekttyp=Kohorte"), http.StatusBadRequest)

	c.lang = "en"
	expect(t, c.get("/protokoll?objekttyp=cohort"), http.StatusOK, cohortLink,
		`<li><span class="changes__field">Places:</span> 16 → 18</li>`,
		`<li><span class="changes__field">Status:</span> Planned → Running</li>`, `<option value="">All</option>`)
}
