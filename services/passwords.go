package services

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters. The upper bound only stops
// absurd inputs from costing hashing time; any characters are allowed.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// argon2id parameters as OWASP recommends for a server with little memory:
// 19 MiB, two passes, one lane.
const (
	productionArgonMemory = 19 * 1024
	productionArgonTime   = 2
	argonThreads          = 1
	argonKeyLen           = 32
	argonSaltLen          = 16
)

// argonMemory and argonTime are what a new hash costs. Test binaries hash
// thousands of passwords, under the race detector at about a second each
// with the production cost, so they take argon2's smallest: every rule
// about passwords is tested alike, as verification reads the cost from
// each hash. Only a test binary takes the cheap path.
var argonMemory, argonTime uint32 = hashCost(testing.Testing())

func hashCost(inTest bool) (memory, passes uint32) {
	if inTest {
		return 8 * argonThreads, 1
	}
	return productionArgonMemory, productionArgonTime
}

//go:embed common-passwords.txt
var commonPasswordsText []byte

// commonPasswords is read once from the embedded list; it never changes.
var commonPasswords = func() map[string]struct{} {
	set := make(map[string]struct{}, 2000)
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsText))
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			set[line] = struct{}{}
		}
	}
	return set
}()

// checkPassword returns the code of the rule a new password breaks, with
// the rule's parameters, or "" if it is acceptable.
func checkPassword(password, email string) (Code, []any) {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return CodePasswordInvalidText, nil
	case n < MinPasswordLength:
		return CodePasswordTooShort, []any{"min", MinPasswordLength}
	case n > MaxPasswordLength:
		return CodePasswordTooLong, []any{"max", MaxPasswordLength}
	}
	lower := strings.ToLower(password)
	if _, common := commonPasswords[lower]; common {
		return CodePasswordCommon, nil
	}
	if email != "" && (lower == strings.ToLower(email) || lower == strings.ToLower(localPart(email))) {
		return CodePasswordIsEmail, nil
	}
	return "", nil
}

// CheckNewPassword reports the rule a new password breaks, for a form
// whose other fields keep it from reaching the service; the rule against
// the account's own address is checked when the password is set.
func CheckNewPassword(password string) error {
	if code, p := checkPassword(password, ""); code != "" {
		return invalid("password", code, p...)
	}
	return nil
}

func localPart(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return local
}

// hashPassword returns the argon2id hash of password in the PHC string format.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("unrecognised password hash")

// verifyPassword reports whether password matches hash, in constant time.
// It reads the parameters from the hash, so raising them later keeps old
// hashes working.
func verifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
