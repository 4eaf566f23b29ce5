package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// projectGroupMember is one member of a group as the pages list them.
type projectGroupMember struct {
	Name      string
	Withdrawn bool
}

// projectGroupRow is one project group with its presenting session and members.
type projectGroupRow struct {
	ID           uint
	Name         string
	ProjectTitle string
	Summary      string
	// Session is the presenting session; nil when none is chosen.
	Session *sessionRow
	Members []projectGroupMember
}

func toProjectGroupRow(g services.GroupView, sessions []sessionRow) projectGroupRow {
	row := projectGroupRow{ID: g.ID, Name: g.Name, ProjectTitle: g.ProjectTitle, Summary: g.Summary}
	if g.SessionID != nil {
		for i := range sessions {
			if sessions[i].ID == *g.SessionID {
				row.Session = &sessions[i]
			}
		}
	}
	for _, m := range g.Members {
		row.Members = append(row.Members, projectGroupMember{Name: m.LastName + ", " + m.FirstName, Withdrawn: m.Withdrawn})
	}
	return row
}

// projectGroupForm is a group as its form sends it; an empty session means none.
type projectGroupForm struct {
	Name         string `form:"name" label:"groups_field_name"`
	ProjectTitle string `form:"project_title" label:"groups_field_project_title"`
	Summary      string `form:"summary" label:"groups_field_summary"`
	Session      string `form:"session_id" label:"groups_field_session"`
}

func toProjectGroupForm(g projectGroupRow) projectGroupForm {
	f := projectGroupForm{Name: g.Name, ProjectTitle: g.ProjectTitle, Summary: g.Summary}
	if g.Session != nil {
		f.Session = strconv.FormatUint(uint64(g.Session.ID), 10)
	}
	return f
}

// sessionID reads the chosen session: nil for none, and a field error for
// a value that is no session's number (only a forged form sends one).
func (f projectGroupForm) sessionID(r *formReader) *uint {
	if strings.TrimSpace(f.Session) == "" {
		return nil
	}
	n, err := strconv.ParseUint(f.Session, 10, 32)
	if err != nil || n == 0 {
		r.errs = append(r.errs, fieldError{Field: "session_id", Label: "groups_field_session", Message: codeMessage(services.CodeInvalid, nil)})
		return nil
	}
	id := uint(n)
	return &id
}

// projectGroupFields is what the part "group-fields" draws: the inputs of a
// group, with the cohort's sessions to present at, by day.
type projectGroupFields struct {
	Form     projectGroupForm
	Errors   formErrors
	Sessions []sessionRow
}

// memberCandidate is one person of the cohort as a member's check box.
type memberCandidate struct {
	EnrollmentID uint
	Name         string
	Withdrawn    bool
	// Other names the group the person is in, when it is not this one.
	Other   string
	Checked bool
}

// projectGroupsPage is a cohort's project groups and the form to add one.
type projectGroupsPage struct {
	Cohort cohortView
	Groups []projectGroupRow
	// People counts those enrolled who have not withdrawn; Grouped, those
	// of them in a group.
	People  int
	Grouped int
	New     projectGroupFields
	Notice  *message
	Problem *message
	// Open shows the form to add a group unfolded, as after a refusal.
	Open bool
}

// projectGroupPage edits one group: its fields, its members, its deletion.
type projectGroupPage struct {
	Cohort     cohortView
	Group      projectGroupRow
	Edit       projectGroupFields
	People     []memberCandidate
	MemberErrs formErrors
	Notice     *message
	Problem    *message
}

var projectGroupNotices = map[string]string{
	"angelegt":    "groups_created",
	"gespeichert": "groups_saved",
	"mitglieder":  "groups_members_saved",
	"geloescht":   "groups_deleted",
}

func projectGroupNotice(c *gin.Context) *message {
	if n, ok := projectGroupNotices[c.Query("erledigt")]; ok {
		return newMessage(n)
	}
	return nil
}

