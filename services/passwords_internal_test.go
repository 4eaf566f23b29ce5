package services

import (
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		password, want string
	}{
		{"kurz", "must be at least 10 characters long"},
		{"ÄÖÜäöüßẞéè", ""}, // ten characters, twenty bytes
		{"ÄÖÜäöüßẞé", "must be at least 10 characters long"},
		{strings.Repeat("x", 256), ""},
		{strings.Repeat("x", 257), "must be at most 256 characters long"},
		{"Password123", "is one of the most common passwords; choose another"},
		{"QWERTZUIOP", "is one of the most common passwords; choose another"},
		{"passwort123", "is one of the most common passwords; choose another"},
		{"zoe.cosic@example.org", "must not be your e-mail address"},
		{"ZOE.COSIC1", ""},
		{"Fachkräfte sichern 2023", ""},
		{"\xff\xfe invalid utf8", "must be valid text"},
	}
	for _, tc := range cases {
		got := ""
		if code, p := checkPassword(tc.password, "zoe.cosic@example.org"); code != "" {
			got = code.English(params(p...))
		}
		if got != tc.want {
			t.Errorf("checkPassword(%q) = %q, want %q", tc.password, got, tc.want)
		}
	}
}

func TestProductionHashesCostWhatOWASPAsks(t *testing.T) {
	if m, p := hashCost(false); m != 19456 || p != 2 {
		t.Errorf("production cost m=%d KiB, t=%d; want m=19456, t=2", m, p)
	}
	if m, p := hashCost(true); m != 8 || p != 1 {
		t.Errorf("test cost m=%d KiB, t=%d; want argon2's smallest, m=8, t=1", m, p)
	}
}

func TestHashPasswordRoundTrip(t *testing.T) {
	h1, err := hashPassword("Fachkräfte sichern 2023")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := hashPassword("Fachkräfte sichern 2023")
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Fatalf("hash %q is not argon2id with the test binary's parameters", h1)
	}
	for pw, want := range map[string]bool{"Fachkräfte sichern 2023": true, "Fachkrafte sichern 2023": false, "": false} {
		if ok, err := verifyPassword(h1, pw); err != nil {
			t.Errorf("verify(%q): %v", pw, err)
		} else if ok != want {
			t.Errorf("verify(%q) = %v; want %v", pw, ok, want)
		}
	}
	if _, err := verifyPassword("$2a$12$bcrypt", "x"); err == nil {
		t.Error("a foreign hash format was accepted")
	}
}
