package frontend

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

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

// sortKey pairs the name of a sort in the URL, which readers see, with the
// service's name for it.
type sortKey struct {
	URL     string
	Service string
}

// serviceSort turns the sort of the URL ("name", "-bundesland") into the
// service's ("last_name", "-federal_state"); "" is the service's default.
// An unknown name gives false: the links never make one.
func serviceSort(sort string, keys []sortKey) (string, bool) {
	if sort == "" {
		return "", true
	}
	name, desc := strings.CutPrefix(sort, "-")
	for _, k := range keys {
		if k.URL == name {
			if desc {
				return "-" + k.Service, true
			}
			return k.Service, true
		}
	}
	return "", false
}

// sortLink is the link in a column's heading. Order is the column's
// aria-sort: "ascending", "descending" or "" when the list is sorted by
// another column.
type sortLink struct {
	Href  string
	Order string
}

// sortLinks builds the links of the sortable columns of a list at path
// whose filters are query and whose current sort is current; the first key
// is the default. A column sorts ascending first and flips on a second
// click. The links lead to the first page, because the rows move.
func sortLinks(path string, query url.Values, current string, keys []sortKey) map[string]sortLink {
	if current == "" && len(keys) > 0 {
		current = keys[0].URL
	}
	links := make(map[string]sortLink, len(keys))
	for _, k := range keys {
		q := url.Values{}
		for name, v := range query {
			if len(v) > 0 && v[0] != "" && name != "sortierung" && name != "seite" {
				q.Set(name, v[0])
			}
		}
		link := sortLink{}
		next := k.URL
		switch current {
		case k.URL:
			link.Order, next = "ascending", "-"+k.URL
		case "-" + k.URL:
			link.Order = "descending"
		}
		if next != keys[0].URL {
			q.Set("sortierung", next)
		}
		link.Href = path
		if len(q) > 0 {
			link.Href += "?" + q.Encode()
		}
		links[k.URL] = link
	}
	return links
}

// sortHeading is what the part "sort-heading" draws: a column heading
// that sorts the list.
type sortHeading struct {
	Label string // message ID
	Link  sortLink
}

// newSortHeading is the template function sortHeading:
// {{template "sort-heading" (sortHeading .Sort "name" "FieldLastName")}}.
// An unknown key is an error, so that a typo fails the page tests.
func newSortHeading(links map[string]sortLink, key, label string) (sortHeading, error) {
	link, ok := links[key]
	if !ok {
		return sortHeading{}, fmt.Errorf("sortHeading: no sort %q", key)
	}
	return sortHeading{Label: label, Link: link}, nil
}
