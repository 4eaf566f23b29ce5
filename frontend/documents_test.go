package frontend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kohorte/models"
)

// Staff issue from the cohort's documents page (the jury rule is open for
// everyone, so a certificate needs a reason), correct and revoke there,
// find it in the register and its export; the holder downloads their own
// and nobody else's.
func TestDocumentPagesIssueCorrectRevokeAndDownload(t *testing.T) {
	t.Parallel()
	s, db := newAttendanceStack(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	course := s.course("Netzwerkkoordinator:in")
	cohort := s.cohort(course.ID, "Frühjahr 2023", 16)
	ctx := context.Background()
	anna := s.person("Anna", "Muster", "anna@kohorte.test", "NI")
	bernd := s.person("Bernd", "Öztürk", "bernd@kohorte.test", "NI")
	ea, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, anna.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	eb, err := s.svc.Enrollments.Enroll(ctx, s.admin, cohort.ID, bernd.ID, models.NewDate(2023, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	addSession(t, db, cohort.ID, models.SessionWebinar, "Webinar 1", time.Date(2023, 3, 7, 17, 0, 0, 0, berlin), false)
	c := s.adminClient()
	page := fmt.Sprintf("/kohorten/%d/dokumente", cohort.ID)

	expect(t, c.get(page), http.StatusOK, "Dokumente · Frühjahr 2023", "Muster, Anna", "Öztürk, Bernd", "Begründung der Ausnahme")
	expect(t, c.post(page, url.Values{"enrollment": {itoa(ea.ID)}, "kind": {"certificate"}}), http.StatusUnprocessableEntity,
		"Nicht jede Zertifikatsregel ist erfüllt")
	expectRedirect(t, c.post(page, url.Values{"enrollment": {itoa(ea.ID)}, "kind": {"certificate"}, "override_reason": {"Projekt nachgereicht"}}),
		fmt.Sprintf("%s?erledigt=ausgestellt#z%d", page, ea.ID))
	expectRedirect(t, c.post(page, url.Values{"enrollment": {itoa(eb.ID)}, "kind": {"confirmation"}}),
		fmt.Sprintf("%s?erledigt=ausgestellt#z%d", page, eb.ID))
	expect(t, c.post(page, url.Values{"enrollment": {itoa(ea.ID)}, "kind": {"diploma"}}), http.StatusBadRequest)
	// The fixture's day is in 2026, so the numbers count in 2026.
	expect(t, c.get(page+"?erledigt=ausgestellt"), http.StatusOK, "Das Dokument wurde ausgestellt.", "KOH-2026-0001",
		"KOH-T-2026-0001", "Ausnahme: Projekt nachgereicht")
	expect(t, c.post(page+"/alle", nil), http.StatusOK, "Ausgestellt: 0, übersprungen: 2.",
		"Anna Muster: Diese Person hat bereits ein gültiges Dokument dieser Art (KOH-2026-0001)",
		"Bernd Öztürk: Nicht jede Zertifikatsregel ist erfüllt")

	var cert models.IssuedDocument
	if err := db.Where("number = ?", "KOH-2026-0001").Take(&cert).Error; err != nil {
		t.Fatal(err)
	}
	expect(t, c.post(fmt.Sprintf("%s/%d/neu", page, cert.ID), url.Values{"reason": {""}}), http.StatusUnprocessableEntity)
	expectRedirect(t, c.post(fmt.Sprintf("%s/%d/neu", page, cert.ID), url.Values{"reason": {"Namensänderung"}}), page+"?erledigt=ausgestellt")
	expect(t, c.get(page), http.StatusOK, "ersetzt durch KOH-2026-0002")
	var next models.IssuedDocument
	if err := db.Where("number = ?", "KOH-2026-0002").Take(&next).Error; err != nil {
		t.Fatal(err)
	}
	revoke := fmt.Sprintf("%s/%d/widerrufen", page, next.ID)
	expectRedirect(t, c.post(revoke, url.Values{"reason": {"Irrtum"}}), page+"?erledigt=widerrufen")
	expect(t, c.post(revoke, url.Values{"reason": {"Irrtum"}}), http.StatusConflict, "Das Dokument ist bereits widerrufen.")

	r := c.get(fmt.Sprintf("/dokumente/%d/pdf", cert.ID))
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") || r.Header.Get("Cache-Control") != "no-store" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="Muster_Anna_KOH-2026-0001.pdf"; filename*=UTF-8''Muster_Anna_KOH-2026-0001.pdf` {
		t.Errorf("download: %d %v", r.Code, r.Header)
	}
	expect(t, c.get("/dokumente?art=certificate"), http.StatusOK, "2 Dokumente", "KOH-2026-0001", "KOH-2026-0002", "Widerrufen", "Ersetzt")
	expect(t, c.get("/dokumente?suche=%C3%B6zt"), http.StatusOK, "1 Dokument", "KOH-T-2026-0001")
	csv := c.get("/dokumente/export.csv?status=valid")
	if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Body, "\xEF\xBB\xBFNummer;Art;Status;Nachname;Vorname;") ||
		!strings.Contains(csv.Body, "KOH-T-2026-0001;Teilnahmebescheinigung;Gültig;Öztürk;Bernd;Bernd Öztürk;") ||
		strings.Contains(csv.Body, "KOH-2026-000") {
		t.Errorf("csv: %d %q", csv.Code, csv.Body)
	}
	if x := c.get("/dokumente/export.xlsx"); x.Code != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
		t.Errorf("xlsx: %d", x.Code)
	}

	// Bernd sees and downloads his confirmation, not Anna's certificate.
	bc := s.participantClient(bernd)
	expect(t, bc.get("/meine-dokumente"), http.StatusOK, "Meine Dokumente", "KOH-T-2026-0001", "Teilnahmebescheinigung")
	var conf models.IssuedDocument
	if err := db.Where("number = ?", "KOH-T-2026-0001").Take(&conf).Error; err != nil {
		t.Fatal(err)
	}
	if r := bc.get(fmt.Sprintf("/meine-dokumente/%d/pdf", conf.ID)); r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("own download: %d", r.Code)
	}
	expect(t, bc.get(fmt.Sprintf("/meine-dokumente/%d/pdf", cert.ID)), http.StatusNotFound)
	expect(t, bc.get(fmt.Sprintf("/dokumente/%d/pdf", conf.ID)), http.StatusForbidden)
	expect(t, bc.get(page), http.StatusForbidden)
	juror, _ := s.loggedIn(models.RoleJuror)
	expect(t, juror.get("/meine-dokumente"), http.StatusForbidden)
	expect(t, juror.get(fmt.Sprintf("/dokumente/%d/pdf", conf.ID)), http.StatusForbidden)
}
