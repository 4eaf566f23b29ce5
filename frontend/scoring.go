package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/errhttp"
	"kohorte/models"
	"kohorte/services"
)

// The juror's pages: their cohorts, the groups of one cohort, and the
// scoring sheet of one group, which saves drafts as the juror types
// (static/scoring.js) and without JavaScript by posting the form.

// scoringMaxChoices is the most point values a criterion offers as buttons;
// a criterion with more (say 0 to 100 in whole points) gets a field to
// type into.
const scoringMaxChoices = 21

// jurorPoints writes hundredths as the reader's language writes decimals:
// "7,5" in German, "7.5" in English.
func jurorPoints(lang string, h int) string {
	if lang == "de" {
		return services.FormatPoints(h)
	}
	return services.PointsDecimal(h)
}

// scoringCohortRow is one cohort on the juror's list.
type scoringCohortRow struct {
	ID                        uint
	Name                      string
	Course                    string
	Open, Released            bool
	Groups, Drafts, Submitted int
	// Untouched counts the groups without a sheet of the juror's yet.
	Untouched int
}

type scoringCohortsPage struct {
	Cohorts []scoringCohortRow
}

// scoringCohortsPage lists the cohorts the juror is appointed to, with how far they
// have scored each; the service lists no other cohort.
func (ui *UI) scoringCohortsPage(c *gin.Context) {
	cs, err := ui.svc.Scoring.MyCohorts(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := scoringCohortsPage{Cohorts: make([]scoringCohortRow, len(cs))}
	for i, jc := range cs {
		page.Cohorts[i] = scoringCohortRow{ID: jc.Cohort.ID, Name: jc.Cohort.Name, Open: jc.Open, Released: jc.Released,
			Groups: jc.Groups, Drafts: jc.Drafts, Submitted: jc.Submitted,
			Untouched: max(0, jc.Groups-jc.Drafts-jc.Submitted)}
		if jc.Cohort.Course != nil {
			page.Cohorts[i].Course = jc.Cohort.Course.Title
		}
	}
	ui.render(c, http.StatusOK, "scoring_cohorts", page)
}

// scoringGroupRow is one group a juror may score.
type scoringGroupRow struct {
	ID           uint
	Name         string
	ProjectTitle string
	State        services.SheetState
}

type scoringGroupsPage struct {
	Cohort   cohortView
	Open     bool
	Released bool
	Groups   []scoringGroupRow
	Notice   *message
	Problem  *message
	// Declare, Reason and ReasonError are the conflict form as sent, to
	// show again with its problem.
	Declare     uint
	Reason      string
	ReasonError *message
}

// scoringGroupsPage lists the groups of a cohort that the juror may score,
// each with their sheet's state, and a form to declare a conflict of
// interest. Conflicted groups are not listed: the service leaves them out.
func (ui *UI) scoringGroupsPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var notice *message
	if c.Query("erledigt") == "befangen" {
		notice = newMessage("scoring_conflict_declared")
	}
	ui.showScoringGroups(c, http.StatusOK, id, scoringGroupsPage{Notice: notice})
}

