package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// maxVerifyUpload bounds an uploaded PDF; issued documents are far smaller.
const maxVerifyUpload = 10 << 20

// verificationResponse is what anyone may learn of an issued document.
type verificationResponse struct {
	Holder       string     `json:"holder"`
	Kind         string     `json:"kind"`
	Number       string     `json:"number"`
	Course       string     `json:"course"`
	Cohort       string     `json:"cohort"`
	IssuedOn     string     `json:"issued_on"`
	Status       string     `json:"status"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
	SupersededBy string     `json:"superseded_by,omitempty"`
	SHA256       string     `json:"sha256"`
}

func toVerificationResponse(v services.Verification) verificationResponse {
	return verificationResponse{Holder: v.Holder, Kind: string(v.Kind), Number: v.Number, Course: v.Course,
		Cohort: v.Cohort, IssuedOn: v.IssuedOn.String(), Status: string(v.Status), RevokedAt: v.RevokedAt,
		RevokeReason: v.RevokeReason, SupersededBy: v.SupersededBy, SHA256: v.SHA256}
}

// verificationCacheControl says how long an answer may be kept: a valid
// document's answer for five minutes (a revocation shows within that
// time), any other answer not without asking again.
func verificationCacheControl(v services.Verification) string {
	if v.Status == services.DocumentValid {
		return "public, max-age=300"
	}
	return "no-cache"
}

func (h *handlers) verifyToken(c *gin.Context) {
	v, err := h.svc.Documents.Verify(c.Request.Context(), c.Param("token"))
	if err != nil {
		c.Header("Cache-Control", "no-store")
		h.writeError(c, err)
		return
	}
	c.Header("Cache-Control", verificationCacheControl(v))
	c.JSON(http.StatusOK, toVerificationResponse(v))
}

// verifyUpload tells whether the PDF in the body (raw, or as the field
// "file" of a form) is byte for byte an issued document.
func (h *handlers) verifyUpload(c *gin.Context) {
	pdf, err := uploadedPDF(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	v, err := h.svc.Documents.VerifyPDF(c.Request.Context(), pdf)
	c.Header("Cache-Control", "no-store")
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toVerificationResponse(v))
}

// errUploadTooLarge refuses a body beyond maxVerifyUpload.
var errUploadTooLarge = (&services.ValidationError{}).Add("file", services.CodeTooLarge, "max", maxVerifyUpload)

func uploadedPDF(c *gin.Context) ([]byte, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxVerifyUpload+1<<20)
	var r io.Reader = c.Request.Body
	if ct := c.ContentType(); ct == "multipart/form-data" {
		fh, err := c.FormFile("file")
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return nil, errUploadTooLarge
			}
			return nil, (&services.ValidationError{}).Add("file", services.CodeRequired)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, maxVerifyUpload+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || n > maxVerifyUpload:
		return nil, errUploadTooLarge
	case err != nil:
		return nil, err
	case n == 0:
		return nil, (&services.ValidationError{}).Add("file", services.CodeRequired)
	}
	return buf.Bytes(), nil
}
