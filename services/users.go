package services

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"kohorte/models"
)

// userSnapshot is how a user appears in the audit log.
func userSnapshot(u models.User) map[string]any {
	return map[string]any{"email": u.Email, "display_name": u.DisplayName, "role": u.Role, "status": u.Status}
}

// cleanName trims a display name and brings it to Unicode NFC, so that the
// same name typed on two systems compares equal.
func cleanName(raw string) string {
	return norm.NFC.String(strings.TrimSpace(raw))
}

func validRole(r models.Role) bool {
	for _, known := range models.Roles {
		if r == known {
			return true
		}
	}
	return false
}

// MayManage reports whether actor may create or change accounts of role:
// staff manage jurors and participants, only admins manage staff and admins.
func MayManage(actor Actor, role models.Role) bool {
	switch role {
	case models.RoleAdmin, models.RoleStaff:
		return actor.Is(models.RoleAdmin)
	case models.RoleJuror, models.RoleParticipant:
		return actor.IsStaff()
	}
	return false
}

// FirstAdmin is the result of making sure an admin exists.
type FirstAdmin struct {
	Created bool
	Email   string
	// OneTimePassword is set when Kohorte chose the password; it is shown
	// once and must be changed at the first login.
	OneTimePassword string
}

// EnsureAdmin creates the first admin if there is none: with the given
// password, or with a generated one that must be changed at first login.
func (a *Users) EnsureAdmin(ctx context.Context, rawEmail, password string) (FirstAdmin, error) {
	email, ok := normalizeEmail(rawEmail)
	if !ok {
		return FirstAdmin{}, invalid("email", CodeEmailInvalid)
	}
	res := FirstAdmin{Email: email}
	mustChange := password == ""
	if mustChange {
		password = rand.Text()
	} else if code, p := checkPassword(password, email); code != "" {
		return res, invalid("password", code, p...)
	}
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return res, err
	}
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.User{}).Where("role = ?", models.RoleAdmin).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		u := models.User{Email: email, DisplayName: "Administrator", Role: models.RoleAdmin, Status: models.UserActive,
			PasswordHash: hash, MustChangePassword: mustChange, SearchText: searchKey("Administrator", email)}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		res.Created = true
		return record(tx, Actor{}, "user.created", "user", u.ID, nil, userSnapshot(u))
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Another instance starting at the same moment created it.
		return FirstAdmin{Email: email}, nil
	}
	if err != nil || !res.Created {
		return FirstAdmin{Email: email}, err
	}
	if mustChange {
		res.OneTimePassword = password
	}
	return res, nil
}

// InviteInput names a person to invite.
type InviteInput struct {
	Email       string
	DisplayName string
	Role        models.Role
}

func (in InviteInput) validate() (string, error) {
	verr := &ValidationError{}
	email, ok := normalizeEmail(in.Email)
	if !ok {
		verr.Add("email", CodeEmailInvalid)
	}
	name := cleanName(in.DisplayName)
	if name == "" {
		verr.Add("display_name", CodeRequired)
	} else if utf8.RuneCountInString(name) > 200 {
		verr.Add("display_name", CodeTooLong, "max", 200)
	} else if code := TextCode(name); code != "" {
		verr.Add("display_name", code)
	}
	if !validRole(in.Role) {
		verr.Add("role", CodeRoleInvalid)
	}
	return email, verr.Err()
}

// Check reports every problem of the input; see CohortInput.Check.
func (in InviteInput) Check() error {
	_, err := in.validate()
	return err
}

// Invitation is a new account and the one-time link token that lets its
// person set a password.
type Invitation struct {
	User      models.User
	Token     string
	ExpiresAt time.Time
}

// Invite creates an account without a password and a one-time token to set
// one. Inviting an address again that never set a password replaces the
// earlier link; an address whose account is in use is a conflict.
func (a *Users) Invite(ctx context.Context, actor Actor, in InviteInput) (Invitation, error) {
	email, err := in.validate()
	if err != nil {
		return Invitation{}, err
	}
	if !MayManage(actor, in.Role) {
		return Invitation{}, ErrForbidden
	}
	var inv Invitation
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		inv, err = a.inviteTx(tx, actor, email, cleanName(in.DisplayName), in.Role)
		return err
	})
	return inv, err
}

// inviteTx creates or reuses the account and issues its link inside the
// caller's transaction.
func (a *accounts) inviteTx(tx *gorm.DB, actor Actor, email, name string, role models.Role) (Invitation, error) {
	u, err := a.invitee(tx, actor, email, name, role)
	if err != nil {
		return Invitation{}, err
	}
	token, err := a.issueToken(tx, actor, u.ID, models.PurposeInvite, a.cfg.InviteLifetime)
	if err != nil {
		return Invitation{}, err
	}
	return Invitation{User: u, Token: token, ExpiresAt: a.now().Add(a.cfg.InviteLifetime)}, record(tx, actor, "user.invited", "user", u.ID, nil, userSnapshot(u))
}

// invitee creates the invited account, or returns the existing one if its
// person never set a password.
func (a *accounts) invitee(tx *gorm.DB, actor Actor, email, name string, role models.Role) (models.User, error) {
	var u models.User
	err := tx.Where("email = ?", email).Take(&u).Error
	switch {
	case err == nil && u.PasswordHash != "":
		return u, refuse(ErrConflict, CodeAccountEmailTaken)
	case err == nil:
		if !MayManage(actor, u.Role) {
			return u, ErrForbidden
		}
		return u, nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return u, err
	}
	u = models.User{Email: email, DisplayName: name, Role: role, Status: models.UserActive, SearchText: searchKey(name, email)}
	if err := tx.Create(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return u, refuse(ErrConflict, CodeAccountEmailTaken)
		}
		return u, err
	}
	return u, record(tx, actor, "user.created", "user", u.ID, nil, userSnapshot(u))
}

// issueToken replaces the user's open tokens of purpose by a new one.
func (a *accounts) issueToken(tx *gorm.DB, actor Actor, userID uint, purpose models.TokenPurpose, life time.Duration) (string, error) {
	now := a.now()
	if err := tx.Model(&models.UserToken{}).
		Where("user_id = ? AND purpose = ? AND used_at IS NULL", userID, purpose).
		Update("expires_at", now).Error; err != nil {
		return "", err
	}
	token, hash := newToken()
	t := models.UserToken{UserID: userID, Purpose: purpose, TokenHash: hash, ExpiresAt: now.Add(life), CreatedAt: now}
	if !actor.IsAnonymous() {
		id := actor.UserID
		t.CreatedByID = &id
	}
	return token, tx.Create(&t).Error
}

// CommandLineActor acts for the operator of a command-line task such as
// loading the demo: the first active admin, marked as coming from the
// command line in the audit log.
func (a *Users) CommandLineActor(ctx context.Context) (Actor, error) {
	var u models.User
	err := a.db.WithContext(ctx).Where("role = ? AND status = ?", models.RoleAdmin, models.UserActive).Order("id").Take(&u).Error
	if err != nil {
		return Actor{}, fmt.Errorf("find an admin to act as: %w", err)
	}
	return actorOf(u, Actor{ClientAddr: "command line"}), nil
}
