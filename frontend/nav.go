package frontend

import (
	"strings"

	"kohorte/models"
	"kohorte/services"
)

// navItem is one entry of the navigation. Key is its data-nav attribute,
// which tests select by, so it stays the same whatever the language.
type navItem struct {
	Key     string
	Href    string
	Label   string // message ID
	Current bool
}

// navigation is what the header offers the reader: the main entries and,
// when someone is logged in, who that is.
type navigation struct {
	Main []navItem
	// User names the logged-in user; empty when nobody is.
	User string
	// PasswordCurrent marks the password page as the current one.
	PasswordCurrent bool
}

// navFor builds the navigation for actor on the page at path. It only
// decides what to show: the route rules decide what may be opened, so a
// link left out here is a convenience, never a protection.
func navFor(actor services.Actor, path string) navigation {
	items := []navItem{{Key: "home", Href: "/", Label: "NavHome"}}
	// Until a generated password is replaced every other page is closed,
	// so the header offers only the way to replace it.
	switch {
	case actor.MustChangePassword:
	case actor.IsStaff():
		items = append(items,
			navItem{Key: "courses", Href: "/kurse", Label: "NavCourses"},
			navItem{Key: "cohorts", Href: "/kohorten", Label: "NavCohorts"},
			navItem{Key: "participants", Href: "/teilnehmende", Label: "NavParticipants"},
			navItem{Key: "statistics", Href: "/statistik", Label: "NavStatistics"},
			navItem{Key: "users", Href: "/benutzer", Label: "NavUsers"},
			navItem{Key: "audit", Href: "/protokoll", Label: "NavAudit"},
			navItem{Key: "tokens", Href: "/api-tokens", Label: "NavTokens"},
		)
	case actor.Is(models.RoleParticipant):
		items = append(items, navItem{Key: "my-courses", Href: "/meine-kurse", Label: "NavMyCourses"})
	case actor.Is(models.RoleJuror):
		items = append(items, navItem{Key: "jury", Href: "/jury", Label: "scoring_nav"})
	}
	for i := range items {
		items[i].Current = isUnder(path, items[i].Href)
	}
	return navigation{Main: items, User: actor.Email, PasswordCurrent: path == "/passwort"}
}

// isUnder reports whether path is the page href or one below it.
func isUnder(path, href string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}