func (ui *UI) showScoringGroups(c *gin.Context, status int, id uint, page scoringGroupsPage) {
	v, err := ui.svc.Scoring.View(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.Cohort, page.Open, page.Released = toCohortView(v.Cohort), v.Open, v.Released
	for _, g := range v.Groups {
		page.Groups = append(page.Groups, scoringGroupRow{ID: g.Group.ID, Name: g.Group.Name,
			ProjectTitle: g.Group.ProjectTitle, State: g.Own.State})
	}
	ui.render(c, status, "scoring_groups", page)
}

type scoringConflictForm struct {
	Group  uint   `form:"group" binding:"required,min=1,max=2147483647"`
	Reason string `form:"reason" binding:"max=1000" label:"scoring_conflict_reason"`
}

// declareOwnConflict records the juror's own conflict of interest with a
// group of the cohort; the group then leaves their list for good.
func (ui *UI) declareOwnConflict(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var form scoringConflictForm
	errs, ok := ui.bindFormMax(c, &form, maxReasonFormBytes)
	if !ok {
		return
	}
	if form.Group == 0 {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	if strings.TrimSpace(form.Reason) == "" {
		// The page asks for a reason, which the API leaves optional; blanks
		// are none.
		errs = append(errs, fieldError{Field: "reason", Label: "scoring_conflict_reason", Message: newMessage("ErrRequired")})
	}
	if len(errs) > 0 {
		ui.showScoringGroups(c, http.StatusUnprocessableEntity, id,
			scoringGroupsPage{ReasonError: errs[0].Message, Declare: form.Group, Reason: form.Reason})
		return
	}
	_, err := ui.svc.Jury.DeclareConflictIn(c.Request.Context(), access.ActorOf(c), id, form.Group, form.Reason)
	var verr *services.ValidationError
	var refusal *services.Refusal
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/jury/kohorten/%d?erledigt=befangen", id))
	case errors.As(err, &verr) && len(verr.Fields) > 0:
		ui.showScoringGroups(c, http.StatusUnprocessableEntity, id,
			scoringGroupsPage{ReasonError: serviceMessage(verr.Fields[0]), Declare: form.Group, Reason: form.Reason})
	case errors.As(err, &refusal) && !errors.Is(err, services.ErrNotFound) && !errors.Is(err, services.ErrForbidden):
		ui.showScoringGroups(c, http.StatusConflict, id, scoringGroupsPage{Problem: refusalMessage(err)})
	default:
		ui.fail(c, err)
	}
}

// scoringChoice is one value a criterion's points can take, as a button.
type scoringChoice struct {
	// Value is sent by the form, with a decimal point; Label is shown.
	Value, Label string
	Checked      bool
}

// scoringCriterion is one criterion of the sheet with the juror's points.
type scoringCriterion struct {
	ID          uint
	Name        string
	Description string
	Weight      int
	Max, Step   string
	// Choices are the values from 0 to the maximum in steps, after one
	// for "no points yet"; nil when there are too many, and then Value is
	// what the field to type into holds.
	Choices []scoringChoice
	Value   string
	// Points is the juror's points as the read-only sheet shows them,
	// "–" for none.
	Points string
	Error  *message
}

// scoringOtherSheet is another juror's submitted sheet, without their name.
type scoringOtherSheet struct {
	Number  int
	Points  []scoringOtherPoints
	Comment string
}

// scoringOtherPoints is another juror's points for one criterion.
type scoringOtherPoints struct {
	Criterion   string
	Points, Max string
}

// scoringProblem is one problem of the sheet in the list at its top,
// linked to its input.
type scoringProblem struct {
	// Criterion names the criterion; empty for the comment, whose label
	// the list shows.
	Criterion string
	Anchor    string
	Message   *message
}

type scoringSheetPage struct {
	Cohort       cohortView
	GroupID      uint
	Group        string
	ProjectTitle string
	Summary      string
	Open         bool
	State        services.SheetState
	SubmittedAt  *time.Time
	Revision     int
	Criteria     []scoringCriterion
	Comment      string
	CommentError *message
	MaxComment   int
	Others       []scoringOtherSheet
	// StorageKey names the browser's copy of the draft: one per juror and
	// group, so that two jurors sharing a phone do not mix theirs.
	StorageKey string
	Notice     *message
	// Problem refuses the sheet as a whole; Problems list the problems of
	// its inputs.
	Problem  *message
	Problems []scoringProblem
}

// Editable tells whether the juror can still change the sheet.
func (p scoringSheetPage) Editable() bool { return p.Open && p.State != services.SheetSubmitted }

// scoringSheetPage is the sheet of one group for the juror: points per
// criterion, a comment, and once submitted the sheet read-only with the
// other jurors' submitted sheets. A group of another cohort or one the
// juror declared a conflict with is not found.
func (ui *UI) scoringSheetPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var notice *message
	switch c.Query("erledigt") {
	case "gespeichert":
		notice = newMessage("scoring_saved_notice")
	case "abgegeben":
		notice = newMessage("scoring_submitted_notice")
	}
	ui.showScoringSheet(c, http.StatusOK, id, scoringEntry{}, scoringSheetPage{Notice: notice})
}

// scoringEntry is a sheet as the form sent it: the text of each
// criterion's points by criterion id, and the comment. A nil Points
// shows the stored sheet.
type scoringEntry struct {
	Points  map[uint]string
	Comment string
	// Order lists the criteria whose points went to the service, in the
	// order sent: the service names an entry by its index.
	Order []uint
	// Errors are the problems by criterion id.
	Errors map[uint]*message
}

