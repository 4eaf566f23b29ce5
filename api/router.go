// Package api serves Kohorte's JSON API under /api/v1, its OpenAPI document,
// the operations endpoints and the middleware that every response passes
// through. Handlers bind input, call one service and render the result.
package api

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/services"
)

// UI is the server-rendered web interface, mounted beside the API.
type UI interface {
	// Register adds the UI's routes, each with its rule in routes.
	Register(r *gin.RouterGroup, routes *access.Table)
	// NotFound answers a request for a page that does not exist.
	NotFound(c *gin.Context)
	// MethodNotAllowed answers a page address asked for with the wrong method.
	MethodNotAllowed(c *gin.Context)
	// Deny answers a page request that is refused with 401 or 403.
	Deny(c *gin.Context, status int)
	// Fail answers a page request that failed before its handler ran,
	// such as when the database cannot be reached to identify the user.
	Fail(c *gin.Context, err error)
}

// Deps are what the router needs from the composition root.
type Deps struct {
	Logger  *slog.Logger
	Metrics *Metrics
	// MetricsToken, if set, must be sent as a Bearer token to read /metrics.
	MetricsToken string
	// MetricsElsewhere leaves /metrics to a listener of its own.
	MetricsElsewhere bool
	// Services serve every request; the API holds no state of its own.
	Services *services.Services
	UI       UI
	Version  string
	// TrustedProxies are the addresses or CIDR ranges whose X-Forwarded-For
	// and X-Forwarded-Proto headers are believed; none by default.
	TrustedProxies []string
	// BaseURL is Kohorte's public address, e.g. https://kohorte.example.org,
	// for links that are passed on; empty uses the request's host.
	BaseURL string
	// MaxBody limits JSON request bodies, in bytes; 1 MiB when zero.
	MaxBody int64
}

type handlers struct {
	log     *slog.Logger
	svc     *services.Services
	version string
	maxBody int64
	docs    *docs
	ui      UI
	// baseURL names the host in the UIDs of calendar events.
	baseURL string
}

// Router is the HTTP handler of Kohorte with the rule of every route.
type Router struct {
	*gin.Engine
	Routes *access.Table
}

