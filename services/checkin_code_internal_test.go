package services

import (
	"testing"
	"time"
)

// The codes follow RFC 6238 (TOTP with HMAC-SHA-1, 30-second steps, six
// digits) over the session's secret, so the RFC's own test vectors pin the
// arithmetic: with the ASCII secret "12345678901234567890", the 8-digit
// codes at 59 s and 1111111109 s are 94287082 and 07081804; their last six
// digits are 287082 and 081804.
func TestCheckinCodeMatchesRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, c := range []struct {
		at   int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		if got := checkinCode(secret, time.Unix(c.at, 0)); got != c.want {
			t.Errorf("code at %d = %s, want %s", c.at, got, c.want)
		}
	}
}

func TestCheckinCodeIsValidInItsWindowAndTheOneBefore(t *testing.T) {
	secret := []byte("12345678901234567890")
	shown := time.Unix(1111111109, 0) // step 37037036, from …080 to …109
	code := checkinCode(secret, shown)
	for _, c := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"same step", shown, true},
		{"first second of the step", time.Unix(1111111080, 0), true},
		{"next step: typed a little late", time.Unix(1111111110, 0), true},
		{"last second of the next step", time.Unix(1111111139, 0), true},
		{"two steps on", time.Unix(1111111140, 0), false},
		{"the step before it was shown", time.Unix(1111111079, 0), false},
	} {
		if got := checkinCodeValid(secret, code, c.at); got != c.want {
			t.Errorf("%s: valid = %v, want %v", c.name, got, c.want)
		}
	}
	if checkinCodeValid([]byte("another session's secret........"), code, shown) {
		t.Error("a code of one session is valid for another")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef", " 081804"} {
		if checkinCodeValid(secret, bad, shown) {
			t.Errorf("%q is accepted", bad)
		}
	}
}