func (ui *UI) showScoringSheet(c *gin.Context, status int, groupID uint, entry scoringEntry, page scoringSheetPage) {
	actor := access.ActorOf(c)
	v, err := ui.svc.Scoring.GroupView(c.Request.Context(), actor, groupID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	lang := ui.langOf(c.Request)
	g := v.Groups[0]
	page.Cohort, page.Open = toCohortView(v.Cohort), v.Open
	page.GroupID, page.Group, page.ProjectTitle, page.Summary = g.Group.ID, g.Group.Name, g.Group.ProjectTitle, g.Group.Summary
	page.State, page.Revision, page.Comment = g.Own.State, g.Own.Sheet.Revision, g.Own.Sheet.Comment
	page.SubmittedAt = g.Own.Sheet.SubmittedAt
	page.MaxComment = services.MaxSheetComment
	page.StorageKey = fmt.Sprintf("kohorte-sheet-%d-%d", actor.UserID, groupID)
	if entry.Points != nil {
		page.Comment = entry.Comment
	}
	for _, cr := range v.Rubric {
		cv := toScoringCriterion(lang, cr, g.Own, entry)
		page.Criteria = append(page.Criteria, cv)
		if cv.Error != nil {
			page.Problems = append(page.Problems, scoringProblem{Criterion: cr.Name, Anchor: fmt.Sprintf("points_%d", cr.ID), Message: cv.Error})
		}
	}
	if page.CommentError != nil {
		page.Problems = append(page.Problems, scoringProblem{Anchor: "comment", Message: page.CommentError})
	}
	for i, o := range g.Others {
		page.Others = append(page.Others, toScoringOtherSheet(lang, i+1, v.Rubric, o))
	}
	ui.render(c, status, "scoring", page)
}

// toScoringCriterion is one criterion of the juror's sheet: the points
// stored, or those the form sent when entry holds them.
func toScoringCriterion(lang string, cr models.RubricCriterion, own services.SheetView, entry scoringEntry) scoringCriterion {
	cv := scoringCriterion{ID: cr.ID, Name: cr.Name, Description: cr.Description, Weight: cr.Weight,
		Max: jurorPoints(lang, cr.MaxPoints), Step: jurorPoints(lang, cr.Step), Points: "–", Error: entry.Errors[cr.ID]}
	chosen, has := own.Points[cr.ID]
	if has {
		cv.Points, cv.Value = jurorPoints(lang, chosen), jurorPoints(lang, chosen)
	}
	if entry.Points != nil {
		cv.Value = entry.Points[cr.ID]
		chosen, has = services.ParsePoints(cv.Value)
	}
	if cr.Step <= 0 || cr.MaxPoints/cr.Step+1 > scoringMaxChoices {
		return cv
	}
	cv.Choices = append(cv.Choices, scoringChoice{Label: "–", Checked: !has})
	for p := 0; p <= cr.MaxPoints; p += cr.Step {
		cv.Choices = append(cv.Choices, scoringChoice{Value: services.PointsDecimal(p), Label: jurorPoints(lang, p),
			Checked: has && p == chosen})
	}
	return cv
}

// toScoringOtherSheet is another juror's submitted sheet, numbered and
// without their name.
func toScoringOtherSheet(lang string, number int, rubric []models.RubricCriterion, o services.SheetView) scoringOtherSheet {
	ov := scoringOtherSheet{Number: number, Comment: o.Sheet.Comment}
	for _, cr := range rubric {
		op := scoringOtherPoints{Criterion: cr.Name, Points: "–", Max: jurorPoints(lang, cr.MaxPoints)}
		if p, ok := o.Points[cr.ID]; ok {
			op.Points = jurorPoints(lang, p)
		}
		ov.Points = append(ov.Points, op)
	}
	return ov
}

// scoringForm is the sheet's comment; the points come as points_<criterion
// id>, one input per criterion, and are read from the form as a whole.
type scoringForm struct {
	Comment string `form:"comment" label:"scoring_comment"`
}

// scoringFormBytes leaves room for a comment of 4,000 characters,
// percent-encoded, and twenty criteria.
const scoringFormBytes = 64 << 10

// readScoreSheet reads the posted sheet. Points that are no number are
// problems of their criterion, as entry.Errors; the form's own problems
// are put on the page. ok is false when the request was answered.
func (ui *UI) readScoreSheet(c *gin.Context, page *scoringSheetPage) (in services.SheetInput, entry scoringEntry, ok bool) {
	var form scoringForm
	errs, ok := ui.bindFormMax(c, &form, scoringFormBytes)
	if !ok {
		return in, entry, false
	}
	entry = scoringEntry{Points: map[uint]string{}, Comment: form.Comment, Errors: map[uint]*message{}}
	for _, e := range errs {
		if e.Field == "comment" {
			page.CommentError = e.Message
		} else {
			page.Problem = e.Message
		}
	}
	in.Comment = form.Comment
	names := make([]string, 0, len(c.Request.PostForm))
	for name := range c.Request.PostForm {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		raw, found := strings.CutPrefix(name, "points_")
		if !found {
			continue
		}
		id, err := strconv.ParseUint(raw, 10, 32)
		if err != nil || id == 0 {
			ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
			return in, entry, false
		}
		text := strings.TrimSpace(c.Request.PostForm.Get(name))
		entry.Points[uint(id)] = text
		if text == "" {
			continue
		}
		h, valid := services.ParsePoints(text)
		if !valid {
			entry.Errors[uint(id)] = codeMessage(services.CodeRubricPointsInvalid, nil)
			continue
		}
		in.Points = append(in.Points, services.PointsEntry{CriterionID: uint(id), Points: h})
		entry.Order = append(entry.Order, uint(id))
	}
	return in, entry, true
}

// saveScoreSheet stores the posted sheet as a draft: the page's form without
// JavaScript, which with it saves through the API as the juror types.
func (ui *UI) saveScoreSheet(c *gin.Context) {
	ui.postScoreSheet(c, false)
}

// submitScoreSheet stores the posted sheet and submits it, which locks it.
// The form sends what is on the screen, so nothing typed since the last
// save is lost; when the service refuses to submit, the draft is kept.
func (ui *UI) submitScoreSheet(c *gin.Context) {
	ui.postScoreSheet(c, true)
}

func (ui *UI) postScoreSheet(c *gin.Context, submit bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page scoringSheetPage
	in, entry, ok := ui.readScoreSheet(c, &page)
	if !ok {
		return
	}
	if page.CommentError != nil || page.Problem != nil || len(entry.Errors) > 0 {
		ui.showScoringSheet(c, http.StatusUnprocessableEntity, id, entry, page)
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	_, err := ui.svc.Scoring.SaveDraft(ctx, actor, id, in)
	done := "gespeichert"
	if err == nil && submit {
		_, err = ui.svc.Scoring.Submit(ctx, actor, id)
		done = "abgegeben"
	}
	if err != nil {
		ui.scoringRefused(c, id, entry, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/jury/gruppen/%d?erledigt=%s", id, done))
}

// scoringRefused shows the posted sheet again with the service's refusal:
// a problem of points with their criterion, named by the index of the
// entry sent, or of the comment; a refusal of the whole sheet at the top.
// A group the juror may not score is not found.
func (ui *UI) scoringRefused(c *gin.Context, id uint, entry scoringEntry, err error) {
	var verr *services.ValidationError
	var refusal *services.Refusal
	var page scoringSheetPage
	switch {
	case errors.As(err, &verr):
		for _, f := range verr.Fields {
			var i int
			if _, e := fmt.Sscanf(f.Field, "points[%d]", &i); e == nil && i >= 0 && i < len(entry.Order) {
				entry.Errors[entry.Order[i]] = serviceMessage(f)
			} else {
				page.CommentError = serviceMessage(f)
			}
		}
		ui.showScoringSheet(c, http.StatusUnprocessableEntity, id, entry, page)
	case errors.As(err, &refusal) && !errors.Is(err, services.ErrNotFound) && !errors.Is(err, services.ErrForbidden):
		page.Problem = refusalMessage(err)
		ui.showScoringSheet(c, errhttp.Status(err), id, entry, page)
	default:
		ui.fail(c, err)
	}
}
