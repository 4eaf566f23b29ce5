package services_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

func TestParticipantNormalisedAndUnique(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	p, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: " Zoë ", LastName: "Ćosić-Şahin",
		Email: "Zoe.Cosic@Example.org", FederalState: "Saarland", NetworkType: "Fachkräftesicherung", Organisation: "MINT-Region Saar"})
	if err != nil {
		t.Fatal(err)
	}
	type person struct {
		FirstName, Email, FederalState string
		NetworkType                    models.NetworkType
	}
	if diff := cmp.Diff(person{"Zoë", "zoe.cosic@example.org", "SL", models.NetworkFachkraeftesicherung},
		person{p.FirstName, p.Email, p.FederalState, p.NetworkType}); diff != "" {
		t.Fatalf("participant (-want +got):\n%s", diff)
	}
	_, err = c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Z", LastName: "C", Email: "ZOE.COSIC@example.org"})
	var verr *services.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("same address in other case: %v, want a validation error", err)
	}
	if verr.Fields[0].Field != "email" {
		t.Fatalf("same address in other case: %v names %q first, want email", err, verr.Fields[0].Field)
	}
	_, err = c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "", LastName: "X", Email: "x", FederalState: "Bayernn"})
	if !errors.As(err, &verr) {
		t.Fatalf("bad input: %v, want a validation error", err)
	}
	if len(verr.Fields) != 3 {
		t.Fatalf("bad input: %v: %d field errors, want 3", err, len(verr.Fields))
	}
	if _, err := c.svc.Participants.UpdateParticipant(ctx, c.admin, p.ID, services.ParticipantInput{FirstName: "Zoë", LastName: "Ćosić", Email: p.Email, FederalState: "NI"}); err != nil {
		t.Fatal(err)
	}
	if n := c.countAudit(t, "participant.updated"); n != 1 {
		t.Fatalf("%d updates audited", n)
	}
}

func TestListParticipantsSearchFilterSort(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	for i, in := range []services.ParticipantInput{
		{FirstName: "Jürgen", LastName: "Müller", Email: "jm@example.org", FederalState: "BY", Organisation: "MINT-Region Bamberg"},
		{FirstName: "Ayşe", LastName: "Yılmaz", Email: "ay@example.org", FederalState: "NI"},
		{FirstName: "Søren", LastName: "Østergaard", Email: "so@example.org", FederalState: "NI", NetworkType: "other"},
	} {
		if _, err := c.svc.Participants.CreateParticipant(ctx, c.admin, in); err != nil {
			t.Fatalf("participant %d: %v", i, err)
		}
	}
	names := func(f services.ParticipantFilter) []string {
		ps, _, err := c.svc.Participants.ListParticipants(ctx, c.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.LastName
		}
		return out
	}
	cases := []struct {
		f    services.ParticipantFilter
		want string
	}{
		// Sorted as people read names: Ø among the O, on both engines.
		{services.ParticipantFilter{}, "[Müller Østergaard Yılmaz]"},
		{services.ParticipantFilter{Sort: "-last_name"}, "[Yılmaz Østergaard Müller]"},
		{services.ParticipantFilter{FederalState: "Niedersachsen"}, "[Østergaard Yılmaz]"},
		{services.ParticipantFilter{Search: "bamberg"}, "[Müller]"},
		{services.ParticipantFilter{Search: "ayşe"}, "[Yılmaz]"},
		{services.ParticipantFilter{Search: "100%_"}, "[]"},
		{services.ParticipantFilter{NetworkType: "other"}, "[Østergaard]"},
	}
	for _, tc := range cases {
		if got := fmtList(names(tc.f)); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.f, got, tc.want)
		}
	}
	if _, _, err := c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{Sort: "password"}); err == nil {
		t.Error("an unknown sort column was accepted")
	}
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

