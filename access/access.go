// Package access classifies every route of Kohorte as public or as needing
// one of a set of roles, in one table shared by the JSON API and the web UI.
// A route can only be added through the table, and a test checks that the
// table and the router agree, so no route is reachable by oversight.
package access

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"kohorte/models"
	"kohorte/services"
)

const actorKey = "kohorte.actor"

// SetActor stores who makes the request; the authentication middleware calls it.
func SetActor(c *gin.Context, a services.Actor) { c.Set(actorKey, a) }

// ActorOf returns who makes the request; anonymous if nobody logged in.
func ActorOf(c *gin.Context) services.Actor {
	if a, ok := c.Get(actorKey); ok {
		return a.(services.Actor)
	}
	return services.Actor{}
}

// Rule says who may call a route.
type Rule struct {
	// Public routes need no login.
	Public bool
	// Roles may call the route; empty with Public false means any logged-in user.
	Roles []models.Role
	// BeforePasswordChange lets a user who must still replace a generated
	// password call the route (logout, the change itself).
	BeforePasswordChange bool
}

// Common rules.
var (
	Public   = Rule{Public: true}
	LoggedIn = Rule{}
	Staff    = Rule{Roles: []models.Role{models.RoleAdmin, models.RoleStaff}}
	Admin    = Rule{Roles: []models.Role{models.RoleAdmin}}
	// Participant routes show a participant their own records.
	Participant = Rule{Roles: []models.Role{models.RoleParticipant}}
	// Juror routes show a juror the groups of the cohorts they are
	// appointed to; the services check the appointment and conflicts.
	Juror = Rule{Roles: []models.Role{models.RoleJuror}}
)

// Self is LoggedIn, also before a required password change.
var Self = Rule{BeforePasswordChange: true}

func (r Rule) allows(a services.Actor) int {
	if r.Public {
		return http.StatusOK
	}
	if a.IsAnonymous() {
		return http.StatusUnauthorized
	}
	if a.MustChangePassword && !r.BeforePasswordChange {
		return http.StatusForbidden
	}
	if len(r.Roles) > 0 && !slices.Contains(r.Roles, a.Role) {
		return http.StatusForbidden
	}
	return http.StatusOK
}

// Deny answers a request the rule refuses, with 401 or 403, in the form of
// its part of the application (problem+json or an HTML page).
type Deny func(c *gin.Context, status int)

// Table records the rule of every route.
type Table struct {
	mu    sync.Mutex
	rules map[string]Rule
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{rules: map[string]Rule{}} }

// Group adds routes under r whose refusals are answered by deny.
func (t *Table) Group(r *gin.RouterGroup, deny Deny) *Group {
	return &Group{t: t, r: r, prefix: strings.TrimSuffix(r.BasePath(), "/"), deny: deny}
}

// Rules returns a copy of every route's rule, keyed by "METHOD /path".
func (t *Table) Rules() map[string]Rule {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]Rule, len(t.rules))
	for k, v := range t.rules {
		out[k] = v
	}
	return out
}

// Rule returns the rule of a route and whether it has one.
func (t *Table) Rule(method, path string) (Rule, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.rules[method+" "+path]
	return r, ok
}

func (t *Table) add(method, path string, rule Rule) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules[method+" "+path] = rule
}

// Group registers routes with their rules.
type Group struct {
	t      *Table
	r      *gin.RouterGroup
	prefix string
	deny   Deny
}

// Handle adds a route with its rule; the rule is checked before handlers run.
func (g *Group) Handle(rule Rule, method, path string, handlers ...gin.HandlerFunc) {
	g.t.add(method, g.prefix+path, rule)
	guard := func(c *gin.Context) {
		if status := rule.allows(ActorOf(c)); status != http.StatusOK {
			g.deny(c, status)
			c.Abort()
			return
		}
		c.Next()
	}
	g.r.Handle(method, path, append([]gin.HandlerFunc{guard}, handlers...)...)
}

// GET adds a GET route; GET routes never change state.
func (g *Group) GET(rule Rule, path string, h ...gin.HandlerFunc) {
	g.Handle(rule, http.MethodGet, path, h...)
}

// POST adds a POST route.
func (g *Group) POST(rule Rule, path string, h ...gin.HandlerFunc) {
	g.Handle(rule, http.MethodPost, path, h...)
}

// PATCH adds a PATCH route.
func (g *Group) PATCH(rule Rule, path string, h ...gin.HandlerFunc) {
	g.Handle(rule, http.MethodPatch, path, h...)
}

// DELETE adds a DELETE route.
func (g *Group) DELETE(rule Rule, path string, h ...gin.HandlerFunc) {
	g.Handle(rule, http.MethodDelete, path, h...)
}
