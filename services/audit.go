package services

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// Audit writes and reads the audit log.
type Audit struct {
	db *gorm.DB
}

// record writes one event inside the caller's transaction, so that the event
// exists exactly when the change does. before and after are stored as JSON;
// nil stores nothing.
func record(tx *gorm.DB, actor Actor, action, objectType string, objectID any, before, after any) error {
	return saveEvent(tx, auditEvent(actor, action, objectType, objectID, before, after))
}

// saveEvent writes one audit event built by auditEvent.
func saveEvent(tx *gorm.DB, ev models.AuditEvent) error {
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("write audit event %s: %w", ev.Action, err)
	}
	return nil
}

// auditEvent builds an event for record, or for a batch insert. Values
// that cannot be encoded are recorded as such rather than failing the change.
func auditEvent(actor Actor, action, objectType string, objectID any, before, after any) models.AuditEvent {
	ev := models.AuditEvent{
		Action:     action,
		ObjectType: objectType,
		ObjectID:   fmt.Sprint(objectID),
		ActorEmail: actor.Email,
		ClientAddr: actor.ClientAddr,
		RequestID:  actor.RequestID,
	}
	if !actor.IsAnonymous() {
		id := actor.UserID
		ev.ActorID = &id
	}
	ev.Before, ev.After = auditJSON(before), auditJSON(after)
	ev.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	return ev
}

func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"unencodable":%q}`, err.Error())
	}
	return string(b)
}

// AuditFilter narrows a listing of the audit log. Zero fields do not filter.
type AuditFilter struct {
	Action     string
	ObjectType string
	ObjectID   string
	ActorID    uint
	From, To   time.Time
	Page       Page
}

// List returns the newest events first, one page of them, and how many match.
func (a *Audit) List(ctx context.Context, actor Actor, f AuditFilter) ([]models.AuditEvent, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	if err := checkTerms("action", f.Action, "object_type", f.ObjectType, "object_id", f.ObjectID); err != nil {
		return nil, 0, err
	}
	q := a.db.WithContext(ctx).Model(&models.AuditEvent{})
	if f.Action != "" {
		q = q.Where("action LIKE ? ESCAPE '\\'", strings.ReplaceAll(escapeLike(f.Action), "*", "%"))
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	// Times are stored in UTC; SQLite compares them as text, so the
	// bounds must be in UTC too.
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var events []models.AuditEvent
	err := q.Order("created_at DESC, id DESC").Limit(f.Page.limit()).Offset(f.Page.offset()).Find(&events).Error
	return events, total, err
}
