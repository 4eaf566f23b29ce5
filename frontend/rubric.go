package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// rubricRow is one criterion as its row of the rubric's form holds it:
// points as typed, with a decimal comma or point.
type rubricRow struct {
	Name        string
	Description string
	Weight      string
	MaxPoints   string
	Step        string
	// Remove: the row is ticked to be left out when the list is saved.
	Remove bool
}

// blank says the row was added and never filled in; saving leaves it out.
func (r rubricRow) blank() bool {
	return strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Description) == "" && strings.TrimSpace(r.Weight) == ""
}

// rubricProblem is one problem of the list, with the row (from 1) and the
// label of the input it concerns; Row 0 is the list as a whole.
type rubricProblem struct {
	Field   string
	Row     int
	Label   string
	Message *message
}

// rubricPage is a course's default rubric as one form of rows.
type rubricPage struct {
	CourseID    uint
	CourseTitle string
	Rows        []rubricRow
	// Weights adds up the saved criteria's weights.
	Weights  int
	Errors   formErrors
	Problems []rubricProblem
	Notice   *message
}

// rubricLabels name the label of each input of a row, by the service's
// name of its field.
var rubricLabels = map[string]string{
	"name":        "rubric_field_name",
	"description": "rubric_field_description",
	"weight":      "rubric_field_weight",
	"max_points":  "rubric_field_max_points",
	"step":        "rubric_field_step",
}

// maxRubricRows bounds the rows a form is read with; the service refuses
// more than 20 criteria with a message of its own.
const maxRubricRows = 40

// maxRubricFormBytes leaves room for every row's description of 2,000
// characters, percent-encoded.
const maxRubricFormBytes = 512 << 10

func (ui *UI) rubricPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	rubric, err := ui.svc.Rubrics.GetCourseRubric(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := rubricPage{}
	if c.Query("erledigt") == "gespeichert" {
		page.Notice = newMessage("rubric_saved")
	}
	ui.showRubric(c, http.StatusOK, rubric, ui.rubricRows(c, rubric.Criteria), page)
}

// rubricRows writes saved criteria as the form's rows: points with a
// decimal comma in German, a point in English. An empty rubric gets one
// row to start with.
func (ui *UI) rubricRows(c *gin.Context, cs []models.RubricCriterion) []rubricRow {
	points := services.FormatPoints
	if ui.langOf(c.Request) == "en" {
		points = services.PointsDecimal
	}
	rows := make([]rubricRow, 0, len(cs)+1)
	for _, cr := range cs {
		rows = append(rows, rubricRow{Name: cr.Name, Description: cr.Description, Weight: strconv.Itoa(cr.Weight),
			MaxPoints: points(cr.MaxPoints), Step: points(cr.Step)})
	}
	if len(rows) == 0 {
		rows = append(rows, newRubricRow(points))
	}
	return rows
}

// newRubricRow is an added row, with the default rubric's points.
func newRubricRow(points func(int) string) rubricRow {
	return rubricRow{MaxPoints: points(1000), Step: points(50)}
}

func (ui *UI) showRubric(c *gin.Context, status int, rubric services.CourseRubric, rows []rubricRow, page rubricPage) {
	page.CourseID, page.CourseTitle, page.Rows = rubric.Course.ID, rubric.Course.Title, rows
	for _, cr := range rubric.Criteria {
		page.Weights += cr.Weight
	}
	ui.render(c, status, "rubric", page)
}

// rubricAction is the button that sent the form: save, or add a row.
type rubricAction struct {
	Action string `form:"aktion" binding:"omitempty,oneof=speichern zeile"`
}

