package services

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"kohorte/models"
)

// apiTokenPrefix marks Kohorte's API tokens, so that secret scanners and
// people recognise one that leaked.
const apiTokenPrefix = "koh_"

// MaxAPITokenDays bounds how long an API token may live.
const MaxAPITokenDays = 366

// NewAPIToken is a created token; Token is shown once and never again.
type NewAPIToken struct {
	models.APIToken
	Token string
}

// APITokenRequest asks for a new API token.
type APITokenRequest struct {
	Name string
	Days int
	// CurrentPassword re-authenticates the owner: a stolen session alone
	// must not be able to mint a credential that outlives it.
	CurrentPassword string
}

// CreateAPIToken creates a named token that acts as the actor, who must be
// staff or admin, for req.Days days. The actor's current password is
// checked as a login would check it, so guesses here are throttled and
// count towards the account's lock.
func (a *Tokens) CreateAPIToken(ctx context.Context, actor Actor, req APITokenRequest) (NewAPIToken, error) {
	if !actor.IsStaff() || actor.APITokenID != 0 {
		return NewAPIToken{}, ErrForbidden
	}
	name := cleanName(req.Name)
	days := req.Days
	verr := &ValidationError{}
	if name == "" || utf8.RuneCountInString(name) > 100 {
		verr.Add("name", CodeAPITokenNameLength, "min", 1, "max", 100)
	} else if code := TextCode(name); code != "" {
		verr.Add("name", code)
	}
	if days < 1 || days > MaxAPITokenDays {
		verr.Add("expires_in_days", CodeAPITokenDays, "min", 1, "max", MaxAPITokenDays)
	}
	if req.CurrentPassword == "" {
		verr.Add("current_password", CodeRequired)
	}
	if err := verr.Err(); err != nil {
		return NewAPIToken{}, err
	}
	if _, err := a.checkCurrentPassword(ctx, actor, req.CurrentPassword); err != nil {
		return NewAPIToken{}, err
	}
	secret, _ := newToken()
	token := apiTokenPrefix + secret
	now := a.now()
	t := models.APIToken{UserID: actor.UserID, Name: name, Prefix: token[:12], TokenHash: hashToken(token),
		ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), CreatedAt: now}
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return record(tx, actor, "api_token.created", "api_token", t.ID, nil, map[string]any{"name": t.Name, "expires_at": t.ExpiresAt})
	})
	return NewAPIToken{APIToken: t, Token: token}, err
}

// ListAPITokens returns the actor's own tokens, newest first.
func (a *Tokens) ListAPITokens(ctx context.Context, actor Actor) ([]models.APIToken, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	var tokens []models.APIToken
	err := a.db.WithContext(ctx).Where("user_id = ?", actor.UserID).Order("created_at DESC, id DESC").Find(&tokens).Error
	return tokens, err
}

// RevokeAPIToken ends one of the actor's tokens; admins may end anyone's.
func (a *Tokens) RevokeAPIToken(ctx context.Context, actor Actor, id uint) error {
	if !actor.IsStaff() {
		return ErrForbidden
	}
	return inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		var t models.APIToken
		q := tx.Where("id = ?", id)
		if !actor.Is(models.RoleAdmin) {
			q = q.Where("user_id = ?", actor.UserID)
		}
		if err := q.Take(&t).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound("API token", id)
		} else if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&t).Update("revoked_at", a.now()).Error; err != nil {
			return err
		}
		return record(tx, actor, "api_token.revoked", "api_token", t.ID, nil, map[string]any{"name": t.Name})
	})
}

// RevokeAllAPITokens ends every active token of the actor at once, as
// someone does who fears one leaked; it returns how many it ended.
func (a *Tokens) RevokeAllAPITokens(ctx context.Context, actor Actor) (int, error) {
	if !actor.IsStaff() {
		return 0, ErrForbidden
	}
	var n int
	err := inTransaction(ctx, a.db, func(tx *gorm.DB) error {
		res := tx.Model(&models.APIToken{}).Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", actor.UserID, a.now()).
			Update("revoked_at", a.now())
		if res.Error != nil {
			return res.Error
		}
		n = int(res.RowsAffected)
		if n == 0 {
			return nil
		}
		return record(tx, actor, "api_token.revoked_all", "user", actor.UserID, nil, map[string]any{"count": n})
	})
	return n, err
}

// revokeAPITokens ends every token of userID for good, inside the caller's
// transaction.
func (a *accounts) revokeAPITokens(tx *gorm.DB, userID uint) error {
	return tx.Model(&models.APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", a.now()).Error
}
