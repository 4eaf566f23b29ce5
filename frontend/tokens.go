package frontend

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// defaultTokenDays is what the form proposes: long enough for an
// integration, short enough that a forgotten token expires.
const defaultTokenDays = 90

// tokenRow is one API token as the page lists it; never its hash.
type tokenRow struct {
	ID         uint
	Name       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	// State is "active", "expired" or "revoked".
	State string
}

func toTokenRow(t models.APIToken, now time.Time) tokenRow {
	row := tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
		LastUsedAt: t.LastUsedAt, State: "active"}
	switch {
	case t.RevokedAt != nil:
		row.State = "revoked"
	case !now.Before(t.ExpiresAt):
		row.State = "expired"
	}
	return row
}

type tokenForm struct {
	// Name and Days are checked by the service, which names the allowed
	// lengths and range; Days binds as text, so that one that is no
	// number is reported beside the other problems.
	Name string `form:"name" label:"FieldTokenName"`
	Days string `form:"expires_in_days" label:"FieldTokenDays"`
	// Current is checked by the service, which throttles guesses; the page
	// never shows it again.
	Current string `form:"current_password" binding:"max=1024" label:"FieldCurrentPassword"`
}

// createdToken is a new token, shown once: Kohorte keeps only its hash.
type createdToken struct {
	Name    string
	Token   string
	Expires time.Time
}

type tokensPage struct {
	Tokens  []tokenRow
	Form    tokenForm
	MaxDays int
	Errors  formErrors
	Created *createdToken
	Notice  *message
}

// AnyActive says whether revoking all would end anything.
func (p tokensPage) AnyActive() bool {
	for _, t := range p.Tokens {
		if t.State == "active" {
			return true
		}
	}
	return false
}

func (ui *UI) tokensPage(c *gin.Context) {
	page := tokensPage{Form: tokenForm{Days: strconv.Itoa(defaultTokenDays)}}
	switch c.Query("erledigt") {
	case "widerrufen":
		page.Notice = newMessage("TokenRevoked")
	case "alle-widerrufen":
		page.Notice = revokedAllNotice(c)
	}
	ui.showTokens(c, http.StatusOK, page)
}

// showTokens lists the reader's tokens around what page holds already.
func (ui *UI) showTokens(c *gin.Context, status int, page tokensPage) {
	tokens, err := ui.svc.Tokens.ListAPITokens(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	now := time.Now()
	for _, t := range tokens {
		page.Tokens = append(page.Tokens, toTokenRow(t, now))
	}
	page.MaxDays = services.MaxAPITokenDays
	ui.render(c, status, "tokens", page)
}

func (ui *UI) createToken(c *gin.Context) {
	var form tokenForm
	errs, ok := ui.bindForm(c, &form)
	if !ok {
		return
	}
	r := formReader{form: &form, errs: errs}
	// Days that are no number are 0, which the service refuses before it
	// checks the password, with the other problems of the form.
	days := r.required("expires_in_days", form.Days)
	if errs == nil {
		t, err := ui.svc.Tokens.CreateAPIToken(c.Request.Context(), access.ActorOf(c),
			services.APITokenRequest{Name: form.Name, Days: days, CurrentPassword: form.Current})
		if err == nil {
			created := &createdToken{Name: t.Name, Token: t.Token, Expires: t.ExpiresAt}
			ui.showTokens(c, http.StatusOK, tokensPage{Form: tokenForm{Days: strconv.Itoa(defaultTokenDays)}, Created: created})
			return
		}
		if r.errs = r.errs.check(&form, err); r.errs == nil {
			ui.fail(c, err)
			return
		}
	}
	form.Current = ""
	ui.showTokens(c, http.StatusUnprocessableEntity, tokensPage{Form: form, Errors: r.errs})
}

func (ui *UI) revokeToken(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	if err := ui.svc.Tokens.RevokeAPIToken(c.Request.Context(), access.ActorOf(c), id); err != nil {
		ui.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/api-tokens?erledigt=widerrufen")
}

// revokeAllTokens ends every token of the reader and returns to the page
// the button was on: the token list or the password page.
func (ui *UI) revokeAllTokens(c *gin.Context) {
	n, err := ui.svc.Tokens.RevokeAllAPITokens(c.Request.Context(), access.ActorOf(c))
	if err != nil {
		ui.fail(c, err)
		return
	}
	back := "/api-tokens"
	if c.PostForm("zurueck") == "passwort" {
		back = "/passwort"
	}
	c.Redirect(http.StatusSeeOther, back+"?erledigt=alle-widerrufen&anzahl="+strconv.Itoa(n))
}

// revokedAllNotice says how many tokens revoke-all ended; the count comes
// from the redirect and is only shown, never trusted.
func revokedAllNotice(c *gin.Context) *message {
	n, err := strconv.Atoi(c.Query("anzahl"))
	if err != nil || n < 0 {
		n = 0
	}
	return newMessage("TokensAllRevoked", "Count", n)
}

// activeTokens are the reader's tokens that still work, for the password
// page; nil for those who cannot have tokens.
func (ui *UI) activeTokens(c *gin.Context) ([]tokenRow, error) {
	actor := access.ActorOf(c)
	if !actor.IsStaff() || actor.MustChangePassword {
		return nil, nil
	}
	tokens, err := ui.svc.Tokens.ListAPITokens(c.Request.Context(), actor)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var rows []tokenRow
	for _, t := range tokens {
		if row := toTokenRow(t, now); row.State == "active" {
			rows = append(rows, row)
		}
	}
	return rows, nil
}
