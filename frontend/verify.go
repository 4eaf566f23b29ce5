package frontend

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// maxVerifyUpload bounds a PDF uploaded for checking; issued ones are far
// smaller.
const maxVerifyUpload = 10 << 20

// verifyPage answers an employer who scanned a certificate's QR code or
// uploaded its PDF: the document, its holder and its status, and nothing
// else; or that the file is not one Kohorte issued.
type verifyPage struct {
	Found    bool
	Result   verificationView
	Uploaded bool
	Problem  *message
}

type verificationView struct {
	Holder, Kind, Number, Course, Cohort, Status string
	IssuedOn, RevokedOn                          string
	RevokeReason, SupersededBy, SHA256           string
}

func toVerificationView(v services.Verification) verificationView {
	view := verificationView{Holder: v.Holder, Kind: string(v.Kind), Number: v.Number, Course: v.Course, Cohort: v.Cohort,
		Status: string(v.Status), IssuedOn: v.IssuedOn.German(), RevokeReason: v.RevokeReason,
		SupersededBy: v.SupersededBy, SHA256: v.SHA256}
	if v.RevokedAt != nil {
		view.RevokedOn = v.RevokedAt.In(services.Berlin).Format("02.01.2006")
	}
	return view
}

func (ui *UI) verifyUploadPage(c *gin.Context) {
	ui.render(c, http.StatusOK, "verify", verifyPage{})
}

func (ui *UI) verifyTokenPage(c *gin.Context) {
	v, err := ui.svc.Documents.Verify(c.Request.Context(), c.Param("token"))
	if errors.Is(err, services.ErrNotFound) {
		ui.NotFound(c)
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	// Like every page it shows the visitor's own navigation, so no cache
	// keeps it; the API's answer (GET /api/v1/verify/{token}) is the
	// cacheable one.
	ui.render(c, http.StatusOK, "verify", verifyPage{Found: true, Result: toVerificationView(v)})
}

func (ui *UI) verifyUpload(c *gin.Context) {
	f, _, err := openUpload(c, "file", maxVerifyUpload+1<<20)
	switch {
	case errors.Is(err, errNoFile):
		ui.render(c, http.StatusUnprocessableEntity, "verify", verifyPage{Problem: newMessage("ErrNoFile")})
		return
	case errors.Is(err, errBodyTooLarge):
		ui.render(c, http.StatusRequestEntityTooLarge, "verify", verifyPage{Problem: newMessage("VerifyTooLarge")})
		return
	case err != nil:
		ui.renderError(c, http.StatusBadRequest, "BadRequestTitle", "BadRequestText")
		return
	}
	defer f.Close()
	pdf, err := io.ReadAll(io.LimitReader(f, maxVerifyUpload+1))
	if err != nil || len(pdf) > maxVerifyUpload {
		ui.render(c, http.StatusRequestEntityTooLarge, "verify", verifyPage{Problem: newMessage("VerifyTooLarge")})
		return
	}
	v, err := ui.svc.Documents.VerifyPDF(c.Request.Context(), pdf)
	if errors.Is(err, services.ErrNotFound) {
		ui.render(c, http.StatusOK, "verify", verifyPage{Uploaded: true})
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "verify", verifyPage{Found: true, Uploaded: true, Result: toVerificationView(v)})
}
