package services

import "testing"

// A page is read from the nearer end of the listing, so no page skips more
// than half of it.
func TestPageWindowReadsFromTheNearerEnd(t *testing.T) {
	cases := []struct {
		page          Page
		total         int64
		offset, limit int
		fromEnd       bool
	}{
		{Page{}, 0, 0, 50, false},
		{Page{Number: 1}, 40000, 0, 50, false},
		{Page{Number: 400}, 40000, 19950, 50, false}, // 20,000 rows from its end
		{Page{Number: 401}, 40000, 19950, 50, true},  // rows 20,000–20,049: 19,950 after it
		{Page{Number: 800}, 40000, 0, 50, true},
		{Page{Number: 801}, 40000, 40000, 50, false}, // past the end: empty
		{Page{Number: 3}, 120, 0, 20, true},          // the last 20 of 120
		{Page{Number: 2, Size: 10}, 25, 5, 10, true}, // rows 10–19: 5 after it
		{Page{Number: 1}, 41, 0, 50, false},
	}
	for _, c := range cases {
		offset, limit, fromEnd := c.page.window(c.total)
		if offset != c.offset || limit != c.limit || fromEnd != c.fromEnd {
			t.Errorf("%+v of %d: window %d, %d, %v; want %d, %d, %v", c.page, c.total, offset, limit, fromEnd, c.offset, c.limit, c.fromEnd)
		}
	}
	if got := reverseOrder("participants.sort_name ASC, participants.id ASC"); got != "participants.sort_name DESC, participants.id DESC" {
		t.Errorf("reverseOrder: %s", got)
	}
	if got := reverseOrder("enrollments.status DESC, enrollments.id DESC"); got != "enrollments.status ASC, enrollments.id ASC" {
		t.Errorf("reverseOrder: %s", got)
	}
}