// NewRouter builds the HTTP handler with every route of Kohorte. Reading this
// function shows the whole API surface, who may call what, and the
// middleware in front of it.
func NewRouter(d Deps) (*Router, error) {
	gin.SetMode(gin.ReleaseMode)
	docs, err := newDocs()
	if err != nil {
		return nil, err
	}
	h := &handlers{log: d.Logger, svc: d.Services,
		version: d.Version, maxBody: d.MaxBody, docs: docs, ui: d.UI, baseURL: d.BaseURL}
	if h.maxBody <= 0 {
		h.maxBody = 1 << 20
	}

	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	trusted := parseProxies(d.TrustedProxies)
	r.Use(detectTLS(trusted, d.BaseURL), securityHeaders, withRequestID(trusted), accessLog(d.Logger),
		d.Metrics.instrument, recoverPanics(d.Logger), h.sameOrigin(), h.authenticate)

	routes := access.NewTable()
	ops := routes.Group(&r.RouterGroup, h.deny)
	ops.GET(access.Public, "/healthz", h.healthz)
	ops.GET(access.Public, "/readyz", h.readyz)
	if !d.MetricsElsewhere {
		ops.GET(access.Public, "/metrics", gin.WrapH(d.Metrics.Handler(d.MetricsToken)))
	}
	ops.GET(access.Public, "/api/openapi.json", h.openAPI)
	ops.GET(access.Public, "/api/docs", h.apiDocs)
	ops.GET(access.Public, "/api/docs/:file", h.apiDocsFile)

	v1 := routes.Group(r.Group("/api/v1", storableQuery, h.knownQuery), h.deny)
	v1.GET(access.Public, "/version", h.getVersion)
	v1.GET(access.Public, "/verify/:token", h.verifyToken)
	v1.POST(access.Public, "/verify", h.verifyUpload)

	v1.POST(access.Public, "/auth/login", h.login)
	v1.POST(access.Self, "/auth/logout", h.logout)
	v1.POST(access.Public, "/auth/password-reset", h.requestPasswordReset)
	v1.POST(access.Public, "/auth/set-password", h.setPassword)
	v1.GET(access.Self, "/me", h.me)
	v1.POST(access.Self, "/me/password", h.changePassword)

	v1.GET(access.Staff, "/users", h.listUsers)
	v1.POST(access.Staff, "/users", h.inviteUser)
	v1.GET(access.Staff, "/users/:id", h.getUser)
	v1.PATCH(access.Staff, "/users/:id", h.updateUser)
	v1.POST(access.Staff, "/users/:id/password-link", h.createPasswordLink)

	v1.GET(access.Staff, "/audit-events", h.listAuditEvents)

	v1.GET(access.Staff, "/tokens", h.listTokens)
	v1.POST(access.Staff, "/tokens", h.createToken)
	v1.POST(access.Staff, "/tokens/revoke-all", h.revokeAllTokens)
	v1.DELETE(access.Staff, "/tokens/:id", h.revokeToken)

	v1.GET(access.Staff, "/courses", h.listCourses)
	v1.POST(access.Staff, "/courses", h.createCourse)
	v1.GET(access.Staff, "/courses/:id", h.getCourse)
	v1.Handle(access.Staff, http.MethodPut, "/courses/:id", h.updateCourse)
	v1.Handle(access.Staff, http.MethodPut, "/courses/:id/issuers/:position/logo", h.putIssuerLogo)
	v1.POST(access.Staff, "/courses/:id/cohorts", h.createCohort)

	v1.GET(access.Staff, "/cohorts", h.listCohorts)
	v1.GET(access.Staff, "/cohorts/:id", h.getCohort)
	v1.Handle(access.Staff, http.MethodPut, "/cohorts/:id", h.updateCohort)
	v1.POST(access.Staff, "/cohorts/:id/status", h.setCohortStatus)
	v1.GET(access.Staff, "/cohorts/:id/enrollments", h.listEnrollments)
	v1.POST(access.Staff, "/cohorts/:id/enrollments", h.enroll)
	v1.POST(access.Staff, "/cohorts/:id/enrollments/withdraw", h.withdrawMany)
	v1.POST(access.Staff, "/cohorts/:id/enrollments/accounts", h.createAccounts)
	v1.POST(access.Staff, "/cohorts/:id/import/preview", h.previewImport)
	v1.POST(access.Staff, "/cohorts/:id/import", h.commitImport)
	v1.GET(access.Staff, "/cohorts/:id/export", h.exportCohort)
	v1.GET(access.Staff, "/cohorts/:id/statistics", h.cohortStatistics)
	v1.POST(access.Staff, "/enrollments/:id/withdraw", h.withdraw)
	v1.GET(access.Staff, "/statistics", h.overallStatistics)

	v1.GET(access.Staff, "/participants", h.listParticipants)
	v1.POST(access.Staff, "/participants", h.createParticipant)
	v1.GET(access.Staff, "/participants/:id", h.getParticipant)
	v1.Handle(access.Staff, http.MethodPut, "/participants/:id", h.updateParticipant)
	v1.POST(access.Staff, "/participants/:id/account", h.createParticipantAccount)
	v1.GET(access.Participant, "/me/enrollments", h.myEnrollments)

	// The schedule: sessions of a cohort, its template and clones, and
	// private calendar feeds, public to whoever holds their token.
	v1.GET(access.Staff, "/cohorts/:id/sessions", h.listSessions)
	v1.POST(access.Staff, "/cohorts/:id/sessions", h.createSession)
	v1.POST(access.Staff, "/cohorts/:id/schedule", h.layOutSchedule)
	v1.POST(access.Staff, "/cohorts/:id/clone", h.cloneCohort)
	v1.GET(access.Staff, "/cohorts/:id/calendar", h.cohortCalendar)
	v1.POST(access.Staff, "/cohorts/:id/calendar", h.openCohortCalendar)
	v1.DELETE(access.Staff, "/cohorts/:id/calendar", h.revokeCohortCalendar)
	v1.GET(access.Staff, "/sessions/:id", h.getSession)
	v1.PATCH(access.Staff, "/sessions/:id", h.patchSession)
	v1.POST(access.Staff, "/sessions/:id/cancel", h.cancelSession)
	v1.GET(access.Participant, "/me/sessions", h.mySessions)
	v1.GET(access.Participant, "/me/calendar", h.myCalendar)
	v1.POST(access.Participant, "/me/calendar", h.openMyCalendar)
	v1.DELETE(access.Participant, "/me/calendar", h.revokeMyCalendar)
	v1.GET(access.Public, "/calendars/:token", h.calendarFeed)
	v1.GET(access.Staff, "/cohorts/:id/attendance", h.attendanceGrid)
	v1.GET(access.Staff, "/cohorts/:id/attendance/export", h.exportAttendance)
	v1.GET(access.Staff, "/sessions/:id/attendance", h.sessionAttendance)
	v1.Handle(access.Staff, http.MethodPut, "/sessions/:id/attendance", h.recordAttendance)
	v1.GET(access.Participant, "/me/attendance", h.myAttendance)
	v1.POST(access.Staff, "/sessions/:id/checkin", h.openCheckin)
	v1.GET(access.Staff, "/sessions/:id/checkin", h.getCheckin)
	v1.DELETE(access.Staff, "/sessions/:id/checkin", h.closeCheckin)
	v1.POST(access.Participant, "/me/checkin", h.checkIn)

	// Project groups, rubrics and juries: staff build a cohort's groups
	// and jury and open scoring; a juror declares their own conflicts.
	v1.GET(access.Staff, "/cohorts/:id/groups", h.listGroups)
	v1.POST(access.Staff, "/cohorts/:id/groups", h.createGroup)
	v1.GET(access.Staff, "/groups/:id", h.getGroup)
	v1.PATCH(access.Staff, "/groups/:id", h.patchGroup)
	v1.DELETE(access.Staff, "/groups/:id", h.deleteGroup)
	v1.Handle(access.Staff, http.MethodPut, "/groups/:id/members", h.setGroupMembers)
	v1.GET(access.Staff, "/courses/:id/rubric", h.getRubric)
	v1.Handle(access.Staff, http.MethodPut, "/courses/:id/rubric", h.putRubric)
	v1.GET(access.Staff, "/cohorts/:id/jury", h.getJury)
	v1.PATCH(access.Staff, "/cohorts/:id/jury", h.patchJury)
	v1.POST(access.Staff, "/cohorts/:id/jurors", h.appointJuror)
	v1.DELETE(access.Staff, "/cohorts/:id/jurors/:userId", h.removeJuror)
	v1.POST(access.Staff, "/groups/:id/conflicts", h.addConflict)
	v1.DELETE(access.Staff, "/groups/:id/conflicts/:userId", h.removeConflict)
	v1.POST(access.Staff, "/cohorts/:id/scoring/open", h.openScoring)
	v1.POST(access.Juror, "/me/conflicts", h.declareConflict)
	// Jury scoring and results: jurors score the groups of the cohorts they
	// are appointed to (the services answer 404 for others and for
	// conflicted groups); staff reopen sheets and release results; a
	// member sees their own group's released result.
	v1.GET(access.Juror, "/me/jury", h.myJury)
	v1.GET(access.Juror, "/cohorts/:id/scoring", h.cohortScoring)
	v1.GET(access.Juror, "/groups/:id/sheet", h.groupSheet)
	v1.Handle(access.Juror, http.MethodPut, "/groups/:id/sheet", h.saveSheet)
	v1.POST(access.Juror, "/groups/:id/sheet/submit", h.submitSheet)
	v1.POST(access.Staff, "/sheets/:id/reopen", h.reopenSheet)
	v1.GET(access.Staff, "/cohorts/:id/results", h.cohortResults)
	v1.POST(access.Staff, "/cohorts/:id/results/release", h.releaseResults)
	v1.GET(access.Staff, "/cohorts/:id/results/export", h.exportResults)
	v1.GET(access.Participant, "/me/group-result", h.myGroupResult)
	// Certificates and attendance confirmations: issued by staff, read by
	// staff and by their holders, each only their own.
	v1.POST(access.Staff, "/enrollments/:id/certificate", h.issueCertificate)
	v1.POST(access.Staff, "/enrollments/:id/confirmation", h.issueConfirmation)
	v1.POST(access.Staff, "/cohorts/:id/certificates", h.issueCohortCertificates)
	v1.GET(access.Staff, "/cohorts/:id/documents.zip", h.cohortDocumentsZip)
	v1.GET(access.Staff, "/courses/:id/preview/certificate", h.previewCertificate)
	v1.GET(access.Staff, "/courses/:id/preview/confirmation", h.previewConfirmation)
	v1.GET(access.Staff, "/documents", h.listDocuments)
	v1.GET(access.Staff, "/documents/:id/pdf", h.downloadDocument)
	v1.POST(access.Staff, "/documents/:id/reissue", h.reissueDocument)
	v1.POST(access.Staff, "/documents/:id/revoke", h.revokeDocument)
	v1.GET(access.Participant, "/me/documents", h.myDocuments)
	v1.GET(access.Participant, "/me/documents/:id/pdf", h.downloadDocument)

	if d.UI != nil {
		d.UI.Register(&r.RouterGroup, routes)
	}
	r.NoRoute(h.notFound)
	r.NoMethod(h.methodNotAllowed)
	return &Router{Engine: r, Routes: routes}, nil
}

