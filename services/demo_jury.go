package services

import (
	"context"
	"fmt"

	"kohorte/models"
)

// demoGroups are the project groups of the demo's 2023 cohort, four
// people each, as the reports describe the closing presence.
var demoGroups = []GroupInput{
	{Name: "Gruppe Nord", ProjectTitle: "Fachkräfte-Scouts für kleine Betriebe",
		Summary: "Ehrenamtliche Scouts besuchen Kleinbetriebe ohne eigene Personalabteilung und vermitteln Angebote des Netzwerks."},
	{Name: "Gruppe Ost", ProjectTitle: "Rückkehrtag: Fachkräfte zurück in die Region",
		Summary: "Ein jährlicher Tag zwischen den Feiertagen, an dem Betriebe Weggezogene mit Heimatbesuch ansprechen."},
	{Name: "Gruppe Süd", ProjectTitle: "Azubi-Botschafter:innen im MINT-Netzwerk",
		Summary: "Auszubildende berichten in Schulen von ihrem Beruf; das Netzwerk koordiniert Termine und Material."},
	{Name: "Gruppe West", ProjectTitle: "Willkommenslotsen für internationale Fachkräfte",
		Summary: "Lotsen begleiten neu zugezogene Fachkräfte im ersten Jahr: Behörden, Wohnung, Anerkennung, Familie."},
}

// demoJurors are the demo's jury: fictional people at example addresses,
// invited without a password (staff give them one from the user page).
var demoJurors = []InviteInput{
	{Email: "heike.sommer@jury.example.org", DisplayName: "Prof. Dr. Heike Sommer", Role: models.RoleJuror},
	{Email: "arne.petersen@jury.example.org", DisplayName: "Arne Petersen", Role: models.RoleJuror},
	{Email: "dilek.kaya@jury.example.org", DisplayName: "Dilek Kaya", Role: models.RoleJuror},
}

// demoJury gives a cohort the demo's project groups (its enrollments in
// turn, four to a group), presenting on the first closing day, a jury of
// three with one conflict of interest, open scoring and every sheet
// submitted and released.
func demoJury(ctx context.Context, actor Actor, s *Services, cohortID uint, enrollments []uint) error {
	presenting, err := firstClosingDay(ctx, actor, s, cohortID)
	if err != nil {
		return err
	}
	per := (len(enrollments) + len(demoGroups) - 1) / len(demoGroups)
	var groups []uint
	for i, in := range demoGroups {
		in.SessionID = presenting
		g, err := s.Groups.CreateGroup(ctx, actor, cohortID, in)
		if err != nil {
			return fmt.Errorf("group %s: %w", in.Name, err)
		}
		members := enrollments[min(i*per, len(enrollments)):min((i+1)*per, len(enrollments))]
		if _, err := s.Groups.SetMembers(ctx, actor, g.ID, members); err != nil {
			return fmt.Errorf("members of %s: %w", in.Name, err)
		}
		groups = append(groups, g.ID)
	}
	var jurors []uint
	for _, in := range demoJurors {
		inv, err := s.Users.Invite(ctx, actor, in)
		if err != nil {
			return fmt.Errorf("juror %s: %w", in.DisplayName, err)
		}
		if _, err := s.Jury.AppointJuror(ctx, actor, cohortID, inv.User.ID); err != nil {
			return err
		}
		jurors = append(jurors, inv.User.ID)
	}
	if _, err := s.Jury.AddConflict(ctx, actor, groups[1], jurors[1], "Arbeitgeber eines Gruppenmitglieds"); err != nil {
		return err
	}
	if _, err := s.Jury.OpenScoring(ctx, actor, cohortID); err != nil {
		return err
	}
	return demoScores(ctx, actor, s, cohortID)
}

// firstClosingDay is the cohort's first closing session, where the groups
// present; nil if the schedule has none.
func firstClosingDay(ctx context.Context, actor Actor, s *Services, cohortID uint) (*uint, error) {
	sched, err := s.Schedule.ListSessions(ctx, actor, cohortID)
	if err != nil {
		return nil, err
	}
	for _, ses := range sched.Sessions {
		if ses.Kind == models.SessionClosing {
			return &ses.ID, nil
		}
	}
	return nil, nil
}
