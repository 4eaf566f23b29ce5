package frontend

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/certificates"
	"kohorte/services"
)

// checkinStaffPage shows the code of an open check-in, large, with its QR
// code, and reloads itself when the next code is due: a laptop on a
// projector needs no script for it.
type checkinStaffPage struct {
	Session   sessionRow
	Open      bool
	Code      string
	QR        template.HTML
	Link      string
	Refresh   int
	Problem   *message
	InPerson  bool
	Cancelled bool
}

func (ui *UI) checkinStaffPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	ui.showCheckinStaff(c, http.StatusOK, id, nil)
}

func (ui *UI) showCheckinStaff(c *gin.Context, status int, id uint, problem *message) {
	ctx, actor := c.Request.Context(), access.ActorOf(c)
	s, err := ui.svc.Schedule.GetSession(ctx, actor, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	page := checkinStaffPage{Session: toSessionRow(s), Problem: problem, InPerson: s.Kind.InPerson(), Cancelled: s.Cancelled()}
	code, err := ui.svc.Attendance.CurrentCheckinCode(ctx, actor, id)
	switch {
	case err == nil:
		if err := ui.fillCheckinCode(c, &page, code); err != nil {
			ui.fail(c, err)
			return
		}
	case errors.Is(err, services.ErrCheckinClosed), errors.Is(err, services.ErrCheckinNotInPerson),
		errors.Is(err, services.ErrAttendanceSessionCancelled):
	default:
		ui.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	ui.render(c, status, "checkin_staff", page)
}

func (ui *UI) fillCheckinCode(c *gin.Context, page *checkinStaffPage, code services.CheckinCode) error {
	page.Open, page.Code = true, code.Code
	page.Link = access.PublicURL(c, services.CheckinPath(code.Session.ID, code.Code))
	qr, err := certificates.NewQR(page.Link)
	if err != nil {
		return err
	}
	// The SVG is drawn by our own code from the code's modules; only the
	// title is text, and SVG escapes it.
	page.QR = template.HTML(qr.SVG(code.Code)) //nolint:gosec
	page.Refresh = max(1, int(time.Until(code.ShownUntil).Seconds()+1))
	return nil
}

func (ui *UI) openCheckin(c *gin.Context) {
	ui.switchCheckin(c, true)
}

func (ui *UI) closeCheckin(c *gin.Context) {
	ui.switchCheckin(c, false)
}

func (ui *UI) switchCheckin(c *gin.Context, open bool) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	var err error
	if open {
		_, err = ui.svc.Attendance.OpenCheckin(c.Request.Context(), access.ActorOf(c), id)
	} else {
		err = ui.svc.Attendance.CloseCheckin(c.Request.Context(), access.ActorOf(c), id)
	}
	if m := invalidAction(err); m != nil {
		ui.showCheckinStaff(c, http.StatusConflict, id, m)
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/termine/%d/check-in", id))
}

// checkinPage is where a participant enters the code, or lands from the
// QR code with it filled in.
type checkinPage struct {
	SessionID uint
	Code      string
	Problem   *message
	Done      bool
	Again     bool
}

func (ui *UI) checkinPage(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	code := c.Query("code")
	if len(code) > 20 {
		code = ""
	}
	ui.render(c, http.StatusOK, "checkin", checkinPage{SessionID: id, Code: code, Done: c.Query("erledigt") != "",
		Again: c.Query("erledigt") == "schon"})
}

func (ui *UI) checkIn(c *gin.Context) {
	id, ok := ui.pathID(c)
	if !ok {
		return
	}
	code := c.PostForm("code")
	if len(code) > 20 {
		code = code[:20]
	}
	res, err := ui.svc.Attendance.CheckIn(c.Request.Context(), access.ActorOf(c), id, code)
	if err == nil {
		done := "ja"
		if res.Changed == 0 {
			done = "schon"
		}
		c.Redirect(http.StatusSeeOther, "/check-in/"+strconv.FormatUint(uint64(id), 10)+"?erledigt="+done)
		return
	}
	page := checkinPage{SessionID: id, Code: code}
	var verr *services.ValidationError
	switch {
	case errors.As(err, &verr):
		page.Problem = serviceMessage(verr.Fields[0])
	case errors.Is(err, services.ErrCheckinNotExpected), errors.Is(err, services.ErrInvalidAction):
		page.Problem = refusalMessage(err)
	default:
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusUnprocessableEntity, "checkin", page)
}
