package models_test

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// Every release commits one SQLite database made by its migrations and
// filled with a few rows, named after its last migration:
// testdata/sqlite/<migration ID>.db. TestSQLiteReleaseDatabases upgrades
// each of them, so a migration that breaks an existing installation's data
// fails here, not on a customer's server. A release that adds migrations
// writes its file once, when its last migration is final, and commits it:
//
//	go test ./models -run TestWriteReleaseDatabase -update-testdata
//
// Files of earlier releases are never rewritten.
var updateTestdata = flag.Bool("update-testdata", false, "write this release's database to testdata/sqlite")

const releaseDir = "testdata/sqlite"

// The name that every release database holds, with letters that a wrong
// encoding or collation would mangle.
const (
	releaseEmail     = "zoe.cosic@example.org"
	releaseFirstName = "Zoë"
	releaseLastName  = "Ćosić-Şahin"
)

// The files are SQLite databases, so this runs on SQLite whichever engine
// the other tests use.
func TestSQLiteReleaseDatabases(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(releaseDir, "*.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no release databases in %s", releaseDir)
	}
	for _, src := range files {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			upgradeReleaseDatabase(t, src)
		})
	}
}

func upgradeReleaseDatabase(t *testing.T, src string) {
	ctx := context.Background()
	dir := t.TempDir()
	// The upgrade writes to the database; the committed file stays as it was.
	copyFile(t, src, models.SQLitePath(dir))
	db, err := models.Open(ctx, models.DBConfig{DataDir: dir}, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)

	applied, err := models.AppliedMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	release := strings.TrimSuffix(filepath.Base(src), ".db")
	if len(applied) == 0 || applied[len(applied)-1] != release {
		t.Fatalf("the file is named after migration %s, but its last applied migration is %v", release, applied)
	}
	before := rowCounts(t, db)
	for table, n := range before {
		if n == 0 {
			t.Errorf("table %s has no rows, so its upgrade is not tested", table)
		}
	}

	if err := models.Migrate(ctx, db); err != nil {
		t.Fatalf("upgrade from %s: %v", release, err)
	}
	applied, err = models.AppliedMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(applied, models.MigrationIDs()) {
		t.Fatalf("applied %v after the upgrade, want %v", applied, models.MigrationIDs())
	}
	for _, problem := range schemaDrift(db) {
		t.Error(problem)
	}
	after := rowCounts(t, db)
	for table, n := range before {
		// Each migration adds its row to schema_migrations; the applied list
		// above checks that table.
		if table != "schema_migrations" && after[table] != n {
			t.Errorf("table %s had %d rows before the upgrade and %d after", table, n, after[table])
		}
	}

	// Reading through the live models also proves they can read old rows.
	var u models.User
	if err := db.Take(&u, "email = ?", releaseEmail).Error; err != nil {
		t.Fatalf("user %s: %v", releaseEmail, err)
	}
	if want := releaseFirstName + " " + releaseLastName; u.DisplayName != want {
		t.Errorf("user's name reads back as %q, want %q", u.DisplayName, want)
	}
	var p models.Participant
	if err := db.Take(&p, "email = ?", releaseEmail).Error; err != nil {
		t.Fatalf("participant %s: %v", releaseEmail, err)
	}
	if p.FirstName != releaseFirstName || p.LastName != releaseLastName {
		t.Errorf("participant's name reads back as %q %q, want %q %q", p.FirstName, p.LastName, releaseFirstName, releaseLastName)
	}
}

