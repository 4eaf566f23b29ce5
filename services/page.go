package services

import (
	"strings"

	"gorm.io/gorm"
)

// Page selects one page of a listing: Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// MaxPageSize bounds what one request can ask the database for.
const MaxPageSize = 200

func (p Page) limit() int {
	switch {
	case p.Size <= 0:
		return 50
	case p.Size > MaxPageSize:
		return MaxPageSize
	}
	return p.Size
}

func (p Page) offset() int {
	if p.Number <= 1 {
		return 0
	}
	return (p.Number - 1) * p.limit()
}

// window tells how to read p out of an ordered listing of total rows
// from whichever end is nearer: the last of 800 pages then skips nothing
// in the reverse order instead of 39,950 rows in the forward one. fromEnd
// means offset and limit count from the end, in the reverse order.
func (p Page) window(total int64) (offset, limit int, fromEnd bool) {
	offset, limit = p.offset(), p.limit()
	if int64(offset) >= total {
		return offset, limit, false
	}
	rest := int(total) - offset // rows from the page's first to the end
	fromStart := offset
	fromEndOffset := max(rest-limit, 0)
	if fromEndOffset >= fromStart {
		return offset, limit, false
	}
	return fromEndOffset, min(limit, rest), true
}

// reverseOrder turns an ORDER BY list made by orderBy around.
func reverseOrder(order string) string {
	return strings.NewReplacer(" ASC", " DESC", " DESC", " ASC").Replace(order)
}

// pageRows narrows q, a listing in order whose count is total, to the
// rows of page p. The page's ids are found first, in a subquery that reads
// only the id and sort columns (an index where there is one), and only
// those rows are read whole: the rows the offset skips are never fetched.
// q must be safe to reuse (a Session).
func pageRows(q *gorm.DB, idColumn, order string, p Page, total int64) *gorm.DB {
	offset, limit, fromEnd := p.window(total)
	innerOrder := order
	if fromEnd {
		innerOrder = reverseOrder(order)
	}
	ids := q.Select(idColumn).Order(innerOrder).Limit(limit).Offset(offset)
	return q.Where(idColumn+" IN (?)", ids).Order(order)
}
