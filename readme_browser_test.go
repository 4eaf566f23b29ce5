package main

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"kohorte/frontend/browsertest"
)

// readmeSays fails the test unless the README gives the step the test is
// about to take: what a newcomer reads is what this test does.
func readmeSays(t *testing.T, readme string, steps ...string) {
	t.Helper()
	for _, step := range steps {
		if !strings.Contains(readme, step) {
			t.Fatalf("the README does not give the step %q", step)
		}
	}
}

// TestBrowserREADMEFirstUse walks the README's first-use path on a fresh
// database, in Chromium: start, log in with the printed one-time password,
// choose a password, load the demo, open a cohort. Only the address and the
// database differ from a newcomer's machine.
func TestBrowserREADMEFirstUse(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	db := dbArgs(t)

	readmeSays(t, readme, "```sh\ngo run .\n```", "prints, once, their\none-time password",
		"First admin: admin@kohorte.local with the one-time password ")
	out := &lockedBuffer{}
	url, stop := startRunInto(t, out, runningAt, append([]string{"--addr", "127.0.0.1:0"}, db...), nil)
	defer stop()
	printed := regexp.MustCompile(`First admin: (\S+) with the one-time password (\S+) `).FindStringSubmatch(out.String())
	if printed == nil {
		t.Fatalf("no one-time password printed:\n%s", out)
	}
	email, oneTime := printed[1], printed[2]
	if strings.Index(out.String(), "First admin:") > strings.Index(out.String(), "is running at") {
		t.Errorf("the one-time password comes after the address, not above it as the README shows:\n%s", out)
	}

	// The demo loads between two pages, in this process and under the race
	// detector: groups, a jury's scores and 15 rendered certificates take
	// longer than a browser's usual minute on a busy machine.
	b := browsertest.NewWithin(t, 3*time.Minute)
	readmeSays(t, readme, "Open the address, choose\n“Anmelden”, log in with that e-mail address and password, and choose a\npassword of your own (the one-time password is not asked for again).")
	if status := b.Navigate(url); status != http.StatusOK {
		t.Fatalf("GET %s = %d", url, status)
	}
	if got := b.Text(`[data-nav="login"]`); got != "Anmelden" {
		t.Fatalf("the login link says %q, want Anmelden", got)
	}
	b.ClickAndWait(`[data-nav="login"]`)
	b.Type("#email", email)
	b.Type("#password", oneTime)
	b.ClickAndWait("main form button[type=submit]")
	if path := browsertest.Eval[string](b, "location.pathname"); path != "/passwort" {
		t.Fatalf("after the first login at %s, want /passwort", path)
	}
	if n := browsertest.Eval[int](b, `document.querySelectorAll("#current_password").length`); n != 0 {
		t.Error("the first password change asks for the one-time password again")
	}
	const own = "Mein eigenes Passwort 2026"
	b.Type("#password", own)
	b.Type("#password_repeat", own)
	if status := b.ClickAndWait("main form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("choosing a password: status %d", status)
	}
	if got := b.Text("h1"); got != "Passwort geändert" {
		t.Fatalf("after choosing a password the page says %q", got)
	}
	b.ClickAndWait(`main a.button[href="/"]`)

	readmeSays(t, readme, "```sh\ngo run . demo\n```", "while Kohorte runs\n(in a second terminal; then reload the page)")
	var demo lockedBuffer
	if err := run(context.Background(), append([]string{"demo"}, db...), env(nil), &demo); err != nil {
		t.Fatalf("go run . demo while Kohorte runs: %v\n%s", err, demo.String())
	}
	if b.Reload() != http.StatusOK {
		t.Fatal("reload after the demo failed")
	}

	readmeSays(t, readme, "Then open “Kohorten” and a cohort.", "“Frühjahr\n2021” and “Frühjahr 2023” with 16 each")
	b.ClickAndWait(`[data-nav="cohorts"]`)
	href := browsertest.Eval[string](b, `Array.from(document.querySelectorAll("main a")).find(a => a.textContent.trim() == "Frühjahr 2023")?.getAttribute("href") ?? ""`)
	if href == "" {
		t.Fatalf("the cohort list has no link to Frühjahr 2023: %s", b.Text("main"))
	}
	if status := b.ClickAndWait(`main a[href="` + href + `"]`); status != http.StatusOK {
		t.Fatalf("open Frühjahr 2023: status %d", status)
	}
	if got := b.Text("h1"); !strings.HasPrefix(got, "Frühjahr 2023") {
		t.Errorf("the cohort page is headed %q, want Frühjahr 2023", got)
	}
	if n := browsertest.Eval[int](b, `document.querySelectorAll(".table--enrollments tbody tr").length`); n != 16 {
		t.Errorf("the cohort lists %d participants, want 16", n)
	}
	b.NoConsoleErrors()
}
