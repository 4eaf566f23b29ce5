package frontend

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// userView is a user as the pages show them; never the password hash.
type userView struct {
	ID        uint
	Name      string
	Email     string
	Role      models.Role
	Status    models.UserStatus
	Active    bool
	LastLogin *time.Time
	CreatedAt time.Time
	// Invited is set while the person has not yet set a password.
	Invited bool
}

func toUserView(u models.User) userView {
	return userView{ID: u.ID, Name: u.DisplayName, Email: u.Email, Role: u.Role, Status: u.Status,
		Active: u.Status == models.UserActive, LastLogin: u.LastLoginAt, CreatedAt: u.CreatedAt,
		Invited: u.PasswordHash == ""}
}

// assignable lists the roles actor may give, most powerful first. It
// repeats the rule of the services only to offer the right choices; the
// services still decide: staff manage jurors and participants, only admins
// manage staff and admins.
func assignable(actor services.Actor) []models.Role {
	if actor.Is(models.RoleAdmin) {
		return models.Roles
	}
	return []models.Role{models.RoleJuror, models.RoleParticipant}
}

type userQuery struct {
	Search string `form:"suche"`
	Role   string `form:"rolle"`
	Status string `form:"status"`
	Page   int    `form:"seite"`
}

type usersPage struct {
	Query    userQuery
	Roles    []models.Role
	Statuses []models.UserStatus
	Users    []userView
	Pager    pager
	// Requests are the open "Passwort vergessen" requests, until e-mail
	// answers them.
	Requests []resetRequestRow
}

// resetRequestRow is a person waiting for a password link.
type resetRequestRow struct {
	User        userView
	RequestedAt time.Time
}

