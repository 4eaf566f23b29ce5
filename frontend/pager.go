package frontend

import (
	"net/url"
	"strconv"

	"kohorte/services"
)

// listPageSize is how many rows a list page shows.
const listPageSize = 25

// pager links the pages of a list. The links keep the list's filters, so
// that paging works without JavaScript.
type pager struct {
	Number int // the current page, from 1
	Count  int // how many pages there are, at least 1
	Total  int64
	Prev   string // URL of the previous page; empty on the first
	Next   string // URL of the next page; empty on the last
}

// servicePage selects page number of a list; numbers below 1 mean the first.
func servicePage(number int) services.Page {
	return services.Page{Number: max(number, 1), Size: listPageSize}
}

// newPager builds the links of page number of a list at path whose filters
// are query, holding total rows.
func newPager(path string, query url.Values, number int, total int64) pager {
	number = max(number, 1)
	p := pager{Number: number, Count: max(1, int((total+listPageSize-1)/listPageSize)), Total: total}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range query {
			if len(v) > 0 && v[0] != "" {
				q.Set(k, v[0])
			}
		}
		if n > 1 {
			q.Set("seite", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if number > 1 {
		p.Prev = link(min(number-1, p.Count))
	}
	if number < p.Count {
		p.Next = link(number + 1)
	}
	return p
}
