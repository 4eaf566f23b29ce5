package services

import (
	"database/sql"
	"fmt"
)

// keyInto scans an integer key straight into a uint. database/sql would
// write the driver's int64 out as text and parse it back, an allocation
// per value: a 500-person grid scans some 8,000 keys.
func keyInto(p *uint) sql.Scanner { return keyColumn{p} }

type keyColumn struct{ p *uint }

func (c keyColumn) Scan(v any) error {
	n, ok := v.(int64)
	if !ok || n < 0 {
		return fmt.Errorf("cannot read a key from %T %v", v, v)
	}
	*c.p = uint(n)
	return nil
}

// textInto scans a text column into a string type of the models, such
// as a status, without database/sql's reflection.
func textInto[T ~string](p *T) sql.Scanner { return textColumn[T]{p} }

type textColumn[T ~string] struct{ p *T }

func (c textColumn[T]) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*c.p = T(x)
	case []byte:
		*c.p = T(x)
	default:
		return fmt.Errorf("cannot read text from %T", v)
	}
	return nil
}
