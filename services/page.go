package services

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
