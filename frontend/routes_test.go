package frontend

import (
	"reflect"
	"slices"
	"testing"

	"github.com/gin-gonic/gin"

	"kohorte/access"
	"kohorte/models"
	"kohorte/services"
)

// TestRoutesAndTheirRules lists every route of the UI with its rule, so
// that a changed rule shows up in review as a changed line here.
func TestRoutesAndTheirRules(t *testing.T) {
	t.Parallel()
	ui, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	table := access.NewTable()
	ui.Register(&engine.RouterGroup, table)

	want := map[string]access.Rule{
		"POST /sprache":                    access.Public,
		"POST /anmelden":                   access.Public,
		"POST /abmelden":                   access.Self,
		"POST /passwort":                   access.Self,
		"POST /passwort-setzen":            access.Public,
		"POST /passwort-vergessen":         access.Public,
		"POST /benutzer/einladen":          access.Staff,
		"POST /benutzer/:id/rolle":         access.Staff,
		"POST /benutzer/:id/status":        access.Staff,
		"POST /benutzer/:id/passwort-link": access.Staff,
		"POST /api-tokens":                 access.Staff,
		"POST /api-tokens/:id/widerrufen":  access.Staff,
		"POST /api-tokens/alle-widerrufen": access.Staff,

		"POST /kurse/neu": access.Staff,
		"POST /kurse/:id": access.Staff,
		"POST /kurse/:id/aussteller/:position/logo":      access.Staff,
		"POST /kohorten/neu":                             access.Staff,
		"POST /kohorten/:id":                             access.Staff,
		"POST /kohorten/:id/status":                      access.Staff,
		"POST /kohorten/:id/einschreiben":                access.Staff,
		"POST /kohorten/:id/neu-einschreiben":            access.Staff,
		"POST /kohorten/:id/austritt/:participant":       access.Staff,
		"POST /kohorten/:id/austritt":                    access.Staff,
		"POST /kohorten/:id/zugaenge":                    access.Staff,
		"POST /kohorten/:id/termine":                     access.Staff,
		"POST /kohorten/:id/termine/vorlage":             access.Staff,
		"POST /kohorten/:id/termine/kalender":            access.Staff,
		"POST /kohorten/:id/termine/kalender/widerrufen": access.Staff,
		"POST /kohorten/:id/kopieren":                    access.Staff,
		"POST /termine/:id":                              access.Staff,
		"POST /termine/:id/absagen":                      access.Staff,
		"POST /meine-kurse/kalender":                     {Roles: []models.Role{models.RoleParticipant}},
		"POST /meine-kurse/kalender/widerrufen":          {Roles: []models.Role{models.RoleParticipant}},
		"POST /kohorten/:id/import/vorschau":             access.Staff,
		"POST /kohorten/:id/import":                      access.Staff,
		"POST /teilnehmende/neu":                         access.Staff,
		"POST /teilnehmende/:id":                         access.Staff,
		"POST /teilnehmende/:id/zugang":                  access.Staff,
		"POST /kohorten/:id/anwesenheit":                 access.Staff,
		"POST /termine/:id/anwesenheit":                  access.Staff,
		"POST /termine/:id/check-in/oeffnen":             access.Staff,
		"POST /termine/:id/check-in/schliessen":          access.Staff,
		"POST /verify":                                   access.Public,
		"POST /check-in/:id":                             {Roles: []models.Role{models.RoleParticipant}},
		"POST /kohorten/:id/dokumente":                   access.Staff,
		"POST /kohorten/:id/dokumente/alle":              access.Staff,
		"POST /kohorten/:id/dokumente/:doc/neu":          access.Staff,
		"POST /kohorten/:id/dokumente/:doc/widerrufen":   access.Staff,

		"POST /kohorten/:id/jury/einstellungen":               access.Staff,
		"POST /kohorten/:id/jury/berufen":                     access.Staff,
		"POST /kohorten/:id/jury/:user/abberufen":             access.Staff,
		"POST /kohorten/:id/jury/befangenheit":                access.Staff,
		"POST /kohorten/:id/jury/befangenheit/entfernen":      access.Staff,
		"POST /kohorten/:id/jury/oeffnen":                     access.Staff,
		"POST /kohorten/:id/ergebnisse/freigeben":             access.Staff,
		"POST /kohorten/:id/ergebnisse/boegen/:sheet/oeffnen": access.Staff,
		"POST /kohorten/:id/gruppen":                          access.Staff,
		"POST /kohorten/:id/gruppen/:group":                   access.Staff,
		"POST /kohorten/:id/gruppen/:group/mitglieder":        access.Staff,
		"POST /kohorten/:id/gruppen/:group/loeschen":          access.Staff,
		"POST /kurse/:id/bewertung":                           access.Staff,
		"POST /jury/kohorten/:id/befangenheit":                {Roles: []models.Role{models.RoleJuror}},
		"POST /jury/gruppen/:id":                              {Roles: []models.Role{models.RoleJuror}},
		"POST /jury/gruppen/:id/abgeben":                      {Roles: []models.Role{models.RoleJuror}},
	}
	for path, rule := range map[string]access.Rule{
		"/":                   access.Public,
		"/static/*file":       access.Public,
		"/anmelden":           access.Public,
		"/passwort":           access.Self,
		"/passwort-setzen":    access.Public,
		"/passwort-vergessen": access.Public,
		"/verify":             access.Public,
		"/verify/:token":      access.Public,
		"/benutzer":           access.Staff,
		"/benutzer/einladen":  access.Staff,
		"/benutzer/:id":       access.Staff,
		"/protokoll":          access.Staff,
		"/api-tokens":         access.Staff,

		"/kurse":                               access.Staff,
		"/kurse/neu":                           access.Staff,
		"/kurse/:id":                           access.Staff,
		"/kurse/:id/aussteller/:position/logo": access.Staff,
		"/kohorten":                            access.Staff,
		"/kohorten/neu":                        access.Staff,
		"/kohorten/:id":                        access.Staff,
		"/kohorten/:id/termine":                access.Staff,
		"/termine/:id":                         access.Staff,
		"/kohorten/:id/austritt/:participant":  access.Staff,
		"/kohorten/:id/austritt":               access.Staff,
		"/kohorten/:id/import":                 access.Staff,
		"/kohorten/:id/export.csv":             access.Staff,
		"/kohorten/:id/export.xlsx":            access.Staff,
		"/import-vorlage.csv":                  access.Staff,
		"/import-vorlage.xlsx":                 access.Staff,
		"/teilnehmende":                        access.Staff,
		"/teilnehmende/neu":                    access.Staff,
		"/teilnehmende/:id":                    access.Staff,
		"/statistik":                           access.Staff,
		"/statistik/export.csv":                access.Staff,
		"/statistik/export.xlsx":               access.Staff,
		"/meine-kurse":                         {Roles: []models.Role{models.RoleParticipant}},
		"/meine-anwesenheit":                   {Roles: []models.Role{models.RoleParticipant}},
		"/kohorten/:id/anwesenheit":            access.Staff,
		"/kohorten/:id/anwesenheit.csv":        access.Staff,
		"/kohorten/:id/anwesenheit.xlsx":       access.Staff,
		"/termine/:id/anwesenheit":             access.Staff,
		"/termine/:id/check-in":                access.Staff,
		"/check-in/:id":                        {Roles: []models.Role{models.RoleParticipant}},
		"/kohorten/:id/dokumente":              access.Staff,
		"/dokumente":                           access.Staff,
		"/dokumente/export.csv":                access.Staff,
		"/dokumente/export.xlsx":               access.Staff,
		"/dokumente/:id/pdf":                   access.Staff,
		"/meine-dokumente":                     {Roles: []models.Role{models.RoleParticipant}},
		"/meine-dokumente/:id/pdf":             {Roles: []models.Role{models.RoleParticipant}},

		"/kohorten/:id/jury":            access.Staff,
		"/kohorten/:id/ergebnisse":      access.Staff,
		"/kohorten/:id/ergebnisse.csv":  access.Staff,
		"/kohorten/:id/ergebnisse.xlsx": access.Staff,
		"/kohorten/:id/gruppen":         access.Staff,
		"/kohorten/:id/gruppen/:group":  access.Staff,
		"/kurse/:id/bewertung":          access.Staff,
		"/jury":                         {Roles: []models.Role{models.RoleJuror}},
		"/jury/kohorten/:id":            {Roles: []models.Role{models.RoleJuror}},
		"/jury/gruppen/:id":             {Roles: []models.Role{models.RoleJuror}},
		"/meine-gruppe":                 {Roles: []models.Role{models.RoleParticipant}},

		// A cohort's documents as one ZIP; a course's documents previewed.
		"/kohorten/:id/dokumente.zip":           access.Staff,
		"/kurse/:id/vorschau":                   access.Staff,
		"/kurse/:id/vorschau/zertifikat.pdf":    access.Staff,
		"/kurse/:id/vorschau/bescheinigung.pdf": access.Staff,
	} {
		want["GET "+path] = rule
		want["HEAD "+path] = rule
	}

	got := table.Rules()
	for route, rule := range want {
		if g, ok := got[route]; !ok {
			t.Errorf("%s: not registered, want %+v", route, rule)
		} else if !reflect.DeepEqual(g, rule) {
			t.Errorf("%s: rule %+v, want %+v", route, g, rule)
		}
	}
	for route := range got {
		if _, ok := want[route]; !ok {
			t.Errorf("%s is registered but not listed here", route)
		}
	}
	for _, r := range engine.Routes() {
		if _, ok := got[r.Method+" "+r.Path]; !ok {
			t.Errorf("%s %s bypasses the access table", r.Method, r.Path)
		}
	}
}

