package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kohorte/api/apitest"
	"kohorte/models"
)

// problemCode is the code of a problem, all a row needs to tell it.
type problemCode struct{ Code string }

// The fixture's day is 21 November 2026, so numbers count in 2026.
// Staff issue, correct and revoke through the API; the holder downloads
// their own. Nobody can pass the jury rule yet, so every certificate
// needs an override reason.
func TestIssueDownloadReissueRevokeThroughTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	person, enrollment := f.seedEnrollment(t, admin, cohort, "zoe@example.org")
	zoe := f.participantLogin(t, admin, person, "zoe@example.org", "Zertifikat-2026")
	e := "/api/v1/enrollments/" + strconv.Itoa(int(enrollment))
	var cert, conf struct {
		ID     uint
		Number string
		Status string
	}

	f.client.Run(t, []apitest.Row{
		{Name: "the jury rule is open: no certificate without a reason", Cookie: admin, Method: http.MethodPost,
			Path: e + "/certificate", Body: map[string]any{}, Status: http.StatusUnprocessableEntity,
			Want: invalidProblem{Code: "invalid_input", Errors: []fieldProblem{{Field: "override_reason", Code: "document.not_eligible"}}}},
		{Name: "an unknown language", Cookie: admin, Method: http.MethodPost, Path: e + "/certificate",
			Body: map[string]any{"lang": "fr"}, Status: http.StatusUnprocessableEntity},
		{Name: "with a reason", Cookie: admin, Method: http.MethodPost, Path: e + "/certificate",
			Body: map[string]any{"override_reason": "Projektarbeit nachgereicht"}, Status: http.StatusCreated,
			Check: func(t *testing.T, r *apitest.Response) {
				r.JSON(t, &cert)
				if cert.Number != "KOH-2026-0001" || r.Header.Get("Location") != "/api/v1/documents/"+strconv.Itoa(int(cert.ID))+"/pdf" {
					t.Errorf("issued %s at %s", cert.Number, r.Header.Get("Location"))
				}
			}},
		{Name: "a second certificate", Cookie: admin, Method: http.MethodPost, Path: e + "/certificate",
			Body: map[string]any{"override_reason": "x"}, Status: http.StatusConflict,
			Want: problemCode{"document.already_issued"}},
		{Name: "the confirmation", Cookie: admin, Method: http.MethodPost, Path: e + "/confirmation",
			Body: map[string]any{"lang": "en"}, Status: http.StatusCreated,
			Check: func(t *testing.T, r *apitest.Response) { r.JSON(t, &conf) }},
		{Name: "the cohort in bulk skips the certified", Cookie: admin, Method: http.MethodPost,
			Path: "/api/v1/cohorts/" + strconv.Itoa(int(cohort)) + "/certificates", Body: map[string]any{}, Status: http.StatusOK,
			Want: map[string]any{"issued": []any{}, "skipped": []any{map[string]any{"enrollment_id": float64(enrollment),
				"holder": "Zoë Ćosić-Şahin", "code": "document.already_issued", "params": map[string]any{"number": "KOH-2026-0001"},
				"text": "This person already holds a current document of this kind (KOH-2026-0001); correct it by re-issuing."}}}},
	})
	if conf.Number != "KOH-T-2026-0001" {
		t.Errorf("confirmation %q", conf.Number)
	}
	var stored models.IssuedDocument
	if err := f.db.Take(&stored, cert.ID).Error; err != nil {
		t.Fatal(err)
	}
	pdf := "/" + strconv.Itoa(int(cert.ID)) + "/pdf"
	download := func(t *testing.T, r *apitest.Response) {
		want := `attachment; filename="Cosic-Sahin_Zoe_KOH-2026-0001.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_KOH-2026-0001.pdf`
		if got := r.Header.Get("Content-Disposition"); got != want {
			t.Errorf("Content-Disposition %s", got)
		}
		if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("headers %v", r.Header)
		}
		if !bytes.Equal(r.Body, stored.PDF) || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
			t.Errorf("the download is not the PDF as issued (%d bytes)", len(r.Body))
		}
	}
	f.client.Run(t, []apitest.Row{
		{Name: "staff download", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/documents" + pdf, Status: http.StatusOK, Check: download},
		{Name: "the holder downloads their own", Cookie: zoe, Method: http.MethodGet, Path: "/api/v1/me/documents" + pdf,
			Status: http.StatusOK, Check: download},
		{Name: "the holder's list", Cookie: zoe, Method: http.MethodGet, Path: "/api/v1/me/documents", Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var out struct {
					Items []struct{ Number, Course, Cohort string }
				}
				r.JSON(t, &out)
				if len(out.Items) != 2 || out.Items[0].Cohort != "Frühjahr 2023" {
					t.Errorf("own documents %+v", out.Items)
				}
			}},
		{Name: "the register filtered", Cookie: admin, Method: http.MethodGet,
			Path: "/api/v1/documents?kind=certificate&status=valid&year=2026&search=zo%C3%AB", Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				var out struct {
					Total int
					Items []struct {
						Number    string
						VerifyURL string `json:"verify_url"`
					}
				}
				r.JSON(t, &out)
				if out.Total != 1 || out.Items[0].Number != "KOH-2026-0001" {
					t.Errorf("register %+v", out)
				}
				// The link printed on the PDF, to pass on.
				if u := out.Items[0].VerifyURL; !strings.HasSuffix(u, "/verify/"+stored.Token) || !strings.HasPrefix(u, "http") {
					t.Errorf("verify_url %q, want the printed link ending in /verify/%s", u, stored.Token)
				}
			}},
		{Name: "the register by number, another year", Cookie: admin, Method: http.MethodGet,
			Path: "/api/v1/documents?search=KOH-T&year=2022", Status: http.StatusOK,
			Want: map[string]any{"items": []any{}, "total": float64(0), "page": float64(1), "page_size": float64(50)}},
		{Name: "a bad filter", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/documents?status=lost",
			Status: http.StatusUnprocessableEntity},
		{Name: "re-issue needs a reason", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/documents/" + strconv.Itoa(int(cert.ID)) + "/reissue",
			Body: map[string]any{}, Status: http.StatusUnprocessableEntity},
		{Name: "re-issue", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/documents/" + strconv.Itoa(int(cert.ID)) + "/reissue",
			Body: map[string]any{"reason": "Namensänderung"}, Status: http.StatusCreated,
			Check: func(t *testing.T, r *apitest.Response) {
				var d struct {
					Number         string
					SupersedesID   uint   `json:"supersedes_id"`
					OverrideReason string `json:"override_reason"`
				}
				r.JSON(t, &d)
				if d.Number != "KOH-2026-0002" || d.SupersedesID != cert.ID || d.OverrideReason != "Projektarbeit nachgereicht" {
					t.Errorf("re-issued %+v", d)
				}
			}},
		{Name: "the old one verifies as superseded", Method: http.MethodGet, Path: "/api/v1/verify/" + stored.Token, Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.Contains(string(r.Body), `"superseded_by":"KOH-2026-0002"`) {
					t.Errorf("verify %s", r.Body)
				}
			}},
		{Name: "revoke the confirmation", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/documents/" + strconv.Itoa(int(conf.ID)) + "/revoke",
			Body: map[string]any{"reason": "Irrtum"}, Status: http.StatusOK},
		{Name: "revoke it again", Cookie: admin, Method: http.MethodPost, Path: "/api/v1/documents/" + strconv.Itoa(int(conf.ID)) + "/revoke",
			Body: map[string]any{"reason": "Irrtum"}, Status: http.StatusConflict, Want: problemCode{"document.revoked"}},
		{Name: "an unknown document", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/documents/999999/pdf", Status: http.StatusNotFound},
	})
}
