package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Date is a calendar day without time or zone: a cohort's start, an
// enrollment day. It is stored as an SQL date on both engines.
type Date struct {
	time.Time
}

const isoDay = "2006-01-02"

// NewDate returns the day of year, month and day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads a day written as 2023-03-01.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(isoDay, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form 2023-03-01", s)
	}
	return Date{t}, nil
}

// The earliest and latest day Kohorte accepts as input: far enough for
// any cohort, near enough that a day computed from one (a default end
// date, a deadline) stays a year of four digits on both engines.
var (
	MinDate = NewDate(1990, time.January, 1)
	MaxDate = NewDate(2100, time.December, 31)
)

// InRange reports whether d lies from MinDate to MaxDate.
func (d Date) InRange() bool {
	return !d.Before(MinDate.Time) && !d.After(MaxDate.Time)
}

// DateOf returns the calendar day of t in its own zone.
func DateOf(t time.Time) Date {
	return NewDate(t.Year(), t.Month(), t.Day())
}

// AddDays returns the day n days later.
func (d Date) AddDays(n int) Date { return Date{d.Time.AddDate(0, 0, n)} }

// String writes the day as 2023-03-01.
func (d Date) String() string { return d.Format(isoDay) }

// German writes the day as 01.03.2023.
func (d Date) German() string { return d.Format("02.01.2006") }

// GormDataType makes GORM create a date column.
func (Date) GormDataType() string { return "date" }

// Value stores the day as text both engines read as a date.
func (d Date) Value() (driver.Value, error) {
	return d.Format(isoDay), nil
}

// Scan reads a day from either engine: PostgreSQL returns a time, SQLite
// text or a time depending on how the value was written.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*d = NewDate(x.Year(), x.Month(), x.Day())
		return nil
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	}
	return fmt.Errorf("cannot read a date from %T", v)
}

func (d *Date) scanText(s string) error {
	if len(s) < len(isoDay) {
		return fmt.Errorf("cannot read a date from %q", s)
	}
	parsed, err := ParseDate(s[:len(isoDay)])
	*d = parsed
	return err
}

// MarshalJSON writes the day as "2023-03-01".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a day written as "2023-03-01".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseDate(s)
	if err != nil {
		// A type error lets the JSON decoder name the field it was in.
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = parsed
	return nil
}
