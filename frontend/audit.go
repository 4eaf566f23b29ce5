package frontend

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type auditQuery struct {
	// Action is an action or a pattern such as "login.*".
	Action     string `form:"aktion"`
	ObjectType string `form:"objekttyp"`
	ObjectID   string `form:"objekt"`
	Page       int    `form:"seite"`
}

// auditRow is one event as the log page shows it.
type auditRow struct {
	Time       time.Time
	ActorEmail string // empty when nobody was logged in
	Action     string
	ObjectType string
	ObjectID   string
	// ObjectHref links the object's page, where there is one.
	ObjectHref string
	ClientAddr string
	// Before and After are indented JSON; empty when not recorded.
	Before string
	After  string
}

func toAuditRow(ev models.AuditEvent) auditRow {
	row := auditRow{Time: ev.CreatedAt, ActorEmail: ev.ActorEmail, Action: ev.Action, ObjectType: ev.ObjectType,
		ObjectID: ev.ObjectID, ClientAddr: ev.ClientAddr, Before: indentJSON(ev.Before), After: indentJSON(ev.After)}
	if page, ok := objectPages[ev.ObjectType]; ok && ev.ObjectID != "" {
		row.ObjectHref = page + url.PathEscape(ev.ObjectID)
	}
	return row
}

// objectPages are where the objects of the log have a page, by type; an
// enrollment has none of its own.
var objectPages = map[string]string{
	"user":        "/benutzer/",
	"course":      "/kurse/",
	"cohort":      "/kohorten/",
	"participant": "/teilnehmende/",
}

// indentJSON makes stored JSON readable; anything else is shown as stored.
func indentJSON(raw string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(raw), "", "  "); err != nil {
		return raw
	}
	return buf.String()
}

// auditSuggestions are offered in the filter fields; any other value works
// too.
var (
	auditActions     = []string{"login.*", "logout", "user.*", "api_token.*", "course.*", "cohort.*", "participant.*", "enrollment.*"}
	auditObjectTypes = []string{"user", "login", "api_token", "course", "cohort", "participant", "enrollment"}
)

type auditPage struct {
	Query       auditQuery
	Actions     []string
	ObjectTypes []string
	Events      []auditRow
	Pager       pager
}

func (ui *UI) auditPage(c *gin.Context) {
	var q auditQuery
	if !ui.bindQuery(c, &q) {
		return
	}
	events, total, err := ui.svc.Audit.List(c.Request.Context(), access.ActorOf(c), services.AuditFilter{
		Action: q.Action, ObjectType: q.ObjectType, ObjectID: q.ObjectID, Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := auditPage{Query: q, Actions: auditActions, ObjectTypes: auditObjectTypes,
		Pager: newPager("/protokoll", url.Values{"aktion": {q.Action}, "objekttyp": {q.ObjectType}, "objekt": {q.ObjectID}}, q.Page, total)}
	for _, ev := range events {
		page.Events = append(page.Events, toAuditRow(ev))
	}
	ui.render(c, http.StatusOK, "audit", page)
}
