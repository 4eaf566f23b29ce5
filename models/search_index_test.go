package models_test

import (
	"context"
	"fmt"
	"testing"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// After a bulk load, SQLite's participant search index is one segment
// where FTS5 had left several, each of which every search looked its
// words up in; the same people are found. PostgreSQL has nothing to merge
// and finds them too.
func TestOptimizeSearchMergesTheIndexAfterABulkLoad(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	// Ten transactions of 300 people: FTS5 writes each as a segment of its
	// own and merges four at a time, which leaves more than one.
	for batch := range 10 {
		people := make([]models.Participant, 300)
		for i := range people {
			n := batch*300 + i
			name := fmt.Sprintf("Person %04d", n)
			if n%100 == 7 {
				name = "Ćosić-Şahin"
			}
			people[i] = models.Participant{FirstName: "Zoë", LastName: name, Email: fmt.Sprintf("p%d@example.org", n),
				SearchText: fmt.Sprintf("zoe %s p%d@example.org", foldedForTest(name), n)}
		}
		if err := db.Create(&people).Error; err != nil {
			t.Fatal(err)
		}
	}
	sqlite := models.EngineFor(db) == models.SQLite
	if sqlite && dbtest.SearchSegments(t, db) < 2 {
		t.Fatalf("the index has %d segment(s) before; the test needs more", dbtest.SearchSegments(t, db))
	}
	if err := models.OptimizeSearch(ctx, db); err != nil {
		t.Fatal(err)
	}
	if sqlite {
		if n := dbtest.SearchSegments(t, db); n != 1 {
			t.Errorf("after OptimizeSearch the index has %d segments, want 1", n)
		}
	}
	var found int64
	q := db.Model(&models.Participant{})
	if sqlite {
		q = q.Where("id IN (SELECT rowid FROM "+models.ParticipantSearchTable+" WHERE "+models.ParticipantSearchTable+" MATCH ?)", `"cosic"`)
	} else {
		q = q.Where("search_text LIKE ?", "%cosic%")
	}
	if err := q.Count(&found).Error; err != nil {
		t.Fatal(err)
	}
	if found != 30 { // every hundredth of 3,000
		t.Errorf("a search for cosic finds %d people, want 30", found)
	}
}

func foldedForTest(name string) string {
	if name == "Ćosić-Şahin" {
		return "cosic-sahin"
	}
	return fmt.Sprintf("person %s", name[len("Person "):])
}
