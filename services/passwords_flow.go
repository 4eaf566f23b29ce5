package services

import (
	"context"
	"crypto/rand"
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
// new one, so that the person is logged in afterwards. The new password is
// hashed before the transaction, so that no database connection waits for
// a hashing slot.
func (a *Passwords) SetPasswordWithToken(ctx context.Context, token, password string, client Actor) (LoginResult, error) {
	var link models.UserToken
	err := a.db.WithContext(ctx).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), a.now()).Take(&link).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LoginResult{}, ErrTokenInvalid
	}
	if err != nil {
		return LoginResult{}, err
	}
	var owner models.User
	if err := a.db.WithContext(ctx).Take(&owner, link.UserID).Error; err != nil {
		return LoginResult{}, err
	}
	hash, err := a.newPasswordHash(ctx, password, owner.Email)
	if err != nil {
		return LoginResult{}, err
	}
	var res LoginResult
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
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
		if user.Status != models.UserActive || user.Email != owner.Email {
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
		res, err = a.replacePassword(tx, user, hash, actorOf(user, client), "user.password_set_by_link")
		if err != nil {
			return err
		}
		// The link logs the person in, so it is their last login.
		now := a.now()
		res.User.LastLoginAt = &now
		return tx.Model(&res.User).Update("last_login_at", now).Error
	})
	return res, err
}

// ChangePassword sets a new password for the actor after checking the
// current one. A wrong current password counts as a failed login of the
// account from the actor's address, and is throttled the same way. While a
// generated password must be changed, an empty current password is not
// asked for: the session was opened with it, and every session ends when
// the password changes; the change still counts against the throttle. All
// sessions end; the caller gets a fresh one. Both hashes are worked out
// before the transaction, so that no database connection waits for a
// hashing slot.
func (a *Passwords) ChangePassword(ctx context.Context, actor Actor, current, password string) (LoginResult, error) {
	if actor.IsAnonymous() {
		return LoginResult{}, ErrUnauthorized
	}
	if actor.APITokenID != 0 {
		// A token must not be able to lock its owner out.
		return LoginResult{}, ErrForbidden
	}
	user, err := a.checkBeforeChange(ctx, actor, current)
	var wrong *ValidationError
	if errors.As(err, &wrong) {
		// The new password's problems are reported with it, so that the
		// form is corrected in one go.
		if code, p := checkPassword(password, user.Email); code != "" {
			wrong.Add("password", code, p...)
		}
		return LoginResult{}, wrong
	}
	if err != nil {
		return LoginResult{}, err
	}
	hash, err := a.newPasswordHash(ctx, password, user.Email)
	if err != nil {
		return LoginResult{}, err
	}
	var res LoginResult
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		locked, err := lockUser(tx, actor.UserID)
		if err != nil {
			return err
		}
		if locked.PasswordHash != user.PasswordHash {
			// The password changed since it was checked.
			return invalid("current_password", CodePasswordCurrentWrong)
		}
		res, err = a.replacePassword(tx, locked, hash, actor, "user.password_changed")
		return err
	})
	return res, err
}

// checkBeforeChange checks the current password for ChangePassword, or,
// while a generated password must be changed and none is given, only
// reserves the attempt, so that a locked account stays locked.
func (a *accounts) checkBeforeChange(ctx context.Context, actor Actor, current string) (models.User, error) {
	if current != "" {
		return a.checkCurrentPassword(ctx, actor, current)
	}
	var user models.User
	if err := a.db.WithContext(ctx).Take(&user, actor.UserID).Error; err != nil {
		return user, err
	}
	if !user.MustChangePassword {
		return user, invalid("current_password", CodeRequired)
	}
	attempt, err := a.reserveAttempt(ctx, user.Email, throttleKey(actor.ClientAddr))
	if err != nil {
		return user, err
	}
	// The reservation only asked whether the account is locked: no password
	// was checked, so it counts neither as a success, which would clear the
	// account's failures, nor as a failure.
	return user, a.db.WithContext(ctx).Delete(&attempt).Error
}

// checkCurrentPassword checks the password of the actor's account as a
// login would: the attempt is reserved and counted first, a success clears
// the account's failures, a failure counts towards its lock.
func (a *accounts) checkCurrentPassword(ctx context.Context, actor Actor, current string) (models.User, error) {
	var user models.User
	if err := a.db.WithContext(ctx).Take(&user, actor.UserID).Error; err != nil {
		return user, err
	}
	attempt, err := a.reserveAttempt(ctx, user.Email, throttleKey(actor.ClientAddr))
	if err != nil {
		return user, err
	}
	var match bool
	err = a.hashing(ctx, func() error {
		var verr error
		match, verr = verifyPassword(user.PasswordHash, current)
		if verr != nil && user.PasswordHash != "" {
			return verr
		}
		return nil
	})
	if err != nil {
		return user, fmt.Errorf("user %d: %w", user.ID, err)
	}
	if !match {
		return user, invalid("current_password", CodePasswordCurrentWrong)
	}
	return user, a.db.WithContext(ctx).Model(&attempt).Update("success", true).Error
}

// newPasswordHash checks a new password for the account of email and
// hashes it in one of the hashing slots.
func (a *accounts) newPasswordHash(ctx context.Context, password, email string) (string, error) {
	if code, p := checkPassword(password, email); code != "" {
		return "", invalid("password", code, p...)
	}
	return a.hashPassword(ctx, password)
}

// replacePassword stores hash as the user's password, ends their sessions
// and one-time links and opens a new session, inside tx.
func (a *accounts) replacePassword(tx *gorm.DB, user models.User, hash string, actor Actor, action string) (LoginResult, error) {
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

// ResetByOperator gives the account of email a new generated password that
// must be changed at the next login, and ends its sessions and open
// one-time links: the way back in for an operator who lost the first
// admin's password. It checks no role, because whoever runs it at the
// command line holds the database anyway; no route may call it. operator
// is recorded in the audit log. A disabled account is refused and left as
// it is.
func (a *Passwords) ResetByOperator(ctx context.Context, rawEmail string, operator Actor) (string, error) {
	email, ok := normalizeEmail(rawEmail)
	if !ok {
		return "", invalid("email", CodeEmailInvalid)
	}
	password := rand.Text()
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return "", err
	}
	err = inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		var found models.User
		err := tx.Where("email = ?", email).Take(&found).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("user %s: %w", email, ErrNotFound)
		}
		if err != nil {
			return err
		}
		user, err := lockUser(tx, found.ID)
		if err != nil {
			return err
		}
		if user.Status != models.UserActive {
			return ErrAccountDisabled
		}
		if err := tx.Model(&user).Updates(map[string]any{"password_hash": hash, "must_change_password": true}).Error; err != nil {
			return err
		}
		if err := endSessions(tx, user.ID); err != nil {
			return err
		}
		if err := a.endLinks(tx, user.ID); err != nil {
			return err
		}
		return record(tx, operator, "user.password_reset_by_operator", "user", user.ID, nil, nil)
	})
	if err != nil {
		return "", err
	}
	return password, nil
}
