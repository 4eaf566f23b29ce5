package services_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kohorte/models"
	"kohorte/services"
)

// statisticsEnv is the worked example of the statistics: five people from
// three federal states (and one without), one of whom withdrew, and one
// who took part in a second cohort.
//
//	cohort A: P1 NI MINT, P2 NI Fachkräfte, P3 HB MINT (withdrawn), P4 BY –, P5 – MINT
//	cohort B: P1 again
type statisticsEnv struct {
	*cohortEnv
	second models.Cohort
}

func newStatisticsEnv(t *testing.T) statisticsEnv {
	t.Helper()
	ctx := context.Background()
	c := newCohortEnv(t, 10)
	second, err := c.svc.Cohorts.CreateCohort(ctx, c.admin, c.cohort.CourseID,
		services.CohortInput{Name: "Herbst 2023", StartDate: models.NewDate(2023, 9, 6), Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	people := []struct{ state, network string }{{"NI", "mint_region"}, {"NI", "fachkraeftesicherung"}, {"HB", "mint_region"}, {"BY", ""}, {"", "mint_region"}}
	var ids []uint
	for i, p := range people {
		person, err := c.svc.Participants.CreateParticipant(ctx, c.admin, services.ParticipantInput{
			FirstName: "Person", LastName: string(rune('A' + i)), Email: string(rune('a'+i)) + "@example.org",
			FederalState: p.state, NetworkType: p.network})
		if err != nil {
			t.Fatal(err)
		}
		e, err := c.svc.Enrollments.Enroll(ctx, c.admin, c.cohort.ID, person.ID, models.NewDate(2023, 4, 1))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
		if i == 0 {
			if _, err := c.svc.Enrollments.Enroll(ctx, c.admin, second.ID, person.ID, models.NewDate(2023, 9, 1)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := c.svc.Enrollments.Withdraw(ctx, c.admin, ids[2], models.NewDate(2023, 4, 26), "Jobwechsel"); err != nil {
		t.Fatal(err)
	}
	return statisticsEnv{cohortEnv: c, second: second}
}

// TestStatisticsAddUpOverAllCohorts pins defect 9: "Personen mit Platz"
// counted distinct people without the withdrawn (here 4), "Eingeschrieben"
// counted enrollments (here 5, P1 twice), side by side and unexplained.
// Now every table counts enrollments, each breakdown adds up to the
// total, and People alone counts persons.
func TestStatisticsAddUpOverAllCohorts(t *testing.T) {
	t.Parallel()
	s := newStatisticsEnv(t)
	st, err := s.svc.Cohorts.CohortStatistics(context.Background(), s.admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	one := func(code string, enrolled, withdrawn int64) services.GroupCounts {
		return services.GroupCounts{Code: code, StatusCounts: services.StatusCounts{Enrolled: enrolled, Withdrawn: withdrawn}}
	}
	want := services.Statistics{
		Total:          services.StatusCounts{Enrolled: 5, Withdrawn: 1},
		ByFederalState: []services.GroupCounts{one("NI", 3, 0), one("BY", 1, 0), one("HB", 0, 1), one("", 1, 0)},
		ByNetworkType:  []services.GroupCounts{one("mint_region", 3, 1), one("fachkraeftesicherung", 1, 0), one("", 1, 0)},
		People:         5,
		FederalStates:  3,
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("statistics of all cohorts (-want +got):\n%s", diff)
	}
	if st.Total.Started() != 6 || st.Total.Holding() != 5 {
		t.Errorf("started %d, holding %d; want 6 and 5", st.Total.Started(), st.Total.Holding())
	}
}

func TestStatisticsOfOneCohortCountEveryoneWhoStarted(t *testing.T) {
	t.Parallel()
	s := newStatisticsEnv(t)
	st, err := s.svc.Cohorts.CohortStatistics(context.Background(), s.admin, s.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != (services.StatusCounts{Enrolled: 4, Withdrawn: 1}) || st.People != 5 || st.FederalStates != 3 {
		t.Errorf("cohort A: %+v, want 4 enrolled, 1 withdrawn, 5 people from 3 states", st)
	}
	st, err = s.svc.Cohorts.CohortStatistics(context.Background(), s.admin, s.second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != (services.StatusCounts{Enrolled: 1}) || st.People != 1 || st.FederalStates != 1 {
		t.Errorf("cohort B: %+v, want P1 alone", st)
	}
}
