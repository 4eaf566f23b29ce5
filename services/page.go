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

// pageRows reads page p of the listing q, in order, whose count is
// total: the page's ids are found first, in a subquery over q that reads
// only the id and sort columns (an index where there is one), and only
// those rows are read whole, from rows, which joins what the order needs
// but filters nothing, so that no filter (a search) runs twice. The rows
// the offset skips are never fetched. q must be safe to reuse (a Session).
func pageRows(q, rows *gorm.DB, idColumn, order string, p Page, total int64) *gorm.DB {
	offset, limit, fromEnd := p.window(total)
	innerOrder := order
	if fromEnd {
		innerOrder = reverseOrder(order)
	}
	ids := q.Select(idColumn).Order(innerOrder).Limit(limit).Offset(offset)
	return rows.Where(idColumn+" IN (?)", ids).Order(order)
}
