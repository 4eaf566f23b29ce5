package services

import (
	"context"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// ResetRequestOpenFor is how long a "Passwort vergessen" request waits on
// the user list for staff to act: a week. Until e-mail exists the course
// office answers it by hand, and a person still locked out after a week
// has most likely asked again or called.
const ResetRequestOpenFor = 7 * 24 * time.Hour

// ResetRequest is an open request of a known, active user for a new
// password.
type ResetRequest struct {
	User        models.User
	RequestedAt time.Time
}

// resetRequested is the audit action of a request; requests for unknown
// addresses are audited without an object, so they never show here.
const resetRequested = "user.password_reset_requested"

// resetAnswered are the audit actions that answer a user's request when
// they follow it: staff created a link (or invited them again), they set
// a password, or they logged in and so need none.
var resetAnswered = []string{"user.password_link_created", "user.invited", "user.password_set_by_link",
	"user.password_changed", "login.succeeded"}

// ResetRequests returns the open password reset requests of the users the
// actor may manage, oldest first: those waiting longest lead.
func (a *Users) ResetRequests(ctx context.Context, actor Actor) ([]ResetRequest, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	db := a.db.WithContext(ctx)
	// The audit log stamps its rows with the wall clock, so the week is
	// counted on it too.
	open, err := openResetRequests(db, time.Now())
	if err != nil || len(open) == 0 {
		return nil, err
	}
	var users []models.User
	if err := db.Where("id IN ? AND status = ?", keysOf(open), models.UserActive).Find(&users).Error; err != nil {
		return nil, err
	}
	out := make([]ResetRequest, 0, len(users))
	for _, u := range users {
		if MayManage(actor, u.Role) {
			out = append(out, ResetRequest{User: u, RequestedAt: open[u.ID]})
		}
	}
	slices.SortFunc(out, func(x, y ResetRequest) int {
		if c := x.RequestedAt.Compare(y.RequestedAt); c != 0 {
			return c
		}
		return int(x.User.ID) - int(y.User.ID)
	})
	return out, nil
}

// openResetRequests reads the requests and their answers of the last
// ResetRequestOpenFor from the audit log, in one query, and keeps each
// user's last request that no answer followed.
func openResetRequests(db *gorm.DB, now time.Time) (map[uint]time.Time, error) {
	var events []models.AuditEvent
	err := db.Select("id", "object_id", "action", "created_at").
		Where("object_type = ? AND object_id <> '' AND action IN ? AND created_at > ?",
			"user", append([]string{resetRequested}, resetAnswered...), now.Add(-ResetRequestOpenFor).UTC()).
		Order("created_at, id").Find(&events).Error
	if err != nil {
		return nil, err
	}
	open := map[uint]time.Time{}
	for _, ev := range events {
		id, err := strconv.ParseUint(ev.ObjectID, 10, 32)
		if err != nil {
			continue
		}
		if ev.Action == resetRequested {
			open[uint(id)] = ev.CreatedAt
		} else {
			delete(open, uint(id))
		}
	}
	return open, nil
}

func keysOf(m map[uint]time.Time) []uint {
	keys := make([]uint, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