// saveRubric saves the rows as the course's rubric, all at once; or, for
// the button that adds a row, shows the rows again with one more. A
// refused list shows every problem by row and field, and nothing is
// saved.
func (ui *UI) saveRubric(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var action rubricAction
	errs, ok := ui.bindFormMax(c, &action, maxRubricFormBytes)
	if !ok {
		return
	}
	if errs.For("aktion") != nil {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	rubric, err := ui.svc.Rubrics.GetCourseRubric(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	rows := readRubricRows(c)
	if action.Action == "zeile" {
		points := services.FormatPoints
		if ui.langOf(c.Request) == "en" {
			points = services.PointsDecimal
		}
		ui.showRubric(c, http.StatusOK, rubric, append(rows, newRubricRow(points)), rubricPage{})
		return
	}
	if errs != nil {
		ui.showRubric(c, http.StatusUnprocessableEntity, rubric, rows, rubricPage{Problems: rubricProblems(errs)})
		return
	}
	in, kept := rubricInput(rows)
	_, err = ui.svc.Rubrics.SetCourseRubric(ctx, actor, id, in)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kurse/%d/bewertung?erledigt=gespeichert", id))
		return
	}
	fieldErrs := rubricFieldErrors(err, kept)
	if fieldErrs == nil {
		ui.fail(c, err)
		return
	}
	ui.showRubric(c, http.StatusUnprocessableEntity, rubric, rows, rubricPage{Errors: fieldErrs, Problems: rubricProblems(fieldErrs)})
}

// readRubricRows reads the rows of the form in order, up to the first
// index that is missing.
func readRubricRows(c *gin.Context) []rubricRow {
	form := c.Request.PostForm
	var rows []rubricRow
	for i := range maxRubricRows {
		key := func(name string) string { return fmt.Sprintf("criteria[%d].%s", i, name) }
		if _, ok := form[key("name")]; !ok {
			break
		}
		rows = append(rows, rubricRow{Name: form.Get(key("name")), Description: form.Get(key("description")),
			Weight: form.Get(key("weight")), MaxPoints: form.Get(key("max_points")), Step: form.Get(key("step")),
			Remove: form.Get(key("remove")) == "1"})
	}
	return rows
}

// rubricInput is the rows to save, without the removed and the blank
// ones; kept[i] is the row of the form that criterion i came from. A
// weight that is no whole number goes as 0, which the service refuses as
// out of range.
func rubricInput(rows []rubricRow) (in []services.CriterionInput, kept []int) {
	for i, r := range rows {
		if r.Remove || r.blank() {
			continue
		}
		w, err := strconv.Atoi(strings.TrimSpace(r.Weight))
		if err != nil {
			w = 0
		}
		in = append(in, services.CriterionInput{Name: r.Name, Description: r.Description, Weight: w,
			MaxPoints: r.MaxPoints, Step: r.Step})
		kept = append(kept, i)
	}
	return in, kept
}

// rubricFieldErrors names each input of the form that a service error
// concerns: the service's criteria[1].step is the step of the form's row
// that criterion 1 came from. Any other error gives nil.
func rubricFieldErrors(err error, kept []int) formErrors {
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	errs := make(formErrors, 0, len(verr.Fields))
	for _, f := range verr.Fields {
		var k int
		var name string
		e := fieldError{Message: serviceMessage(f)}
		if n, _ := fmt.Sscanf(strings.Replace(f.Field, "].", "] ", 1), "criteria[%d] %s", &k, &name); n == 2 && k >= 0 && k < len(kept) {
			e.Field, e.Label = fmt.Sprintf("criteria[%d].%s", kept[k], name), rubricLabels[name]
		}
		errs = append(errs, e)
	}
	return errs
}

// rubricProblems lists the problems for the summary, each with its row.
func rubricProblems(errs formErrors) []rubricProblem {
	out := make([]rubricProblem, 0, len(errs))
	for _, e := range errs {
		p := rubricProblem{Field: e.Field, Label: e.Label, Message: e.Message}
		var i int
		if _, err := fmt.Sscanf(e.Field, "criteria[%d]", &i); err == nil {
			p.Row = i + 1
		}
		out = append(out, p)
	}
	return out
}