func (ui *UI) usersPage(c *gin.Context) {
	var q userQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	users, total, err := ui.svc.Users.ListUsers(ctx, actor, services.UserFilter{
		Search: q.Search, Role: models.Role(q.Role), Status: models.UserStatus(q.Status), Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	requests, err := ui.svc.Users.ResetRequests(ctx, actor)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := usersPage{Query: q, Roles: models.Roles, Statuses: []models.UserStatus{models.UserActive, models.UserDisabled},
		Pager: newPager("/benutzer", url.Values{"suche": {q.Search}, "rolle": {q.Role}, "status": {q.Status}}, q.Page, total)}
	for _, u := range users {
		page.Users = append(page.Users, toUserView(u))
	}
	for _, r := range requests {
		page.Requests = append(page.Requests, resetRequestRow{User: toUserView(r.User), RequestedAt: r.RequestedAt})
	}
	ui.render(c, http.StatusOK, "users", page)
}

type inviteForm struct {
	// The service checks every field, so that all problems show at once.
	Email       string `form:"email" label:"FieldEmail"`
	DisplayName string `form:"display_name" label:"FieldDisplayName"`
	Role        string `form:"role" label:"FieldRole"`
}

type invitePage struct {
	Form   inviteForm
	Roles  []models.Role
	Errors formErrors
}

// invitedPage shows the one-time link once; Kohorte keeps only its hash.
type invitedPage struct {
	User userView
	Link passwordLink
}

// passwordLink is a link to the page where a person sets their password.
type passwordLink struct {
	URL     string
	Expires time.Time
}

func (ui *UI) invitePage(c *gin.Context) {
	ui.render(c, http.StatusOK, "invite", invitePage{Form: inviteForm{Role: string(models.RoleParticipant)},
		Roles: assignable(access.ActorOf(c))})
}

func (ui *UI) invite(c *gin.Context) {
	var form inviteForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	status := http.StatusUnprocessableEntity
	in := services.InviteInput{Email: form.Email, DisplayName: form.DisplayName, Role: models.Role(form.Role)}
	if errs != nil {
		errs = errs.check(&form, in.Check())
	} else {
		inv, err := ui.svc.Users.Invite(c.Request.Context(), access.ActorOf(c), in)
		if err == nil {
			ui.render(c, http.StatusOK, "invited", invitedPage{User: toUserView(inv.User),
				Link: newPasswordLink(c, inv.Token, inv.ExpiresAt)})
			return
		}
		if status, errs = inviteErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, status, "invite", invitePage{Form: form, Roles: assignable(access.ActorOf(c)), Errors: errs})
}

// inviteErrors shows a taken address at its field; other errors that the
// form can show are validation errors.
func inviteErrors(form *inviteForm, err error) (int, formErrors) {
	if errors.Is(err, services.ErrConflict) {
		return http.StatusConflict, formErrors{{Field: "email", Label: "FieldEmail", Message: newMessage("ErrEmailTaken")}}
	}
	return http.StatusUnprocessableEntity, serviceFieldErrors(form, err)
}

// newPasswordLink builds the link in the format of the JSON API, which
// hands out the same links, at Kohorte's public address.
func newPasswordLink(c *gin.Context, token string, expires time.Time) passwordLink {
	return passwordLink{URL: access.PublicURL(c, "/passwort-setzen?token="+url.QueryEscape(token)), Expires: expires}
}

// userPage is the page of one user with the forms that change them.
type userPage struct {
	User userView
	// Roles are those the reader may give; Manageable says whether they
	// may change this user at all, Self whether it is their own account.
	Roles      []models.Role
	Manageable bool
	Self       bool
	Notice     *message
	Problem    *message
	// Link is a new password link, shown once. showUser builds it from
	// token, because its lifetime depends on the user.
	Link *passwordLink
	link *services.PasswordLink
}

// doneNotices confirm a change after the redirect that follows it.
var doneNotices = map[string]string{
	"rolle":  "UserRoleChanged",
	"status": "UserStatusChanged",
}

func (ui *UI) userPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var page userPage
	if notice, ok := doneNotices[c.Query("erledigt")]; ok {
		page.Notice = newMessage(notice)
	}
	ui.showUser(c, http.StatusOK, id, page)
}

// showUser loads a user and renders their page around what page holds
// already: a notice, a problem or the token of a new link.
func (ui *UI) showUser(c *gin.Context, status int, id uint, page userPage) {
	actor := access.ActorOf(c)
	u, err := ui.svc.Users.GetUser(c.Request.Context(), actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page.User = toUserView(u)
	page.Roles = assignable(actor)
	page.Manageable = slices.Contains(page.Roles, u.Role)
	page.Self = u.ID == actor.UserID
	if page.link != nil {
		link := newPasswordLink(c, page.link.Token, page.link.ExpiresAt)
		page.Link = &link
	}
	ui.render(c, status, "user", page)
}

type roleForm struct {
	Role string `form:"role" binding:"required"`
}

func (ui *UI) changeRole(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form roleForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	_, err := ui.svc.Users.ChangeRole(c.Request.Context(), access.ActorOf(c), id, models.Role(form.Role))
	ui.afterUserChange(c, id, "rolle", err)
}

type statusForm struct {
	Status string `form:"status" binding:"required,oneof=active disabled"`
}

func (ui *UI) setStatus(c *gin.Context) {
	id, ok := ui.pathID(c)
	var form statusForm
	if !ok || !ui.bindChoice(c, &form) {
		return
	}
	_, err := ui.svc.Users.SetStatus(c.Request.Context(), access.ActorOf(c), id, models.UserStatus(form.Status))
	ui.afterUserChange(c, id, "status", err)
}

// afterUserChange leads back to the user's page after a change, which then
// confirms it. A change the current state forbids, such as disabling the
// last admin, is explained on the page.
func (ui *UI) afterUserChange(c *gin.Context, id uint, done string, err error) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/benutzer/%d?erledigt=%s", id, done))
		return
	}
	if m := invalidAction(err); m != nil {
		ui.showUser(c, http.StatusConflict, id, userPage{Problem: m})
		return
	}
	if errs := serviceFieldErrors(&roleForm{}, err); errs != nil {
		ui.showUser(c, http.StatusUnprocessableEntity, id, userPage{Problem: errs[0].Message})
		return
	}
	ui.fail(c, err)
}

// createPasswordLink makes a new one-time link for a user and shows it
// once. It replaces the user's earlier open link.
func (ui *UI) createPasswordLink(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	link, err := ui.svc.Passwords.ResetLink(c.Request.Context(), access.ActorOf(c), id)
	if m := invalidAction(err); m != nil {
		ui.showUser(c, http.StatusConflict, id, userPage{Problem: m})
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showUser(c, http.StatusOK, id, userPage{link: &link})
}
