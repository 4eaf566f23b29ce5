package services

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // RFC 6238 TOTP: HMAC-SHA-1 is not broken as a MAC
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"time"
)

// CheckinStep is how long a check-in code is shown before the next.
const CheckinStep = 30 * time.Second

// checkinCode is the six-digit code shown at t for a session's secret:
// RFC 6238 (TOTP) over 30-second steps, so any instance that knows the
// secret derives the same code without shared state, and an authenticator
// app could even show it.
func checkinCode(secret []byte, t time.Time) string {
	return codeAtStep(secret, t.Unix()/int64(CheckinStep/time.Second))
}

func codeAtStep(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1_000_000)
}

// checkinCodeValid tells whether code is the one shown at t or in the step
// before: someone who reads the code just before it changes still has a
// full step to type it.
func checkinCodeValid(secret []byte, code string, t time.Time) bool {
	if len(code) != 6 {
		return false
	}
	step := t.Unix() / int64(CheckinStep/time.Second)
	ok := 0
	for _, s := range []int64{step, step - 1} {
		ok |= subtle.ConstantTimeCompare([]byte(codeAtStep(secret, s)), []byte(code))
	}
	return ok == 1
}