func TestStatisticsByStateNetworkAndStatus(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	states := []string{"NI", "NI", "HB", "SL", "NI"}
	var first models.Enrollment
	for i, st := range states {
		e, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, c.person(t, i, st).ID, models.NewDate(2023, 3, 20))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = e
		}
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, first.ID, models.NewDate(2023, 4, 20), "Umzug"); err != nil {
		t.Fatal(err)
	}
	st, err := c.svc.Cohorts.CohortStatistics(ctx, c.admin, c.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Five started, one of them (in NI) withdrew: four hold places; NI
	// counts the withdrawn person too, by status.
	if st.Total != (services.StatusCounts{Enrolled: 4, Withdrawn: 1}) || st.Total.Holding() != 4 {
		t.Fatalf("total %+v, want 4 enrolled and 1 withdrawn", st.Total)
	}
	wantStates := []services.GroupCounts{{Code: "NI", StatusCounts: services.StatusCounts{Enrolled: 2, Withdrawn: 1}},
		{Code: "HB", StatusCounts: services.StatusCounts{Enrolled: 1}}, {Code: "SL", StatusCounts: services.StatusCounts{Enrolled: 1}}}
	if diff := cmp.Diff(wantStates, st.ByFederalState); diff != "" {
		t.Fatalf("by state (-want +got):\n%s", diff)
	}
	if len(st.ByNetworkType) != 1 || st.ByNetworkType[0].Code != "mint_region" || st.ByNetworkType[0].Started() != 5 {
		t.Fatalf("by network %v", st.ByNetworkType)
	}
	all, err := c.svc.Cohorts.CohortStatistics(ctx, c.admin, 0)
	if err != nil {
		t.Fatalf("overall: %v", err)
	}
	if all.People != 5 || all.FederalStates != 3 {
		t.Fatalf("overall %d people from %d states, want 5 from 3: %+v", all.People, all.FederalStates, all)
	}
	if _, err := c.svc.Cohorts.CohortStatistics(ctx, c.admin, 999); !errors.Is(err, services.ErrNotFound) {
		t.Fatalf("unknown cohort: %v", err)
	}
}

func TestDemoLoadsTheThreeCohortsOnce(t *testing.T) {
	t.Parallel()
	c := newEnv(t)
	ctx := context.Background()
	courses := c.svc.Cohorts
	res, err := c.svc.LoadDemo(ctx, c.admin, services.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cohorts != 3 {
		t.Fatalf("demo %+v: %d cohorts, want 3", res, res.Cohorts)
	}
	if res.Participants != 53 {
		t.Fatalf("demo %+v: %d participants, want 20+16+16 and one who joined Frühjahr 2021 late", res, res.Participants)
	}
	cohorts, _ := courses.ListCohorts(ctx, c.admin, services.CohortFilter{})
	sizes := map[string]int{}
	for _, co := range cohorts {
		sizes[co.Name] = co.EnrolledCount
	}
	for _, want := range []struct {
		cohort string
		size   int
	}{{"Herbst/Winter 2020/21", 20}, {"Frühjahr 2021", 16}, {"Frühjahr 2023", 16}} {
		if sizes[want.cohort] != want.size {
			t.Fatalf("cohort %s has %d participants, want %d (all: %v)", want.cohort, sizes[want.cohort], want.size, sizes)
		}
	}
	for _, co := range cohorts {
		if co.Name != "Frühjahr 2023" {
			continue
		}
		st, _ := courses.CohortStatistics(ctx, c.admin, co.ID)
		if st.FederalStates != 7 || st.Total.Started() != 16 {
			t.Fatalf("Frühjahr 2023: %+v, want 16 from 7 states", st)
		}
		if !slices.ContainsFunc(st.ByFederalState, func(g services.GroupCounts) bool { return g.Code == "SL" }) {
			t.Fatalf("Frühjahr 2023 states %v, want the Saarland among them", st.ByFederalState)
		}
	}
	if _, err := c.svc.LoadDemo(ctx, c.admin, services.DemoOptions{}); !errors.Is(err, services.ErrDemoLoaded) {
		t.Fatalf("second demo load: %v", err)
	}
}

func TestSearchIgnoresCaseAndAccentsOnBothEngines(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	if _, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Ömer", LastName: "Öztürk", Email: "oe@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Enrollments.CommitImport(ctx, c.admin, c.cohort.ID, sheetOf(t, "Vorname;Nachname;E-Mail\nŁucja;Wiśniewska;lw@example.org\n")); err != nil {
		t.Fatal(err)
	}
	for term, want := range map[string]string{"öztürk": "Öztürk", "OZTURK": "Öztürk", "wisniewska": "Wiśniewska", "Łucja": "Wiśniewska"} {
		ps, _, err := c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{Search: term})
		if err != nil {
			t.Errorf("search %q: %v", term, err)
		} else if len(ps) != 1 {
			t.Errorf("search %q: %d results; want 1, %s", term, len(ps), want)
		} else if ps[0].LastName != want {
			t.Errorf("search %q: found %s; want %s", term, ps[0].LastName, want)
		}
	}
	users, _, err := c.svc.Users.ListUsers(ctx, c.admin, services.UserFilter{Search: "ADMIN"})
	if err != nil {
		t.Fatalf("user search: %v", err)
	}
	if len(users) != 1 {
		t.Fatalf("user search: %d results, want 1", len(users))
	}
}

