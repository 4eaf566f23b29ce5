package services

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// ErrTokenInvalid answers a password link that is unknown, used or expired.
var ErrTokenInvalid = refuse(ErrNotFound, CodePasswordLinkInvalid)

// SetPasswordWithToken redeems an invitation or reset link: it sets the
// password, uses up the token, ends all sessions of the user and opens a
// new one, so that the person is logged in afterwards.
func (a *Passwords) SetPasswordWithToken(ctx context.Context, token, password string, client Actor) (LoginResult, error) {
	var res LoginResult
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		var t models.UserToken
		err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), a.now()).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrTokenInvalid
		}
		if err != nil {
			return err
		}
		user, err := lockUser(tx, t.UserID)
		if err != nil {
			return err
		}
		if user.Status != models.UserActive {
			return ErrTokenInvalid
		}
		// The conditional update makes the token single-use even when two
		// requests redeem it at the same moment.
		used := tx.Model(&models.UserToken{}).Where("id = ? AND used_at IS NULL", t.ID).Update("used_at", a.now())
		if used.Error != nil {
			return used.Error
		}
		if used.RowsAffected != 1 {
			return ErrTokenInvalid
		}
		res, err = a.replacePassword(tx, user, password, actorOf(user, client), "user.password_set_by_link")
		return err
	})
	return res, err
}

// ChangePassword sets a new password for the actor after checking the
// current one. All sessions end; the caller gets a fresh one.
func (a *Passwords) ChangePassword(ctx context.Context, actor Actor, current, password string) (LoginResult, error) {
	if actor.IsAnonymous() {
		return LoginResult{}, ErrUnauthorized
	}
	if actor.APITokenID != 0 {
		// A token must not be able to lock its owner out.
		return LoginResult{}, ErrForbidden
	}
	var res LoginResult
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		user, err := lockUser(tx, actor.UserID)
		if err != nil {
			return err
		}
		if ok, err := verifyPassword(user.PasswordHash, current); err != nil || !ok {
			return invalid("current_password", CodePasswordCurrentWrong)
		}
		res, err = a.replacePassword(tx, user, password, actor, "user.password_changed")
		return err
	})
	return res, err
}

func (a *accounts) replacePassword(tx *gorm.DB, user models.User, password string, actor Actor, action string) (LoginResult, error) {
	if code, p := checkPassword(password, user.Email); code != "" {
		return LoginResult{}, invalid("password", code, p...)
	}
	hash, err := a.hashPassword(tx.Statement.Context, password)
	if err != nil {
		return LoginResult{}, err
	}
	if err := tx.Model(&user).Updates(map[string]any{"password_hash": hash, "must_change_password": false}).Error; err != nil {
		return LoginResult{}, err
	}
	if err := endSessions(tx, user.ID); err != nil {
		return LoginResult{}, err
	}
	if err := a.endLinks(tx, user.ID); err != nil {
		return LoginResult{}, err
	}
	token, err := a.openSession(tx, user.ID)
	if err != nil {
		return LoginResult{}, err
	}
	user.MustChangePassword = false
	if err := record(tx, actor, action, "user", user.ID, nil, nil); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, User: user}, nil
}

// PasswordLink is a one-time link's token, when it stops working, and the
// user it is for.
type PasswordLink struct {
	Token     string
	Purpose   models.TokenPurpose
	ExpiresAt time.Time
	User      models.User
}

// ResetLink creates a one-time link for a user to set a new password,
// issued by staff (until e-mail delivery exists, staff pass it on): a
// reset link, or an invitation link for a user who never set a password.
func (a *Passwords) ResetLink(ctx context.Context, actor Actor, userID uint) (PasswordLink, error) {
	var link PasswordLink
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		user, err := lockUser(tx, userID)
		if err != nil {
			return err
		}
		if !MayManage(actor, user.Role) {
			return ErrForbidden
		}
		if user.Status != models.UserActive {
			return ErrAccountDisabled
		}
		purpose := models.PurposeReset
		if user.PasswordHash == "" {
			purpose = models.PurposeInvite
		}
		life := a.cfg.ResetLifetime
		if purpose == models.PurposeInvite {
			life = a.cfg.InviteLifetime
		}
		token, err := a.issueToken(tx, actor, user.ID, purpose, life)
		if err != nil {
			return err
		}
		link = PasswordLink{Token: token, Purpose: purpose, ExpiresAt: a.now().Add(life), User: user}
		return record(tx, actor, "user.password_link_created", "user", user.ID, nil, map[string]string{"purpose": string(purpose)})
	})
	return link, err
}

// PasswordTokenValid reports whether a one-time link still works, without
// using it up, so that a page can refuse a dead link before asking for a
// password.
func (a *Passwords) PasswordTokenValid(ctx context.Context, token string) (bool, error) {
	var n int64
	err := a.db.WithContext(ctx).Model(&models.UserToken{}).
		Joins("JOIN users ON users.id = user_tokens.user_id").
		Where("user_tokens.token_hash = ? AND user_tokens.used_at IS NULL AND user_tokens.expires_at > ? AND users.status = ?",
			hashToken(token), a.now(), models.UserActive).
		Count(&n).Error
	return n == 1, err
}

// RequestReset records that someone asked to reset the password of email.
// It answers the same whether or not the address has an account, so that
// nobody can probe for accounts, and refuses more than MaxFailures requests
// from one client address (its /64 for IPv6) in the failure window, each
// reserved before it counts as logins are; staff see the requests in the
// audit log.
func (a *Passwords) RequestReset(ctx context.Context, rawEmail string, client Actor) error {
	email, ok := normalizeEmail(rawEmail)
	if !ok {
		return invalid("email", CodeEmailInvalid)
	}
	key := throttleKey(client.ClientAddr)
	// Only the client address counts; the e-mail address is not kept.
	attempt := models.LoginAttempt{Purpose: models.AttemptReset, ClientAddr: key}
	_, err := a.reserve(ctx, attempt, func(own uint) error {
		return a.overLimit(a.db.WithContext(ctx).Where("purpose = ? AND client_addr = ? AND created_at > ? AND id <> ?",
			models.AttemptReset, key, a.now().Add(-a.cfg.FailureWindow), own), a.cfg.MaxFailures)
	})
	if err != nil {
		return err
	}
	return inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		var user models.User
		err := tx.Where("email = ? AND status = ?", email, models.UserActive).Take(&user).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		// Known or not, one event is written, so that neither the time
		// taken nor the answer tells whether the address has an account.
		// An unknown address is not kept.
		objectID := ""
		if user.ID != 0 {
			objectID = fmt.Sprint(user.ID)
		}
		return record(tx, client, "user.password_reset_requested", "user", objectID, nil, nil)
	})
}
