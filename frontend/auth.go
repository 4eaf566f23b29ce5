package frontend

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// clientOf is the request's client without whoever is logged in: a login
// or a password link acts for the account it names, and a failed attempt
// must not be recorded in the name of the browser's earlier session.
func clientOf(c *gin.Context) services.Actor {
	a := access.ActorOf(c)
	return services.Actor{ClientAddr: a.ClientAddr, RequestID: a.RequestID}
}

type loginForm struct {
	Email    string `form:"email" binding:"required,max=254" label:"FieldEmail"`
	Password string `form:"password" binding:"required,max=1024" label:"FieldPassword"`
	Next     string `form:"next"`
}

// loginPage never carries the password: a page shown again starts with an
// empty password field.
type loginPage struct {
	Email   string
	Next    string
	Errors  formErrors
	Problem *message
	// LoggedInAs names who is logged in already, if anyone.
	LoggedInAs string
}

func (ui *UI) loginPage(c *gin.Context) {
	ui.render(c, http.StatusOK, "login", loginPage{Next: localPath(c.Query("next")),
		LoggedInAs: access.ActorOf(c).Email})
}

func (ui *UI) login(c *gin.Context) {
	var form loginForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	page := loginPage{Email: form.Email, Next: localPath(form.Next), Errors: errs}
	if errs != nil {
		ui.render(c, http.StatusUnprocessableEntity, "login", page)
		return
	}
	res, err := ui.svc.Sessions.Login(c.Request.Context(), form.Email, form.Password, clientOf(c))
	if err != nil {
		ui.loginFailed(c, page, err)
		return
	}
	if !ui.startSession(c, res) {
		return
	}
	if res.User.MustChangePassword {
		page.Next = "/passwort"
	}
	c.Redirect(http.StatusSeeOther, page.Next)
}

// loginFailed shows the login page again with one message for every wrong
// e-mail or password, so that the answer tells nobody which accounts exist.
func (ui *UI) loginFailed(c *gin.Context, page loginPage, err error) {
	var throttled *services.ThrottledError
	switch {
	case errors.As(err, &throttled):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(throttled.RetryAfter.Seconds()))))
		page.Problem = newMessage("LoginThrottled", "Count", int(math.Ceil(throttled.RetryAfter.Minutes())))
		ui.render(c, http.StatusTooManyRequests, "login", page)
	case errors.Is(err, services.ErrInvalidCredentials):
		page.Problem = newMessage("LoginFailed")
		ui.render(c, http.StatusUnauthorized, "login", page)
	default:
		ui.fail(c, err)
	}
}

// startSession ends the session the browser came with, if any, so that
// every login rotates the token, and hands the browser the new one.
func (ui *UI) startSession(c *gin.Context, res services.LoginResult) bool {
	if old := access.SessionToken(c); old != "" {
		if err := ui.svc.Sessions.Logout(c.Request.Context(), old, services.Actor{}); err != nil {
			ui.fail(c, err)
			return false
		}
	}
	access.SetSessionCookie(c, res.Token)
	return true
}

func (ui *UI) logout(c *gin.Context) {
	if err := ui.svc.Sessions.Logout(c.Request.Context(), access.SessionToken(c), access.ActorOf(c)); err != nil {
		ui.fail(c, err)
		return
	}
	access.ClearSessionCookie(c)
	access.ForgetDeviceData(c)
	c.Redirect(http.StatusSeeOther, "/")
}

type passwordForm struct {
	// Current is not asked for while a generated password must be changed.
	Current  string `form:"current_password" binding:"max=1024" label:"FieldCurrentPassword"`
	Password string `form:"password" binding:"required,max=1024" label:"FieldNewPassword"`
	Repeat   string `form:"password_repeat" binding:"required,eqfield=Password" label:"FieldRepeatPassword"`
}

type passwordPage struct {
	// MustChange explains why every other page is closed for now.
	MustChange bool
	Errors     formErrors
	// Staff see their tokens here: a password change does not end them.
	ShowTokens bool
	Tokens     []tokenRow
	Notice     *message
}

func (ui *UI) passwordPage(c *gin.Context) {
	page := passwordPage{MustChange: access.ActorOf(c).MustChangePassword}
	if c.Query("erledigt") == "alle-widerrufen" {
		page.Notice = revokedAllNotice(c)
	}
	ui.showPassword(c, http.StatusOK, page)
}

