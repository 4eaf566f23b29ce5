package frontend

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

type auditQuery struct {
	// Action is an action or a pattern such as "login.*".
	Action string `form:"aktion"`
	// ObjectType is one of auditObjectTypes, chosen from a list.
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
	// ObjectName is the object's name as it is now, Within the cohort of
	// an enrollment; both empty when the object is gone or has none.
	ObjectName string
	Within     string
	// ObjectHref links the object's page, where there is one.
	ObjectHref string
	ClientAddr string
	Changes    []auditChange
}

// auditChange is one field of the object as the event recorded it: its
// value before and after a change, or its value when only one was kept.
type auditChange struct {
	Field string // the recorded key; the page labels it with AuditField_
	// Changed says that a value before was recorded: the page shows
	// "before → after".
	Changed       bool
	Before, After auditValue
}

// auditValue is one recorded value: a day, a code the page translates
// with Prefix, or text as it is.
type auditValue struct {
	Text   string
	Prefix string
	Date   *models.Date
}

func toAuditRow(ev models.AuditEvent, names map[services.AuditRef]services.AuditObject) auditRow {
	row := auditRow{Time: ev.CreatedAt, ActorEmail: ev.ActorEmail, Action: ev.Action, ObjectType: ev.ObjectType,
		ObjectID: ev.ObjectID, ClientAddr: ev.ClientAddr, Changes: auditChanges(ev.ObjectType, ev.Before, ev.After)}
	obj, named := names[services.AuditRef{Type: ev.ObjectType, ID: ev.ObjectID}]
	row.ObjectName, row.Within = obj.Name, obj.Within
	if page, ok := objectPages[ev.ObjectType]; ok && ev.ObjectID != "" {
		row.ObjectHref = page + url.PathEscape(ev.ObjectID)
	}
	if ev.ObjectType == "enrollment" && named {
		row.ObjectHref = "/kohorten/" + strconv.FormatUint(uint64(obj.CohortID), 10)
	}
	return row
}

// objectPages are where the objects of the log have a page, by type; an
// enrollment shows on its cohort's page.
var objectPages = map[string]string{
	"user":        "/benutzer/",
	"course":      "/kurse/",
	"cohort":      "/kohorten/",
	"participant": "/teilnehmende/",
	"session":     "/termine/",
}

// auditChanges compares the recorded states of an object: for a change,
// the fields that differ; for a creation or a single record, every field.
// What is no JSON object is shown as it was stored.
func auditChanges(objectType, before, after string) []auditChange {
	old, okOld := jsonObject(before)
	now, okNow := jsonObject(after)
	if !okOld || !okNow {
		var out []auditChange
		if before != "" {
			out = append(out, auditChange{Field: "before", After: auditValue{Text: before}})
		}
		if after != "" {
			out = append(out, auditChange{Field: "after", After: auditValue{Text: after}})
		}
		return out
	}
	keys := slices.Collect(maps.Keys(now))
	for k := range old {
		if _, ok := now[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, byFieldOrder)
	var out []auditChange
	for _, k := range keys {
		if old != nil && reflect.DeepEqual(old[k], now[k]) {
			continue
		}
		ch := auditChange{Field: k, After: toAuditValue(objectType, k, now[k])}
		if old != nil {
			ch.Changed, ch.Before = true, toAuditValue(objectType, k, old[k])
		}
		out = append(out, ch)
	}
	return out
}

// jsonObject reads a recorded state; "" is none, which is fine.
func jsonObject(raw string) (map[string]any, bool) {
	if raw == "" {
		return nil, true
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, false
	}
	return m, true
}

// leadingFields come first, as the object's name; the rest by key.
var leadingFields = []string{"name", "title", "display_name", "first_name", "last_name", "email"}

func byFieldOrder(a, b string) int {
	ia, ib := slices.Index(leadingFields, a), slices.Index(leadingFields, b)
	switch {
	case ia >= 0 && ib >= 0:
		return ia - ib
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return strings.Compare(a, b)
}

// valuePrefixes name the catalogue prefix of coded values, by field and,
// for a status, by object type.
var valuePrefixes = map[string]string{
	"cohort.status":     "CohortStatus_",
	"enrollment.status": "EnrollmentStatus_",
	"user.status":       "Status_",
	"role":              "Role_",
	"network_type":      "Network_",
}

func toAuditValue(objectType, field string, v any) auditValue {
	switch v := v.(type) {
	case nil:
		return auditValue{}
	case bool:
		return auditValue{Text: strconv.FormatBool(v), Prefix: "AuditBool_"}
	case float64:
		return auditValue{Text: strconv.FormatFloat(v, 'f', -1, 64)}
	case string:
		if prefix, ok := valuePrefixes[objectType+"."+field]; ok && v != "" {
			return auditValue{Text: v, Prefix: prefix}
		}
		if prefix, ok := valuePrefixes[field]; ok && v != "" {
			return auditValue{Text: v, Prefix: prefix}
		}
		if field == "federal_state" {
			return auditValue{Text: stateName(v)}
		}
		if d, err := models.ParseDate(v); err == nil && len(v) == len("2006-01-02") {
			return auditValue{Date: &d}
		}
		return auditValue{Text: v}
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = toAuditValue(objectType, field, item).Text
		}
		return auditValue{Text: strings.Join(parts, ", ")}
	}
	b, _ := json.Marshal(v)
	return auditValue{Text: string(b)}
}

// auditObjectTypes are the choices of the object type filter.
var auditObjectTypes = services.AuditObjectTypes()

// auditActions are offered in the action filter; any other value or
// pattern works too.
var auditActions = []string{"login.*", "logout", "user.*", "api_token.*", "course.*", "cohort.*", "participant.*", "enrollment.*"}

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
	if q.ObjectType != "" && !slices.Contains(auditObjectTypes, q.ObjectType) {
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	events, total, err := ui.svc.Audit.List(ctx, actor, services.AuditFilter{
		Action: q.Action, ObjectType: q.ObjectType, ObjectID: q.ObjectID, Page: servicePage(q.Page)})
	if err != nil {
		ui.fail(c, err)
		return
	}
	names, err := ui.svc.Audit.ObjectNames(ctx, actor, events)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := auditPage{Query: q, Actions: auditActions, ObjectTypes: auditObjectTypes,
		Pager: newPager("/protokoll", url.Values{"aktion": {q.Action}, "objekttyp": {q.ObjectType}, "objekt": {q.ObjectID}}, q.Page, total)}
	for _, ev := range events {
		page.Events = append(page.Events, toAuditRow(ev, names))
	}
	ui.render(c, http.StatusOK, "audit", page)
}