func (h *handlers) notFound(c *gin.Context) {
	if h.ui != nil && !isAPI(c.Request.URL.Path) && !isOps(c.Request.URL.Path) {
		h.ui.NotFound(c)
		return
	}
	writeProblem(c, http.StatusNotFound, codeNoRoute, "There is no resource at this path.", nil)
}

func (h *handlers) methodNotAllowed(c *gin.Context) {
	if h.ui != nil && !isAPI(c.Request.URL.Path) && !isOps(c.Request.URL.Path) {
		h.ui.MethodNotAllowed(c)
		return
	}
	writeProblem(c, http.StatusMethodNotAllowed, codeMethodNotAllowed,
		"This resource does not accept the method "+c.Request.Method+".", nil)
}

// deny answers a refused API request: 401 asks to log in, 403 says no.
func (h *handlers) deny(c *gin.Context, status int) {
	if status == http.StatusUnauthorized {
		writeProblem(c, status, services.CodeUnauthorized, "Please log in or send an API token.", nil)
		return
	}
	if access.ActorOf(c).MustChangePassword {
		writeProblem(c, status, codePasswordChange, "Change your password first.", nil)
		return
	}
	writeProblem(c, status, services.CodeForbidden, "You are not allowed to do this.", nil)
}

func isOps(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}