// showPassword renders the password page with the reader's active tokens.
func (ui *UI) showPassword(c *gin.Context, status int, page passwordPage) {
	tokens, err := ui.activeTokens(c)
	if err != nil {
		ui.fail(c, err)
		return
	}
	actor := access.ActorOf(c)
	page.ShowTokens = actor.IsStaff() && !actor.MustChangePassword
	page.Tokens = tokens
	ui.render(c, status, "password", page)
}

// changePassword replaces the user's password. The service ends all their
// sessions, this one included, and opens a new one for this browser.
func (ui *UI) changePassword(c *gin.Context) {
	var form passwordForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	actor := access.ActorOf(c)
	if errs != nil {
		errs = errs.check(&form, services.CheckNewPassword(form.Password))
		if form.Current == "" && !actor.MustChangePassword {
			// Only the service knows it is required here; say so with the rest.
			errs = errs.check(&form, &services.ValidationError{Fields: []services.FieldError{{Field: "current_password", Code: services.CodeRequired}}})
		}
	} else {
		res, err := ui.svc.Passwords.ChangePassword(c.Request.Context(), actor, form.Current, form.Password)
		if err == nil {
			access.SetSessionCookie(c, res.Token)
			ui.render(c, http.StatusOK, "password_changed", nil)
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.showPassword(c, http.StatusUnprocessableEntity, passwordPage{MustChange: actor.MustChangePassword, Errors: errs})
}

type setPasswordForm struct {
	Token    string `form:"token" binding:"max=200"`
	Password string `form:"password" binding:"required,max=1024" label:"FieldNewPassword"`
	Repeat   string `form:"password_repeat" binding:"required,eqfield=Password" label:"FieldRepeatPassword"`
}

// setPasswordPage carries the link's token in a hidden field, so that the
// form posts it in the body: the access log records the route, never a
// query, and the token appears in no later URL.
type setPasswordPage struct {
	Token  string
	Errors formErrors
}

// setPasswordPage opens the link of an invitation or a reset. Whether the
// token is still valid shows when the form is sent: checking it now would
// need a service call that does not exist yet, and the answer could change
// before the person has typed their password.
func (ui *UI) setPasswordPage(c *gin.Context) {
	token := c.Query("token")
	if token == "" {
		ui.render(c, http.StatusNotFound, "link_invalid", nil)
		return
	}
	ui.render(c, http.StatusOK, "set_password", setPasswordPage{Token: token})
}

func (ui *UI) setPassword(c *gin.Context) {
	var form setPasswordForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	if errs != nil {
		errs = errs.check(&form, services.CheckNewPassword(form.Password))
	} else {
		res, err := ui.svc.Passwords.SetPasswordWithToken(c.Request.Context(), form.Token, form.Password, clientOf(c))
		switch {
		case err == nil:
			if ui.startSession(c, res) {
				c.Redirect(http.StatusSeeOther, "/")
			}
			return
		case errors.Is(err, services.ErrTokenInvalid):
			ui.render(c, http.StatusGone, "link_invalid", nil)
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, http.StatusUnprocessableEntity, "set_password", setPasswordPage{Token: form.Token, Errors: errs})
}

type forgotForm struct {
	Email string `form:"email" binding:"required,max=254" label:"FieldEmail"`
}

type forgotPage struct {
	Email  string
	Errors formErrors
}

func (ui *UI) forgotPage(c *gin.Context) {
	ui.render(c, http.StatusOK, "forgot", forgotPage{})
}

// requestReset answers the same whether or not the address has an account;
// only a malformed address is pointed out, which reveals nothing.
func (ui *UI) requestReset(c *gin.Context) {
	var form forgotForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	if errs == nil {
		err := ui.svc.Passwords.RequestReset(c.Request.Context(), form.Email, clientOf(c))
		if err == nil {
			ui.render(c, http.StatusOK, "forgot_sent", nil)
			return
		}
		if errs = serviceFieldErrors(&form, err); errs == nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, http.StatusUnprocessableEntity, "forgot", forgotPage{Email: form.Email, Errors: errs})
}
