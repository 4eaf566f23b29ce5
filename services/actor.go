package services

import "kohorte/models"

// Actor is who asks for something: a logged-in user, an API token's owner,
// or nobody (UserID 0) for public requests. Services decide on its Role and
// record it in the audit log.
type Actor struct {
	UserID      uint
	Email       string
	DisplayName string
	Role        models.Role
	ClientAddr  string
	RequestID   string
	// SessionID is the session the request came with, if any.
	SessionID uint
	// APITokenID is the API token the request came with, if any.
	APITokenID uint
	// MustChangePassword is set until a generated first password is replaced.
	MustChangePassword bool
}

// IsAnonymous reports whether nobody is logged in.
func (a Actor) IsAnonymous() bool { return a.UserID == 0 }

// Is reports whether the actor holds one of roles.
func (a Actor) Is(roles ...models.Role) bool {
	for _, r := range roles {
		if a.Role == r && !a.IsAnonymous() {
			return true
		}
	}
	return false
}

// IsStaff reports whether the actor runs courses: staff or admin.
func (a Actor) IsStaff() bool { return a.Is(models.RoleAdmin, models.RoleStaff) }
