package frontend

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/access"
)

// Register adds every route of the UI with its access rule. Pages answer
// GET and HEAD; state-changing routes are POST only. The router in front
// checks every POST for cross-origin requests and authenticates every
// request before these rules apply.
func (ui *UI) Register(r *gin.RouterGroup, routes *access.Table) {
	g := routes.Group(r.Group("", ui.storableQuery), ui.Deny)
	page := func(rule access.Rule, path string, h gin.HandlerFunc) {
		g.Handle(rule, http.MethodGet, path, h)
		g.Handle(rule, http.MethodHead, path, h)
	}

	page(access.Public, "/", ui.home)
	page(access.Public, "/static/*file", ui.serveStatic)
	g.POST(access.Public, "/sprache", ui.setLanguage)

	// Logging in and out, and passwords.
	page(access.Public, "/anmelden", ui.loginPage)
	g.POST(access.Public, "/anmelden", ui.login)
	g.POST(access.Self, "/abmelden", ui.logout)
	page(access.Self, "/passwort", ui.passwordPage)
	g.POST(access.Self, "/passwort", ui.changePassword)
	page(access.Public, "/passwort-setzen", ui.setPasswordPage)
	g.POST(access.Public, "/passwort-setzen", ui.setPassword)
	page(access.Public, "/passwort-vergessen", ui.forgotPage)
	g.POST(access.Public, "/passwort-vergessen", ui.requestReset)

	// Anyone verifies an issued certificate or confirmation: by the link
	// (and QR code) printed on it, or by uploading the PDF.
	page(access.Public, "/verify", ui.verifyUploadPage)
	page(access.Public, "/verify/:token", ui.verifyTokenPage)
	g.POST(access.Public, "/verify", ui.verifyUpload)

	// User management; the services decide which users each reader may
	// change.
	page(access.Staff, "/benutzer", ui.usersPage)
	page(access.Staff, "/benutzer/einladen", ui.invitePage)
	g.POST(access.Staff, "/benutzer/einladen", ui.invite)
	page(access.Staff, "/benutzer/:id", ui.userPage)
	g.POST(access.Staff, "/benutzer/:id/rolle", ui.changeRole)
	g.POST(access.Staff, "/benutzer/:id/status", ui.setStatus)
	g.POST(access.Staff, "/benutzer/:id/passwort-link", ui.createPasswordLink)

	page(access.Staff, "/protokoll", ui.auditPage)

	// Each reader lists and creates their own API tokens; the service lets
	// admins revoke anyone's.
	page(access.Staff, "/api-tokens", ui.tokensPage)
	g.POST(access.Staff, "/api-tokens", ui.createToken)
	g.POST(access.Staff, "/api-tokens/alle-widerrufen", ui.revokeAllTokens)
	g.POST(access.Staff, "/api-tokens/:id/widerrufen", ui.revokeToken)

	// Courses, with the logos of their issuers.
	page(access.Staff, "/kurse", ui.coursesPage)
	page(access.Staff, "/kurse/neu", ui.newCoursePage)
	g.POST(access.Staff, "/kurse/neu", ui.createCourse)
	page(access.Staff, "/kurse/:id", ui.coursePage)
	g.POST(access.Staff, "/kurse/:id", ui.updateCourse)
	page(access.Staff, "/kurse/:id/aussteller/:position/logo", ui.issuerLogo)
	// A course's documents for a sample person, before any is issued.
	page(access.Staff, "/kurse/:id/vorschau", ui.previewPage)
	page(access.Staff, "/kurse/:id/vorschau/zertifikat.pdf", ui.previewCertificate)
	page(access.Staff, "/kurse/:id/vorschau/bescheinigung.pdf", ui.previewConfirmation)
	g.POST(access.Staff, "/kurse/:id/aussteller/:position/logo", ui.uploadIssuerLogo)

	// Cohorts and who is enrolled in them.
	page(access.Staff, "/kohorten", ui.cohortsPage)
	page(access.Staff, "/kohorten/neu", ui.newCohortPage)
	g.POST(access.Staff, "/kohorten/neu", ui.createCohort)
	page(access.Staff, "/kohorten/:id", ui.cohortPage)
	g.POST(access.Staff, "/kohorten/:id", ui.updateCohort)
	g.POST(access.Staff, "/kohorten/:id/status", ui.advanceCohort)
	g.POST(access.Staff, "/kohorten/:id/einschreiben", ui.enroll)
	g.POST(access.Staff, "/kohorten/:id/neu-einschreiben", ui.createAndEnroll)
	page(access.Staff, "/kohorten/:id/austritt", ui.withdrawManyPage)
	g.POST(access.Staff, "/kohorten/:id/austritt", ui.withdrawMany)
	g.POST(access.Staff, "/kohorten/:id/zugaenge", ui.createAccounts)
	page(access.Staff, "/kohorten/:id/austritt/:participant", ui.withdrawPage)
	g.POST(access.Staff, "/kohorten/:id/austritt/:participant", ui.withdraw)
	page(access.Staff, "/kohorten/:id/import", ui.importPage)
	g.POST(access.Staff, "/kohorten/:id/import/vorschau", ui.previewImport)
	g.POST(access.Staff, "/kohorten/:id/import", ui.commitImport)
	page(access.Staff, "/kohorten/:id/export.csv", ui.exportCSV)
	page(access.Staff, "/kohorten/:id/export.xlsx", ui.exportXLSX)
	// A cohort's schedule, its template, clones and calendar feed.
	page(access.Staff, "/kohorten/:id/termine", ui.schedulePage)
	g.POST(access.Staff, "/kohorten/:id/termine", ui.createSession)
	g.POST(access.Staff, "/kohorten/:id/termine/vorlage", ui.layOutSchedule)
	g.POST(access.Staff, "/kohorten/:id/termine/kalender", ui.openCohortCalendar)
	g.POST(access.Staff, "/kohorten/:id/termine/kalender/widerrufen", ui.revokeCohortCalendar)
	g.POST(access.Staff, "/kohorten/:id/kopieren", ui.cloneCohort)
	page(access.Staff, "/termine/:id", ui.sessionPage)
	g.POST(access.Staff, "/termine/:id", ui.updateSession)
	g.POST(access.Staff, "/termine/:id/absagen", ui.cancelSession)
	page(access.Staff, "/kohorten/:id/anwesenheit", ui.attendancePage)
	g.POST(access.Staff, "/kohorten/:id/anwesenheit", ui.setCell)
	page(access.Staff, "/kohorten/:id/anwesenheit.csv", ui.attendanceCSV)
	page(access.Staff, "/kohorten/:id/anwesenheit.xlsx", ui.attendanceXLSX)
	page(access.Staff, "/termine/:id/anwesenheit", ui.sessionSheetPage)
	g.POST(access.Staff, "/termine/:id/anwesenheit", ui.recordSheet)
	page(access.Staff, "/termine/:id/check-in", ui.checkinStaffPage)
	g.POST(access.Staff, "/termine/:id/check-in/oeffnen", ui.openCheckin)
	g.POST(access.Staff, "/termine/:id/check-in/schliessen", ui.closeCheckin)
	page(access.Participant, "/check-in/:id", ui.checkinPage)
	g.POST(access.Participant, "/check-in/:id", ui.checkIn)
	// A cohort's project groups: what each presents, when, and who is in
	// it; and a course's rubric, which a cohort copies when scoring opens.
	page(access.Staff, "/kohorten/:id/gruppen", ui.groupsPage)
	g.POST(access.Staff, "/kohorten/:id/gruppen", ui.createGroup)
	page(access.Staff, "/kohorten/:id/gruppen/:group", ui.groupPage)
	g.POST(access.Staff, "/kohorten/:id/gruppen/:group", ui.updateGroup)
	g.POST(access.Staff, "/kohorten/:id/gruppen/:group/mitglieder", ui.setGroupMembers)
	g.POST(access.Staff, "/kohorten/:id/gruppen/:group/loeschen", ui.deleteGroup)
	page(access.Staff, "/kurse/:id/bewertung", ui.rubricPage)
	g.POST(access.Staff, "/kurse/:id/bewertung", ui.saveRubric)
	page(access.Staff, "/import-vorlage.csv", ui.importTemplateCSV)
	page(access.Staff, "/import-vorlage.xlsx", ui.importTemplateXLSX)

	// People across cohorts.
	page(access.Staff, "/teilnehmende", ui.participantsPage)
	page(access.Staff, "/teilnehmende/neu", ui.newParticipantPage)
	g.POST(access.Staff, "/teilnehmende/neu", ui.createParticipant)
	page(access.Staff, "/teilnehmende/:id", ui.participantPage)
	g.POST(access.Staff, "/teilnehmende/:id", ui.updateParticipant)
	g.POST(access.Staff, "/teilnehmende/:id/zugang", ui.createAccount)

	page(access.Staff, "/statistik", ui.statisticsPage)
	page(access.Staff, "/statistik/export.csv", ui.statisticsCSV)
	page(access.Staff, "/statistik/export.xlsx", ui.statisticsXLSX)

	// A participant's own cohorts; the service shows only their own.
	page(access.Participant, "/meine-kurse", ui.myCoursesPage)
	g.POST(access.Participant, "/meine-kurse/kalender", ui.openMyCalendar)
	g.POST(access.Participant, "/meine-kurse/kalender/widerrufen", ui.revokeMyCalendar)
	page(access.Participant, "/meine-anwesenheit", ui.myAttendancePage)

	// Certificates and attendance confirmations: staff issue, correct and
	// revoke them on the cohort's page and keep the register; a graduate
	// downloads their own, the service decides whose.
	page(access.Staff, "/kohorten/:id/dokumente", ui.cohortDocumentsPage)
	page(access.Staff, "/kohorten/:id/dokumente.zip", ui.cohortDocumentsZip)
	g.POST(access.Staff, "/kohorten/:id/dokumente", ui.issueDocument)
	g.POST(access.Staff, "/kohorten/:id/dokumente/alle", ui.issueAll)
	g.POST(access.Staff, "/kohorten/:id/dokumente/:doc/neu", ui.reissueDocument)
	g.POST(access.Staff, "/kohorten/:id/dokumente/:doc/widerrufen", ui.revokeDocument)
	page(access.Staff, "/dokumente", ui.registerPage)
	page(access.Staff, "/dokumente/export.csv", ui.registerCSV)
	page(access.Staff, "/dokumente/export.xlsx", ui.registerXLSX)
	page(access.Staff, "/dokumente/:id/pdf", ui.downloadDocument)
	page(access.Participant, "/meine-dokumente", ui.myDocumentsPage)
	page(access.Participant, "/meine-dokumente/:id/pdf", ui.downloadDocument)

	// A cohort's jury (settings, jurors, conflicts of interest, opening
	// scoring) and its results (reopen a sheet, release, export).
	page(access.Staff, "/kohorten/:id/jury", ui.juryPage)
	g.POST(access.Staff, "/kohorten/:id/jury/einstellungen", ui.saveJurySettings)
	g.POST(access.Staff, "/kohorten/:id/jury/berufen", ui.appointJuror)
	g.POST(access.Staff, "/kohorten/:id/jury/:user/abberufen", ui.removeJuror)
	g.POST(access.Staff, "/kohorten/:id/jury/befangenheit", ui.addConflict)
	g.POST(access.Staff, "/kohorten/:id/jury/befangenheit/entfernen", ui.removeConflict)
	g.POST(access.Staff, "/kohorten/:id/jury/oeffnen", ui.openScoring)
	page(access.Staff, "/kohorten/:id/ergebnisse", ui.resultsPage)
	page(access.Staff, "/kohorten/:id/ergebnisse.csv", ui.resultsCSV)
	page(access.Staff, "/kohorten/:id/ergebnisse.xlsx", ui.resultsXLSX)
	g.POST(access.Staff, "/kohorten/:id/ergebnisse/freigeben", ui.releaseResults)
	g.POST(access.Staff, "/kohorten/:id/ergebnisse/boegen/:sheet/oeffnen", ui.reopenSheet)
	// Jury scoring: a juror scores the groups of the cohorts they are
	// appointed to, without those they declared a conflict with (the
	// services decide which); a participant sees their group's result once
	// it is released.
	page(access.Juror, "/jury", ui.scoringCohortsPage)
	page(access.Juror, "/jury/kohorten/:id", ui.scoringGroupsPage)
	g.POST(access.Juror, "/jury/kohorten/:id/befangenheit", ui.declareOwnConflict)
	page(access.Juror, "/jury/gruppen/:id", ui.scoringSheetPage)
	g.POST(access.Juror, "/jury/gruppen/:id", ui.saveScoreSheet)
	g.POST(access.Juror, "/jury/gruppen/:id/abgeben", ui.submitScoreSheet)
	page(access.Participant, "/meine-gruppe", ui.myGroupPage)
}
