package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/errhttp"
	"kohorte/models"
	"kohorte/services"
)

// jurySettingsForm is the jury's settings as their form sends them; the
// spread limit binds as text so that a word is named, not refused.
type jurySettingsForm struct {
	Aggregation    string `form:"aggregation" label:"jury_field_aggregation"`
	SpreadLimit    string `form:"spread_limit" label:"jury_field_spread_limit"`
	ShowJurorNames string `form:"show_juror_names" label:"jury_field_show_names"`
}

func toJurySettingsForm(j models.CohortJury) jurySettingsForm {
	f := jurySettingsForm{Aggregation: string(j.Aggregation), SpreadLimit: strconv.Itoa(j.SpreadLimit)}
	if j.ShowJurorNames {
		f.ShowJurorNames = "1"
	}
	return f
}

// conflictForm records a conflict of interest: which juror, which group,
// and why.
type conflictForm struct {
	User   uint   `form:"user_id" binding:"required,min=1,max=2147483647"`
	Group  uint   `form:"group_id" binding:"required,min=1,max=2147483647"`
	Reason string `form:"reason" label:"jury_field_reason"`
}

// jurorRow is one appointed juror.
type jurorRow struct {
	UserID    uint
	Name      string
	Email     string
	Submitted int
	Disabled  bool
}

// conflictRow is one recorded conflict of interest.
type conflictRow struct {
	GroupID      uint
	GroupName    string
	UserID       uint
	JurorName    string
	Reason       string
	SelfDeclared bool
	CreatedAt    time.Time
}

// criterionRow is one criterion of the rubric, its points as staff read
// them.
type criterionRow struct {
	Name      string
	Weight    int
	MaxPoints string
	Step      string
}

type juryPage struct {
	Cohort       cohortView
	Settings     jurySettingsForm
	SettingsErrs formErrors
	Aggregations []option
	OpenSince    *time.Time
	Released     bool
	Jurors       []jurorRow
	Candidates   []option
	JurorOptions []option
	Groups       []option
	Conflicts    []conflictRow
	Conflict     conflictForm
	ConflictErrs formErrors
	Rubric       []criterionRow
	Notice       *message
	Problem      *message
}

var juryNotices = map[string]string{
	"gespeichert":           "jury_notice_saved",
	"berufen":               "jury_notice_appointed",
	"abberufen":             "jury_notice_removed",
	"befangenheit":          "jury_notice_conflict_added",
	"befangenheit-entfernt": "jury_notice_conflict_removed",
	"geoeffnet":             "jury_notice_opened",
}

// juryPage shows a cohort's jury: its settings, jurors, conflicts of
// interest and rubric, and whether scoring is open.
func (ui *UI) juryPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page juryPage
	if n, ok := juryNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(n)
	}
	ui.showJury(c, http.StatusOK, id, page)
}