// rowCounts counts the rows of every table in db, leaving out SQLite's own.
func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, table := range tables {
		if strings.HasPrefix(table, "sqlite_") {
			continue
		}
		var n int64
		if err := db.Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

// TestWriteReleaseDatabase writes this release's database; see updateTestdata.
func TestWriteReleaseDatabase(t *testing.T) {
	if !*updateTestdata {
		t.Skip("writes testdata; run with -update-testdata")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := models.Open(ctx, models.DBConfig{DataDir: dir}, dbtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	if err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.Transaction(fillReleaseDatabase); err != nil {
		t.Fatalf("fill: %v", err)
	}
	for table, n := range rowCounts(t, db) {
		if n == 0 {
			t.Fatalf("table %s has no rows; add some to fillReleaseDatabase", table)
		}
	}
	// A database outside WAL mode is one self-contained file; VACUUM keeps
	// it small.
	for _, stmt := range []string{"PRAGMA journal_mode=DELETE", "VACUUM"} {
		if err := db.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := models.Close(db); err != nil {
		t.Fatal(err)
	}
	ids := models.MigrationIDs()
	dst := filepath.Join(releaseDir, ids[len(ids)-1]+".db")
	if err := os.MkdirAll(releaseDir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, models.SQLitePath(dir), dst)
	if fi, err := os.Stat(dst); err == nil {
		t.Logf("wrote %s, %d bytes", dst, fi.Size())
	}
}

// fillReleaseDatabase writes a few realistic rows into every table, through
// the models of the release that writes the file.
func fillReleaseDatabase(tx *gorm.DB) error {
	at := func(day, hour int) time.Time { return time.Date(2026, time.March, day, hour, 30, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }

	admin := models.User{Email: "admin@example.org", DisplayName: "Jürgen Öztürk", Role: models.RoleAdmin,
		Status: models.UserActive, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		SearchText: "jurgen ozturk admin@example.org", LastLoginAt: ptr(at(2, 9)), CreatedAt: at(1, 8), UpdatedAt: at(2, 9)}
	staff := models.User{Email: releaseEmail, DisplayName: releaseFirstName + " " + releaseLastName, Role: models.RoleStaff,
		Status: models.UserActive, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$b3RoZXJzYWx0$b3RoZXJoYXNo",
		SearchText: "zoe cosic-sahin zoe.cosic@example.org", CreatedAt: at(1, 9), UpdatedAt: at(1, 9)}
	juror := models.User{Email: "lukasz.nowak@example.org", DisplayName: "Łukasz Nowak", Role: models.RoleJuror,
		Status: models.UserDisabled, MustChangePassword: true, SearchText: "lukasz nowak lukasz.nowak@example.org",
		CreatedAt: at(1, 10), UpdatedAt: at(3, 10)}
	learner := models.User{Email: "ayse.yilmaz@example.org", DisplayName: "Ayşe Yılmaz", Role: models.RoleParticipant,
		Status: models.UserActive, SearchText: "ayse yilmaz ayse.yilmaz@example.org", CreatedAt: at(1, 11), UpdatedAt: at(1, 11)}
	for _, u := range []*models.User{&admin, &staff, &juror, &learner} {
		if err := tx.Create(u).Error; err != nil {
			return err
		}
	}

	course := models.Course{Title: "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		CertificateTitle: "Zertifikat „Netzwerkkoordinator:in“", Description: "Zwölf Wochen, berufsbegleitend.",
		Topics: []string{"Netzwerkmanagement", "Fachkräftesicherung", "Öffentlichkeitsarbeit"}, Format: "blended",
		DurationWeeks: 12, CertificatePrefix: "NKF", MinAttendancePercent: 80, ClosingRequired: true, MinJuryPercent: 50,
		Issuers: []models.CourseIssuer{
			// The smallest PNG there is, so that a blob goes through the upgrade.
			{Position: 1, Name: "Stiftung Bildung & Arbeit", City: "Köln", LogoContentType: "image/png", Logo: []byte(
				"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
					"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")},
			{Position: 2, Name: "IHK Düsseldorf", City: "Düsseldorf"},
		},
		Signatories: []models.CourseSignatory{
			{Position: 1, Name: "Dr. Renée Müller", Function: "Vorständin"},
			{Position: 2, Name: "Grzegorz Brzęczyszczykiewicz", Function: "Leiter Weiterbildung"},
		},
		CreatedAt: at(1, 12), UpdatedAt: at(1, 12)}
	if err := tx.Create(&course).Error; err != nil {
		return err
	}
	cohort := models.Cohort{CourseID: course.ID, Name: "Frühjahr 2026", StartDate: models.NewDate(2026, 3, 2),
		EndDate: models.NewDate(2026, 5, 22), Capacity: 20, Venue: "Haus der Weiterbildung, Straße des 17. Juni 1, Berlin",
		Status: models.CohortRunning, CreatedAt: at(1, 13), UpdatedAt: at(1, 13)}
	if err := tx.Create(&cohort).Error; err != nil {
		return err
	}

	participants := []models.Participant{
		{FirstName: releaseFirstName, LastName: releaseLastName, Email: releaseEmail, Organisation: "Netzwerk Fachkräfte Südniedersachsen",
			NetworkType: models.NetworkFachkraeftesicherung, FederalState: "NI", Phone: "+49 551 123456", DirectoryConsent: true,
			SearchText: "zoe cosic-sahin zoe.cosic@example.org netzwerk fachkrafte sudniedersachsen", SortName: "cosic-sahin zoe"},
		{FirstName: "Ayşe", LastName: "Yılmaz", Email: "ayse.yilmaz@example.org", Organisation: "MINT-Region Ostwürttemberg",
			NetworkType: models.NetworkMINTRegion, FederalState: "BW", UserID: &learner.ID,
			SearchText: "ayse yilmaz ayse.yilmaz@example.org mint-region ostwurttemberg", SortName: "yilmaz ayse"},
		{FirstName: "Jean-Luc", LastName: "d'Éstaing", Email: "jl.destaing@example.org", NetworkType: models.NetworkOther,
			FederalState: "SL", SearchText: "jean-luc d'estaing jl.destaing@example.org", SortName: "d'estaing jean-luc"},
	}
	for i := range participants {
		participants[i].CreatedAt, participants[i].UpdatedAt = at(2, 8+i), at(2, 8+i)
		if err := tx.Create(&participants[i]).Error; err != nil {
			return err
		}
	}
	withdrawn := models.NewDate(2026, 3, 20)
	enrollments := []models.Enrollment{
		{ParticipantID: participants[0].ID, Status: models.EnrollmentEnrolled, EnrolledAt: models.NewDate(2026, 2, 20)},
		{ParticipantID: participants[1].ID, Status: models.EnrollmentCompleted, EnrolledAt: models.NewDate(2026, 2, 21)},
		{ParticipantID: participants[2].ID, Status: models.EnrollmentWithdrawn, EnrolledAt: models.NewDate(2026, 2, 22),
			WithdrawnAt: &withdrawn, WithdrawalReason: "Stellenwechsel nach Österreich"},
	}
	active := 0
	for i := range enrollments {
		e := &enrollments[i]
		e.CohortID, e.CreatedAt, e.UpdatedAt = cohort.ID, at(2, 12), at(2, 12)
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		if e.Status != models.EnrollmentWithdrawn {
			active++
		}
	}
	// As the service keeps it: withdrawn enrollments free their seat.
	if err := tx.Model(&cohort).UpdateColumn("enrolled_count", active).Error; err != nil {
		return err
	}

	rows := []any{
		&models.Session{TokenHash: strings.Repeat("a1", 32), UserID: staff.ID, CreatedAt: at(3, 9), LastSeenAt: at(3, 10), ExpiresAt: at(10, 9)},
		&models.UserToken{UserID: juror.ID, Purpose: models.PurposeInvite, TokenHash: strings.Repeat("b2", 32),
			ExpiresAt: at(8, 10), CreatedByID: &admin.ID, CreatedAt: at(1, 10)},
		&models.UserToken{UserID: staff.ID, Purpose: models.PurposeReset, TokenHash: strings.Repeat("c3", 32),
			ExpiresAt: at(2, 10), UsedAt: ptr(at(1, 16)), CreatedAt: at(1, 15)},
		&models.APIToken{UserID: admin.ID, Name: "Tabellen-Import", Prefix: "koh_4f2a", TokenHash: strings.Repeat("d4", 32),
			ExpiresAt: at(31, 0).AddDate(1, 0, 0), LastUsedAt: ptr(at(3, 7)), CreatedAt: at(1, 14)},
		&models.LoginAttempt{Email: releaseEmail, ClientAddr: "192.0.2.10", Success: false, CreatedAt: at(3, 8)},
		&models.LoginAttempt{Email: releaseEmail, ClientAddr: "192.0.2.10", Success: true, CreatedAt: at(3, 9)},
		&models.AuditEvent{ActorID: &admin.ID, ActorEmail: admin.Email, Action: "participant.update", ObjectType: "participant",
			ObjectID: "1", Before: `{"organisation":"Netzwerk Südniedersachsen"}`,
			After: `{"organisation":"Netzwerk Fachkräfte Südniedersachsen"}`, ClientAddr: "192.0.2.1",
			RequestID: "01JQ7V3Z8X4M2N6P", CreatedAt: at(2, 15)},
		&models.AuditEvent{ActorEmail: "", Action: "login.failed", ObjectType: "user", ClientAddr: "198.51.100.7", CreatedAt: at(3, 8)},
	}
	for _, row := range rows {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
	}
	return nil
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
