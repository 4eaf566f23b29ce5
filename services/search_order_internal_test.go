package services

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// A search that matches few people sorts its matches itself, one that
// matches many walks the sort index until the page is full, and a deep
// page of many sorts again (searchOrder). Whichever way a page is read,
// paging through a search in either direction, by name or by e-mail,
// yields every match once, in order.
func TestSearchPagesTheSameWhetherItMatchesFewOrMany(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	const dense, sparse = sparseMatches + 150, 30
	var people []models.Participant
	for i := range dense + sparse {
		org := "Dichtverbund"
		if i >= dense {
			org = "Seltenwerk"
		}
		// Last names run against the ids, so that name order is not insertion order.
		p := models.Participant{FirstName: fmt.Sprintf("Vorname %d", i%7), LastName: fmt.Sprintf("Nachname %05d", (dense+sparse-i)*7%10007),
			Email: fmt.Sprintf("p%05d@example.org", (i*31)%99991), Organisation: org}
		p.SearchText, p.SortName = participantSearchKey(p), participantSortName(p)
		people = append(people, p)
	}
	must(t, db.CreateInBatches(&people, 500).Error)
	svc := &Participants{db: db}
	staff := Actor{UserID: 1, Role: models.RoleStaff}
	for _, tc := range []struct {
		search string
		want   int
	}{{"dichtverbund", dense}, {"seltenwerk", sparse}} {
		for _, sort := range []string{"last_name", "-last_name", "email"} {
			var want []uint
			for _, p := range people {
				if strings.Contains(p.SearchText, tc.search) {
					want = append(want, p.ID)
				}
			}
			byKey := func(p models.Participant) string {
				if strings.HasSuffix(sort, "email") {
					return p.Email
				}
				return p.SortName
			}
			keys := map[uint]string{}
			for _, p := range people {
				keys[p.ID] = byKey(p)
			}
			slices.SortFunc(want, func(a, b uint) int {
				if c := strings.Compare(keys[a], keys[b]); c != 0 {
					return c
				}
				return int(a) - int(b)
			})
			if strings.HasPrefix(sort, "-") {
				slices.Reverse(want)
			}
			var got []uint
			for page := 1; ; page++ {
				ps, total, err := svc.ListParticipants(context.Background(), staff,
					ParticipantFilter{Search: tc.search, Sort: sort, Page: Page{Number: page, Size: 200}})
				must(t, err)
				if total != int64(tc.want) {
					t.Fatalf("%s: %d matches, want %d", tc.search, total, tc.want)
				}
				if len(ps) == 0 {
					break
				}
				for _, p := range ps {
					got = append(got, p.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s sorted by %s: %d rows, first difference at %d", tc.search, sort, len(got), firstDifference(got, want))
			}
		}
	}
}

func firstDifference(a, b []uint) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