// showJury loads the jury and renders the page around what page holds
// already: a form sent back with its errors keeps its values.
func (ui *UI) showJury(c *gin.Context, status int, id uint, page juryPage) {
	v, err := ui.svc.Jury.GetJury(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort = toCohortView(v.Cohort)
	if page.SettingsErrs == nil {
		page.Settings = toJurySettingsForm(v.Settings)
	}
	page.Aggregations = []option{{Value: string(models.AggregateMean)}, {Value: string(models.AggregateMedian)}}
	page.OpenSince, page.Released = v.Settings.ScoringOpenAt, v.Settings.ReleasedAt != nil
	for _, j := range v.Jurors {
		page.Jurors = append(page.Jurors, jurorRow{UserID: j.UserID, Name: j.DisplayName, Email: j.Email,
			Submitted: j.Submitted, Disabled: j.Status != models.UserActive})
		page.JurorOptions = append(page.JurorOptions, option{Value: strconv.FormatUint(uint64(j.UserID), 10), Label: j.DisplayName})
	}
	for _, u := range v.Candidates {
		page.Candidates = append(page.Candidates, option{Value: strconv.FormatUint(uint64(u.ID), 10), Label: u.DisplayName + " (" + u.Email + ")"})
	}
	for _, g := range v.Groups {
		page.Groups = append(page.Groups, option{Value: strconv.FormatUint(uint64(g.ID), 10), Label: g.Name})
	}
	for _, cf := range v.Conflicts {
		page.Conflicts = append(page.Conflicts, conflictRow{GroupID: cf.GroupID, GroupName: cf.GroupName, UserID: cf.UserID,
			JurorName: cf.JurorName, Reason: cf.Reason, SelfDeclared: cf.SelfDeclared, CreatedAt: cf.CreatedAt})
	}
	points := ui.pointsFormatter(c)
	for _, cr := range v.Rubric {
		page.Rubric = append(page.Rubric, criterionRow{Name: cr.Name, Weight: cr.Weight, MaxPoints: points(cr.MaxPoints), Step: points(cr.Step)})
	}
	ui.render(c, status, "jury_staff", page)
}

// pointsFormatter writes hundredths of points as the page's language
// does: "7,5" or "7.5".
func (ui *UI) pointsFormatter(c *gin.Context) func(int) string {
	if ui.langOf(c.Request) == "en" {
		return services.PointsDecimal
	}
	return services.FormatPoints
}

// juryProblem shows a refused change on the jury page, or fails the
// request for any other error. Nothing was written: the service refuses
// before it writes.
func (ui *UI) juryProblem(c *gin.Context, id uint, err error, page juryPage) {
	var verr *services.ValidationError
	var refusal *services.Refusal
	switch {
	case errors.As(err, &verr) && len(verr.Fields) > 0:
		page.Problem = serviceMessage(verr.Fields[0])
		ui.showJury(c, http.StatusUnprocessableEntity, id, page)
	case errors.As(err, &refusal) && !errors.Is(err, services.ErrNotFound) && !errors.Is(err, services.ErrForbidden):
		page.Problem = refusalMessage(err)
		ui.showJury(c, errhttp.Status(err), id, page)
	default:
		ui.fail(c, err)
	}
}

func juryDone(c *gin.Context, id uint, done, anchor string) {
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/jury?erledigt=%s#%s", id, done, anchor))
}

// saveJurySettings changes how results are aggregated and flagged and
// whether groups see the jurors' names.
func (ui *UI) saveJurySettings(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form jurySettingsForm
	errs, bound := ui.bindForm(c, &form)
	if !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	show := form.ShowJurorNames == "1"
	patch := services.JurySettingsPatch{Aggregation: &form.Aggregation, SpreadLimit: r.optional("spread_limit", form.SpreadLimit),
		ShowJurorNames: &show}
	if patch.SpreadLimit == nil && r.errs.For("spread_limit") == nil {
		r.errs = append(r.errs, fieldError{Field: "spread_limit", Label: "jury_field_spread_limit", Message: codeMessage(services.CodeRequired, nil)})
	}
	var err error
	if r.errs == nil {
		_, err = ui.svc.Jury.UpdateSettings(c.Request.Context(), access.ActorOf(c), id, patch)
	}
	if errs := r.errs.check(&form, err); errs != nil {
		ui.showJury(c, http.StatusUnprocessableEntity, id, juryPage{Settings: form, SettingsErrs: errs})
		return
	}
	if err != nil {
		ui.juryProblem(c, id, err, juryPage{})
		return
	}
	juryDone(c, id, "gespeichert", "einstellungen")
}

// appointJuror appoints an account with the role juror chosen from the
// list.
func (ui *UI) appointJuror(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form struct {
		User uint `form:"user_id" binding:"required,min=1,max=2147483647"`
	}
	if !ui.bindChoice(c, &form) {
		return
	}
	if _, err := ui.svc.Jury.AppointJuror(c.Request.Context(), access.ActorOf(c), id, form.User); err != nil {
		ui.juryProblem(c, id, err, juryPage{})
		return
	}
	juryDone(c, id, "berufen", "jurorinnen")
}

// removeJuror ends an appointment; the service refuses once the juror has
// submitted a sheet in the cohort.
func (ui *UI) removeJuror(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	user, ok := ui.pathNumber(c, "user")
	if !ok {
		return
	}
	if err := ui.svc.Jury.RemoveJuror(c.Request.Context(), access.ActorOf(c), id, user); err != nil {
		ui.juryProblem(c, id, err, juryPage{})
		return
	}
	juryDone(c, id, "abberufen", "jurorinnen")
}

// addConflict records that a juror has a conflict of interest with a
// group, with the reason.
func (ui *UI) addConflict(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form conflictForm
	errs, ok := ui.bindFormMax(c, &form, maxReasonFormBytes)
	if !ok {
		return
	}
	if errs.For("user_id") != nil || errs.For("group_id") != nil {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	if err := ui.svc.Jury.GroupInCohort(c.Request.Context(), access.ActorOf(c), id, form.Group); err != nil {
		ui.juryProblem(c, id, err, juryPage{Conflict: form})
		return
	}
	var err error
	if errs == nil {
		_, err = ui.svc.Jury.AddConflict(c.Request.Context(), access.ActorOf(c), form.Group, form.User, form.Reason)
	}
	if errs := errs.check(&form, err); errs != nil {
		ui.showJury(c, http.StatusUnprocessableEntity, id, juryPage{Conflict: form, ConflictErrs: errs})
		return
	}
	if err != nil {
		ui.juryProblem(c, id, err, juryPage{Conflict: form})
		return
	}
	juryDone(c, id, "befangenheit", "befangenheiten")
}

// removeConflict deletes a recorded conflict of interest.
func (ui *UI) removeConflict(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form struct {
		User  uint `form:"user_id" binding:"required,min=1,max=2147483647"`
		Group uint `form:"group_id" binding:"required,min=1,max=2147483647"`
	}
	if !ui.bindChoice(c, &form) {
		return
	}
	err := ui.svc.Jury.GroupInCohort(c.Request.Context(), access.ActorOf(c), id, form.Group)
	if err == nil {
		err = ui.svc.Jury.RemoveConflict(c.Request.Context(), access.ActorOf(c), form.Group, form.User)
	}
	if err != nil {
		ui.juryProblem(c, id, err, juryPage{})
		return
	}
	juryDone(c, id, "befangenheit-entfernt", "befangenheiten")
}

// openScoring freezes the cohort's copy of the course's rubric and lets
// the jurors score; the service says what is missing first.
func (ui *UI) openScoring(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	if _, err := ui.svc.Jury.OpenScoring(c.Request.Context(), access.ActorOf(c), id); err != nil {
		ui.juryProblem(c, id, err, juryPage{})
		return
	}
	juryDone(c, id, "geoeffnet", "bewertung")
}