func (ui *UI) groupsPage(c *gin.Context) {
	if id, ok := ui.pathID(c); ok {
		ui.showGroups(c, http.StatusOK, id, projectGroupsPage{Notice: projectGroupNotice(c)})
	}
}

// showGroups reads the cohort's groups and renders their page around what
// page holds already.
func (ui *UI) showGroups(c *gin.Context, status int, id uint, page projectGroupsPage) {
	plan, err := ui.svc.Groups.Planning(c.Request.Context(), access.ActorOf(c), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	sessions := toSessionRows(plan.Sessions)
	page.Cohort = toCohortView(plan.Cohort)
	for _, g := range plan.Groups {
		page.Groups = append(page.Groups, toProjectGroupRow(g, sessions))
	}
	for _, p := range plan.People {
		if !p.Withdrawn {
			page.People++
			if p.GroupID != nil {
				page.Grouped++
			}
		}
	}
	page.New.Sessions = sessions
	ui.render(c, status, "groups", page)
}

func (ui *UI) createGroup(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form projectGroupForm
	errs, bound := ui.bindForm(c, &form)
	if !ok || !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	in := services.GroupInput{Name: form.Name, ProjectTitle: form.ProjectTitle, Summary: form.Summary, SessionID: form.sessionID(&r)}
	if r.errs == nil {
		g, err := ui.svc.Groups.CreateGroup(c.Request.Context(), access.ActorOf(c), id, in)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/gruppen/%d?erledigt=angelegt", id, g.ID))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showGroups(c, http.StatusConflict, id, projectGroupsPage{Problem: m})
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showGroups(c, http.StatusUnprocessableEntity, id, projectGroupsPage{New: projectGroupFields{Form: form, Errors: r.errs}, Open: true})
}

// pathGroup reads the cohort and the group of the path, and answers with
// the page that does not exist unless the group is one of the cohort's.
func (ui *UI) pathGroup(c *gin.Context) (cohortID, groupID uint, ok bool) {
	if cohortID, ok = ui.pathID(c); !ok {
		return 0, 0, false
	}
	if groupID, ok = ui.pathNumber(c, "group"); !ok {
		return 0, 0, false
	}
	g, err := ui.svc.Groups.GetGroup(c.Request.Context(), access.ActorOf(c), groupID)
	if err == nil && g.CohortID != cohortID {
		err = services.ErrNotFound
	}
	if err != nil {
		ui.fail(c, err)
		return 0, 0, false
	}
	return cohortID, groupID, true
}

func (ui *UI) groupPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	if gid, ok := ui.pathNumber(c, "group"); ok {
		ui.showGroup(c, http.StatusOK, id, gid, projectGroupPage{Notice: projectGroupNotice(c)}, nil)
	}
}

// showGroup reads the cohort's groups and people and renders the page of
// one group around what page holds already. checked, when not nil, is the
// members as the refused form sent them, to be ticked again.
func (ui *UI) showGroup(c *gin.Context, status int, cohortID, groupID uint, page projectGroupPage, checked map[uint]bool) {
	plan, err := ui.svc.Groups.Planning(c.Request.Context(), access.ActorOf(c), cohortID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	sessions := toSessionRows(plan.Sessions)
	found := false
	for _, g := range plan.Groups {
		if g.ID == groupID {
			page.Group, found = toProjectGroupRow(g, sessions), true
		}
	}
	if !found {
		ui.NotFound(c)
		return
	}
	page.Cohort = toCohortView(plan.Cohort)
	if page.Edit.Errors == nil {
		page.Edit.Form = toProjectGroupForm(page.Group)
	}
	page.Edit.Sessions = sessions
	for _, p := range plan.People {
		in := p.GroupID != nil && *p.GroupID == groupID
		cand := memberCandidate{EnrollmentID: p.EnrollmentID, Name: p.LastName + ", " + p.FirstName, Withdrawn: p.Withdrawn, Checked: in}
		if p.GroupID != nil && !in {
			cand.Other = p.GroupName
		}
		if checked != nil {
			cand.Checked = checked[p.EnrollmentID]
		}
		page.People = append(page.People, cand)
	}
	ui.render(c, status, "groups_edit", page)
}

func (ui *UI) updateGroup(c *gin.Context) {
	id, gid, ok := ui.pathGroup(c)
	if !ok {
		return
	}
	var form projectGroupForm
	errs, bound := ui.bindForm(c, &form)
	if !bound {
		return
	}
	r := formReader{form: &form, errs: errs}
	p := services.GroupPatch{Name: &form.Name, ProjectTitle: &form.ProjectTitle, Summary: &form.Summary, SessionID: form.sessionID(&r)}
	p.ClearSession = p.SessionID == nil
	if r.errs == nil {
		_, err := ui.svc.Groups.PatchGroup(c.Request.Context(), access.ActorOf(c), gid, p)
		if err == nil {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/gruppen/%d?erledigt=gespeichert", id, gid))
			return
		}
		if m := invalidAction(err); m != nil {
			ui.showGroup(c, http.StatusConflict, id, gid, projectGroupPage{Problem: m}, nil)
			return
		}
		if r.errs = serviceFieldErrors(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showGroup(c, http.StatusUnprocessableEntity, id, gid, projectGroupPage{Edit: projectGroupFields{Form: form, Errors: r.errs}}, nil)
}

// groupMembersForm is the ticked check boxes of the cohort's people.
type groupMembersForm struct {
	Members []uint `form:"mitglied" binding:"dive,min=1,max=2147483647"`
}

// setGroupMembers makes the ticked people the group's members. A refusal
// names each person who cannot join, ticks the boxes as they were sent,
// and changes nothing.
func (ui *UI) setGroupMembers(c *gin.Context) {
	id, gid, ok := ui.pathGroup(c)
	if !ok {
		return
	}
	var form groupMembersForm
	if !ui.bindChoice(c, &form) {
		return
	}
	_, err := ui.svc.Groups.SetMembers(c.Request.Context(), access.ActorOf(c), gid, form.Members)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/gruppen/%d?erledigt=mitglieder#mitglieder", id, gid))
		return
	}
	checked := make(map[uint]bool, len(form.Members))
	for _, m := range form.Members {
		checked[m] = true
	}
	var verr *services.ValidationError
	switch {
	case errors.As(err, &verr) && len(verr.Fields) > 0:
		ui.showGroup(c, http.StatusUnprocessableEntity, id, gid, projectGroupPage{MemberErrs: groupMemberErrors(verr, form.Members)}, checked)
	case invalidAction(err) != nil:
		ui.showGroup(c, http.StatusConflict, id, gid, projectGroupPage{Problem: invalidAction(err)}, checked)
	default:
		ui.fail(c, err)
	}
}

// groupMemberErrors links each refusal to the check box of the person it names:
// the service names the entry of the list sent, enrollment_ids[2].
func groupMemberErrors(verr *services.ValidationError, sent []uint) formErrors {
	errs := make(formErrors, 0, len(verr.Fields))
	for _, f := range verr.Fields {
		e := fieldError{Message: serviceMessage(f)}
		var i int
		if _, err := fmt.Sscanf(f.Field, "enrollment_ids[%d]", &i); err == nil && i >= 0 && i < len(sent) {
			e.Field, e.Label = fmt.Sprintf("mitglied-%d", sent[i]), "groups_field_members"
		}
		errs = append(errs, e)
	}
	return errs
}

// deleteGroup removes a group after the confirmation the page asks for.
func (ui *UI) deleteGroup(c *gin.Context) {
	id, gid, ok := ui.pathGroup(c)
	if !ok {
		return
	}
	err := ui.svc.Groups.DeleteGroup(c.Request.Context(), access.ActorOf(c), gid)
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/kohorten/%d/gruppen?erledigt=geloescht", id))
		return
	}
	if m := invalidAction(err); m != nil {
		ui.showGroup(c, http.StatusConflict, id, gid, projectGroupPage{Problem: m}, nil)
		return
	}
	ui.fail(c, err)
}