func TestNavigationPerRole(t *testing.T) {
	t.Parallel()
	keys := func(n navigation) []string {
		var out []string
		for _, item := range n.Main {
			out = append(out, item.Key)
		}
		return out
	}
	staffNav := []string{"home", "courses", "cohorts", "participants", "statistics", "users", "audit", "tokens"}
	for _, tc := range []struct {
		actor services.Actor
		want  []string
	}{
		{services.Actor{}, []string{"home"}},
		{services.Actor{UserID: 1, Role: models.RoleParticipant}, []string{"home", "my-courses"}},
		{services.Actor{UserID: 1, Role: models.RoleParticipant, MustChangePassword: true}, []string{"home"}},
		{services.Actor{UserID: 1, Role: models.RoleJuror}, []string{"home", "jury"}},
		{services.Actor{UserID: 1, Role: models.RoleStaff}, staffNav},
		{services.Actor{UserID: 1, Role: models.RoleAdmin}, staffNav},
		{services.Actor{UserID: 1, Role: models.RoleAdmin, MustChangePassword: true}, []string{"home"}},
	} {
		if got := keys(navFor(tc.actor, "/")); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: navigation %v, want %v", tc.actor, got, tc.want)
		}
	}
	n := navFor(services.Actor{UserID: 1, Email: "a@b.de", Role: models.RoleStaff}, "/benutzer/7")
	if !n.Main[5].Current {
		t.Errorf("on /benutzer/7: entry 5 is not current: %+v", n)
	}
	if n.Main[0].Current {
		t.Errorf("on /benutzer/7: entry 0 is current: %+v", n)
	}
	if n.User != "a@b.de" {
		t.Errorf("on /benutzer/7: user %q, want a@b.de", n.User)
	}
	n = navFor(services.Actor{UserID: 1, Role: models.RoleStaff}, "/kohorten/3/import")
	if !n.Main[2].Current {
		t.Errorf("on /kohorten/3/import: entry 2 is not current: %+v", n)
	}
	if n.Main[1].Current {
		t.Errorf("on /kohorten/3/import: entry 1 is current: %+v", n)
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	q := map[string][]string{"suche": {"a b"}, "rolle": {""}}
	p := newPager("/benutzer", q, 2, 3*listPageSize+1)
	want := pager{Number: 2, Count: 4, Total: 3*listPageSize + 1, Prev: "/benutzer?suche=a+b", Next: "/benutzer?seite=3&suche=a+b"}
	if p != want {
		t.Errorf("pager = %+v, want %+v", p, want)
	}
	if p := newPager("/p", nil, 0, 0); p.Count != 1 {
		t.Errorf("empty list: %d pages, want 1: %+v", p.Count, p)
	} else if p.Prev != "" {
		t.Errorf("empty list: previous page %q, want none", p.Prev)
	} else if p.Next != "" {
		t.Errorf("empty list: next page %q, want none", p.Next)
	}
	if p := newPager("/p", nil, 9, 30); p.Prev != "/p?seite=2" {
		t.Errorf("beyond the last page: previous page %q, want /p?seite=2", p.Prev)
	} else if p.Next != "" {
		t.Errorf("beyond the last page: next page %q, want none", p.Next)
	}
}