// TestSearchMatchesEachWordOnBothEngines: a name searched as shown, with
// its punctuation, or as typed, word by word in any order, finds the person.
func TestSearchMatchesEachWordOnBothEngines(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	for _, in := range []services.ParticipantInput{
		{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org"},
		{FirstName: "Zoran", LastName: "Ćosić", Email: "zoran@example.org"},
	} {
		if _, err := c.svc.Participants.CreateParticipant(ctx, c.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.svc.Users.Invite(ctx, c.admin, services.InviteInput{Email: "zs@example.org", DisplayName: "Zoë Ćosić-Şahin", Role: models.RoleParticipant}); err != nil {
		t.Fatal(err)
	}
	for term, want := range map[string]string{
		"Ćosić-Şahin, Zoë": "[Ćosić-Şahin]",
		"cosic sahin":      "[Ćosić-Şahin]",
		"sahin cosic":      "[Ćosić-Şahin]",
		"ZOE,COSIC":        "[Ćosić-Şahin]",
		"cosic":            "[Ćosić Ćosić-Şahin]",
		"cosic müller":     "[]",
	} {
		ps, _, err := c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{Search: term})
		if err != nil {
			t.Fatalf("search %q: %v", term, err)
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.LastName)
		}
		if got := fmtList(names); got != want {
			t.Errorf("search %q: %s, want %s", term, got, want)
		}
	}
	for term, want := range map[string]int{"Ćosić-Şahin, Zoë": 1, "cosic sahin": 1, "sahin admin": 0} {
		users, _, err := c.svc.Users.ListUsers(ctx, c.admin, services.UserFilter{Search: term})
		if err != nil {
			t.Fatalf("user search %q: %v", term, err)
		}
		if len(users) != want {
			t.Errorf("user search %q: %d results, want %d", term, len(users), want)
		}
	}
}

// Search answers from an index on both engines (a trigram index on
// PostgreSQL, the FTS5 table participant_search on SQLite); the index must
// follow every change to a person, and words too short for a trigram must
// still count.
func TestSearchFollowsChangesAndShortWords(t *testing.T) {
	t.Parallel()
	c := newCohortEnv(t, 16)
	ctx := context.Background()
	zoe, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zc@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{FirstName: "Bo", LastName: "Novak", Email: "bn@example.org"}); err != nil {
		t.Fatal(err)
	}
	found := func(term string) string {
		t.Helper()
		ps, total, err := c.svc.Participants.ListParticipants(ctx, c.admin, services.ParticipantFilter{Search: term})
		if err != nil {
			t.Fatalf("search %q: %v", term, err)
		}
		if int(total) != len(ps) {
			t.Errorf("search %q: total %d but %d people", term, total, len(ps))
		}
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = p.FirstName
		}
		return fmt.Sprint(names)
	}
	check := func(when string, cases map[string]string) {
		t.Helper()
		for term, want := range cases {
			if got := found(term); got != want {
				t.Errorf("%s: search %q found %s, want %s", when, term, got, want)
			}
		}
	}
	check("created", map[string]string{
		"cosic": "[Zoë]", "SAHIN zoe": "[Zoë]", "osi": "[Zoë]", "zo": "[Zoë]", "o": "[Zoë Bo]",
		"bo nov": "[Bo]", "ak": "[Bo]", "novak zoe": "[]", "example": "[Zoë Bo]", "cosicsahin": "[]",
	})
	if _, err := c.svc.Participants.UpdateParticipant(ctx, c.admin, zoe.ID, services.ParticipantInput{FirstName: "Zoë", LastName: "Novaković", Email: "zc@example.org"}); err != nil {
		t.Fatal(err)
	}
	check("renamed", map[string]string{"cosic": "[]", "sahin": "[]", "novak": "[Bo Zoë]", "zo vic": "[Zoë]", "novakovic": "[Zoë]"})
	if err := c.db.Delete(&models.Participant{}, zoe.ID).Error; err != nil {
		t.Fatal(err)
	}
	check("deleted", map[string]string{"novakovic": "[]", "novak": "[Bo]", "zo": "[]"})
}
