package services

import (
	"context"

	"gorm.io/gorm"

	"kohorte/models"
)

// UserFilter narrows a listing of users. Zero fields do not filter.
type UserFilter struct {
	Search string
	Role   models.Role
	Status models.UserStatus
	// ResetRequested keeps the users with an open password reset request;
	// see ResetRequests.
	ResetRequested bool
	Page           Page
}

// ListUsers returns one page of users, ordered by name, and how many match.
// Staff and admins see all users.
func (a *Users) ListUsers(ctx context.Context, actor Actor, f UserFilter) ([]models.User, int64, error) {
	if !actor.IsStaff() {
		return nil, 0, ErrForbidden
	}
	if err := checkTerms("search", f.Search, "role", string(f.Role), "status", string(f.Status)); err != nil {
		return nil, 0, err
	}
	q := a.db.WithContext(ctx).Model(&models.User{})
	q = whereSearch(q, "search_text", f.Search)
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.ResetRequested {
		requests, err := a.ResetRequests(ctx, actor)
		if err != nil {
			return nil, 0, err
		}
		ids := make([]uint, len(requests))
		for i, r := range requests {
			ids[i] = r.User.ID
		}
		q = q.Where("id IN ?", append(ids, 0))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var users []models.User
	err := q.Order("display_name, id").Limit(f.Page.limit()).Offset(f.Page.offset()).Find(&users).Error
	return users, total, err
}

// GetUser returns one user: any user for staff, only themselves for others.
func (a *Users) GetUser(ctx context.Context, actor Actor, id uint) (models.User, error) {
	if !actor.IsStaff() && actor.UserID != id {
		return models.User{}, notFound("user", id)
	}
	var u models.User
	err := a.db.WithContext(ctx).Take(&u, id).Error
	if err == gorm.ErrRecordNotFound {
		return u, notFound("user", id)
	}
	return u, err
}

// UserChange is a change of role, of status, or of both; nil keeps.
type UserChange struct {
	Role   *models.Role
	Status *models.UserStatus
}

func (ch UserChange) validate() error {
	verr := &ValidationError{}
	if ch.Role == nil && ch.Status == nil {
		verr.Add("role", CodeUserChangeEmpty)
	}
	if ch.Role != nil && !validRole(*ch.Role) {
		verr.Add("role", CodeRoleInvalid)
	}
	if ch.Status != nil && *ch.Status != models.UserActive && *ch.Status != models.UserDisabled {
		verr.Add("status", CodeStatusInvalid)
	}
	return verr.Err()
}

// action names the change in the audit log.
func (ch UserChange) action() string {
	switch {
	case ch.Role != nil && ch.Status != nil:
		return "user.changed"
	case ch.Role != nil:
		return "user.role_changed"
	case *ch.Status == models.UserDisabled:
		return "user.disabled"
	}
	return "user.enabled"
}

// UpdateUser changes a user's role and status in one transaction, all or
// nothing, and ends their sessions and password links so that the change
// applies at once.
func (a *Users) UpdateUser(ctx context.Context, actor Actor, id uint, ch UserChange) (models.User, error) {
	if err := ch.validate(); err != nil {
		return models.User{}, err
	}
	return a.changeUser(ctx, actor, id, ch.action(), func(tx *gorm.DB, u *models.User) error {
		if ch.Role != nil && !MayManage(actor, *ch.Role) {
			return ErrForbidden
		}
		if ch.Status != nil && *ch.Status == models.UserDisabled && u.ID == actor.UserID {
			return ErrDisableSelf
		}
		leavesAdmins := u.Role == models.RoleAdmin &&
			(ch.Role != nil && *ch.Role != models.RoleAdmin || ch.Status != nil && *ch.Status == models.UserDisabled)
		if leavesAdmins {
			if err := keepOneAdmin(tx, u.ID); err != nil {
				return err
			}
		}
		if ch.Role != nil {
			u.Role = *ch.Role
		}
		if ch.Status != nil {
			u.Status = *ch.Status
		}
		return nil
	})
}

// ChangeRole gives a user another role and ends their sessions.
func (a *Users) ChangeRole(ctx context.Context, actor Actor, id uint, role models.Role) (models.User, error) {
	return a.UpdateUser(ctx, actor, id, UserChange{Role: &role})
}

// SetStatus disables or re-enables a user. Disabling ends their sessions.
func (a *Users) SetStatus(ctx context.Context, actor Actor, id uint, status models.UserStatus) (models.User, error) {
	return a.UpdateUser(ctx, actor, id, UserChange{Status: &status})
}

// changeUser locks a user, lets change modify it, saves it, ends the user's
// sessions and one-time password links and writes the audit event, all in one transaction.
func (a *accounts) changeUser(ctx context.Context, actor Actor, id uint, action string, change func(*gorm.DB, *models.User) error) (models.User, error) {
	var u models.User
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		// Admins are locked first and always in the same order, so that two
		// admins stepping down at once cannot both leave, nor deadlock.
		if err := lockAdmins(tx); err != nil {
			return err
		}
		var err error
		if u, err = lockUser(tx, id); err != nil {
			return err
		}
		if !MayManage(actor, u.Role) {
			return ErrForbidden
		}
		before := userSnapshot(u)
		role, status := u.Role, u.Status
		if err := change(tx, &u); err != nil {
			return err
		}
		if u.Role != role || u.Status != status {
			// Tokens do not come back with the old role or status.
			if err := a.revokeAPITokens(tx, u.ID); err != nil {
				return err
			}
		}
		if err := tx.Model(&u).Select("role", "status", "updated_at").Updates(&u).Error; err != nil {
			return err
		}
		if err := endSessions(tx, u.ID); err != nil {
			return err
		}
		if err := a.endLinks(tx, u.ID); err != nil {
			return err
		}
		return record(tx, actor, action, "user", u.ID, before, userSnapshot(u))
	})
	return u, err
}

func lockAdmins(tx *gorm.DB) error {
	var ids []uint
	return tx.Clauses(lockForUpdate()).Model(&models.User{}).Where("role = ?", models.RoleAdmin).Order("id").Pluck("id", &ids).Error
}

// keepOneAdmin refuses a change that would leave no active admin.
func keepOneAdmin(tx *gorm.DB, leaving uint) error {
	var n int64
	err := tx.Model(&models.User{}).
		Where("role = ? AND status = ? AND id <> ?", models.RoleAdmin, models.UserActive, leaving).
		Count(&n).Error
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}
