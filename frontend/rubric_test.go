package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
)

// rubricRows reads a course's saved rubric as name, weight, maximum and
// step in hundredths: what the database holds.
func (s *stack) rubricRows(courseID uint) []string {
	s.t.Helper()
	r, err := s.svc.Rubrics.GetCourseRubric(context.Background(), s.admin, courseID)
	if err != nil {
		s.t.Fatal(err)
	}
	out := []string{}
	for _, c := range r.Criteria {
		out = append(out, fmt.Sprintf("%d %s w%d max%d step%d", c.Position, c.Name, c.Weight, c.MaxPoints, c.Step))
	}
	return out
}

// rubricForm is the rubric's form with rows of name, weight, maximum,
// step and whether to remove it.
func rubricForm(action string, rows ...[5]string) url.Values {
	v := url.Values{"aktion": {action}}
	for i, r := range rows {
		p := fmt.Sprintf("criteria[%d].", i)
		v.Set(p+"name", r[0])
		v.Set(p+"description", "")
		v.Set(p+"weight", r[1])
		v.Set(p+"max_points", r[2])
		v.Set(p+"step", r[3])
		if r[4] != "" {
			v.Set(p+"remove", "1")
		}
	}
	return v
}

// Staff see the course's default rubric with German decimals, save a list
// with a step of 0,25 and rows removed, add a row without saving, and a
// list with wrong rows is refused by row and field with nothing saved.
func TestRubricPageSavesCommaDecimalsAndRefusesWholly(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	course := s.course("Netzwerkkoordinator:in")
	c := s.adminClient()
	page := fmt.Sprintf("/kurse/%d/bewertung", course.ID)

	expect(t, c.get(fmt.Sprintf("/kurse/%d", course.ID)), http.StatusOK, `href="`+page+`">Bewertungsbogen</a>`)
	expect(t, c.get(page), http.StatusOK, "Bewertungsbogen · Netzwerkkoordinator:in", "Summe der Gewichte: 100",
		"Jede Kohorte erhält beim Öffnen ihrer Bewertung eine eigene Kopie dieses Bogens.",
		`<legend>Zeile 4</legend>`, `value="Präsentation"`, `id="criteria[1].weight" name="criteria[1].weight" type="text" value="30"`,
		`id="criteria[3].step" name="criteria[3].step" type="text" value="0,5"`)

	// Two rows kept, the last two ticked to go: 40 + 60.
	expectRedirect(t, c.post(page, rubricForm("speichern",
		[5]string{"Innovationsgrad", "40", "10", "0,25", ""},
		[5]string{"Präsentation", "60", "7,5", "0,5", ""},
		[5]string{"Fachliche Fundierung", "30", "10", "0,5", "x"},
		[5]string{"Relevanz", "25", "10", "0,5", "x"})), page+"?erledigt=gespeichert")
	saved := []string{"1 Innovationsgrad w40 max1000 step25", "2 Präsentation w60 max750 step50"}
	if d := cmp.Diff(saved, s.rubricRows(course.ID)); d != "" {
		t.Fatalf("saved rubric (-want +got):\n%s", d)
	}
	expect(t, c.get(page+"?erledigt=gespeichert"), http.StatusOK, "Der Bewertungsbogen ist gespeichert.", "Summe der Gewichte: 100",
		`name="criteria[0].step" type="text" value="0,25"`, `name="criteria[1].max_points" type="text" value="7,5"`)
	if r := c.get(page); strings.Contains(r.Body, `<legend>Zeile 3</legend>`) {
		t.Errorf("a removed row is still shown")
	}

	// Adding a row shows a third, with the default points, and saves nothing.
	expect(t, c.post(page, rubricForm("zeile",
		[5]string{"Innovationsgrad", "40", "10", "0,25", ""},
		[5]string{"Präsentation", "60", "7,5", "0,5", ""})), http.StatusOK,
		`<legend>Zeile 3</legend>`, `id="criteria[2].name" name="criteria[2].name" type="text" value=""`,
		`id="criteria[2].max_points" name="criteria[2].max_points" type="text" value="10"`)

	// Row 1 is removed, so the service's first criterion is row 2: its
	// weight is no number and 10 is no multiple of 0,3; row 3's maximum has
	// three decimals; row 4 is blank and left out. Nothing is saved.
	r := c.post(page, rubricForm("speichern",
		[5]string{"Alt", "10", "10", "0,5", "x"},
		[5]string{"Innovationsgrad", "viel", "10", "0,3", ""},
		[5]string{"Präsentation", "60", "7,555", "0,5", ""},
		[5]string{"", "", "10", "0,5", ""}))
	expect(t, r, http.StatusUnprocessableEntity,
		`<a href="#criteria%5b1%5d.weight">Zeile 2, Gewicht: Bitte geben Sie eine ganze Zahl von 1 bis 100 ein.</a>`,
		`<a href="#criteria%5b1%5d.max_points">Zeile 2, Höchstpunktzahl: Muss ein Vielfaches der Schrittweite 0,3 sein.</a>`,
		`<a href="#criteria%5b2%5d.max_points">Zeile 3, Höchstpunktzahl: Bitte geben Sie Punkte wie 7,5 oder 7.5 ein, mit höchstens zwei Nachkommastellen.</a>`,
		`id="criteria[1].weight" name="criteria[1].weight" type="text" value="viel"`,
		`id="criteria[0].remove" name="criteria[0].remove" type="checkbox" value="1" checked`)
	if strings.Contains(r.Body, "Zeile 1,") || strings.Contains(r.Body, "Zeile 4,") {
		t.Errorf("a removed or blank row is reported")
	}
	if d := cmp.Diff(saved, s.rubricRows(course.ID)); d != "" {
		t.Errorf("a refused rubric was saved (-want +got):\n%s", d)
	}

	// In English, points are written with a decimal point, and read so.
	expectRedirect(t, c.post("/sprache", form("lang", "en", "next", page)), page)
	expect(t, c.get(page), http.StatusOK, "Rubric · Netzwerkkoordinator:in", "Sum of the weights: 100",
		"Each cohort gets its own copy of this rubric when its scoring opens.",
		`name="criteria[0].step" type="text" value="0.25"`, `name="criteria[1].max_points" type="text" value="7.5"`)
	expect(t, c.post(page, rubricForm("speichern", [5]string{"Innovationsgrad", "0", "10", "0.5", ""})), http.StatusUnprocessableEntity,
		`<a href="#criteria%5b0%5d.weight">Row 1, Weight: Please enter a whole number from 1 to 100.</a>`)
	if d := cmp.Diff(saved, s.rubricRows(course.ID)); d != "" {
		t.Errorf("a refused rubric was saved (-want +got):\n%s", d)
	}

	participant := s.participantClient(s.person("Anna", "Muster", "anna@kohorte.test", "NI"))
	expect(t, participant.get(page), http.StatusForbidden)
	juror, _ := s.loggedIn(models.RoleJuror)
	expect(t, juror.post(page, rubricForm("speichern", [5]string{"X", "1", "1", "1", ""})), http.StatusForbidden)
	if d := cmp.Diff(saved, s.rubricRows(course.ID)); d != "" {
		t.Errorf("a juror changed the rubric (-want +got):\n%s", d)
	}
}
