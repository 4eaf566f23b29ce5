package models

import (
	"gorm.io/gorm"
)

// migrateStatistics adds the statistics' read model: enrollments counted by
// cohort, status, federal state and network type (cohort 0 counts all
// cohorts), and the people with at least one enrollment. Triggers keep the
// counts in the same transaction as every change to enrollments and to a
// participant's federal state or network type, whichever code path makes
// it, so that reading the statistics costs a few hundred rows at most
// instead of an aggregate over the whole enrollments-participants join.
// The counts start from the data already there.
func migrateStatistics(tx *gorm.DB) error {
	for _, s := range statisticsTables {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	if err := createStatisticsTriggers(tx); err != nil {
		return err
	}
	return recountStatistics(tx)
}

// createStatisticsTriggers creates the triggers (and on PostgreSQL their
// functions) of the engine tx talks to.
func createStatisticsTriggers(tx *gorm.DB) error {
	statements := statisticsSQLite
	if EngineFor(tx) == Postgres {
		statements = statisticsPostgres
	}
	for _, s := range statements {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// recountStatistics fills the read model from enrollments and participants.
func recountStatistics(tx *gorm.DB) error {
	for _, s := range append([]string{"DELETE FROM statistics_counts", "DELETE FROM statistics_people"}, statisticsBackfill...) {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// statisticsTables are the same on both engines.
var statisticsTables = []string{
	`CREATE TABLE statistics_counts (
		cohort_id BIGINT NOT NULL,
		status VARCHAR(20) NOT NULL,
		federal_state VARCHAR(2) NOT NULL,
		network_type VARCHAR(30) NOT NULL,
		n BIGINT NOT NULL,
		PRIMARY KEY (cohort_id, status, federal_state, network_type))`,
	`CREATE TABLE statistics_people (
		id SMALLINT PRIMARY KEY CHECK (id = 1),
		n BIGINT NOT NULL)`,
}

var statisticsBackfill = []string{
	`INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
		SELECT e.cohort_id, e.status, p.federal_state, p.network_type, COUNT(*)
		FROM enrollments e JOIN participants p ON p.id = e.participant_id
		GROUP BY e.cohort_id, e.status, p.federal_state, p.network_type`,
	`INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
		SELECT 0, e.status, p.federal_state, p.network_type, COUNT(*)
		FROM enrollments e JOIN participants p ON p.id = e.participant_id
		GROUP BY e.status, p.federal_state, p.network_type`,
	`INSERT INTO statistics_people (id, n) SELECT 1, COUNT(DISTINCT participant_id) FROM enrollments`,
}

// statisticsPostgres keeps the counts with statement triggers over
// transition tables: one upsert per statement and key, not per row, so a
// batch of a hundred enrollments moves each count once, and the hot rows
// (cohort 0, the people) get one new version per statement, not a chain of
// thousands within one transaction. Counts that net to zero are not
// written; rows that fall to zero stay and are skipped when read. Counts
// are upserted in key order, so that two statements touching the same
// counts lock them in the same order and wait for each other instead of
// deadlocking.
var statisticsPostgres = []string{
	statisticsEnrollmentFunction("insert", "SELECT cohort_id, status, participant_id, 1 AS sign FROM new_rows"),
	statisticsEnrollmentFunction("delete", "SELECT cohort_id, status, participant_id, -1 AS sign FROM old_rows"),
	statisticsEnrollmentFunction("update", "SELECT cohort_id, status, participant_id, 1 AS sign FROM new_rows"+
		" UNION ALL SELECT cohort_id, status, participant_id, -1 FROM old_rows"),
	`CREATE TRIGGER statistics_insert AFTER INSERT ON enrollments REFERENCING NEW TABLE AS new_rows
		FOR EACH STATEMENT EXECUTE FUNCTION statistics_enrollments_insert()`,
	`CREATE TRIGGER statistics_delete AFTER DELETE ON enrollments REFERENCING OLD TABLE AS old_rows
		FOR EACH STATEMENT EXECUTE FUNCTION statistics_enrollments_delete()`,
	`CREATE TRIGGER statistics_update AFTER UPDATE ON enrollments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
		FOR EACH STATEMENT EXECUTE FUNCTION statistics_enrollments_update()`,
	`CREATE FUNCTION statistics_participants() RETURNS trigger AS $$
	BEGIN
		INSERT INTO statistics_counts AS s (cohort_id, status, federal_state, network_type, n)
			SELECT k.c, e.status, k.fs, k.nt, SUM(k.sign)
			FROM old_rows o JOIN new_rows nw ON nw.id = o.id
			JOIN enrollments e ON e.participant_id = o.id
			CROSS JOIN LATERAL (VALUES
				(e.cohort_id, o.federal_state, o.network_type, -1), (0, o.federal_state, o.network_type, -1),
				(e.cohort_id, nw.federal_state, nw.network_type, 1), (0, nw.federal_state, nw.network_type, 1)
			) AS k(c, fs, nt, sign)
			WHERE o.federal_state <> nw.federal_state OR o.network_type <> nw.network_type
			GROUP BY k.c, e.status, k.fs, k.nt
			HAVING SUM(k.sign) <> 0
			ORDER BY 1, 2, 3, 4
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = s.n + EXCLUDED.n;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER statistics_participants AFTER UPDATE ON participants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
		FOR EACH STATEMENT EXECUTE FUNCTION statistics_participants()`,
}

// statisticsEnrollmentFunction is the trigger function for one kind of
// statement on enrollments; rows is the query of its signed rows. The
// people it touches are locked first, in id order, so that two
// transactions enrolling the same person for the first time cannot both
// count them: the second waits and then sees the first's enrollment.
func statisticsEnrollmentFunction(event, rows string) string {
	return `CREATE FUNCTION statistics_enrollments_` + event + `() RETURNS trigger AS $$
	DECLARE
		delta BIGINT;
	BEGIN
		PERFORM 1 FROM participants WHERE id IN (SELECT participant_id FROM (` + rows + `) AS r)
			ORDER BY id FOR NO KEY UPDATE;
		INSERT INTO statistics_counts AS s (cohort_id, status, federal_state, network_type, n)
			SELECT k.c, d.status, p.federal_state, p.network_type, SUM(d.sign)
			FROM (` + rows + `) AS d JOIN participants p ON p.id = d.participant_id
			CROSS JOIN LATERAL (VALUES (d.cohort_id), (0)) AS k(c)
			GROUP BY k.c, d.status, p.federal_state, p.network_type
			HAVING SUM(d.sign) <> 0
			ORDER BY 1, 2, 3, 4
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = s.n + EXCLUDED.n;
		SELECT COALESCE(SUM((a.now > 0)::int - (a.now - a.added > 0)::int), 0) INTO delta
			FROM (SELECT x.participant_id, SUM(x.sign) AS added,
					(SELECT COUNT(*) FROM enrollments e WHERE e.participant_id = x.participant_id) AS now
				FROM (` + rows + `) AS x GROUP BY x.participant_id) AS a;
		IF delta <> 0 THEN
			UPDATE statistics_people SET n = n + delta WHERE id = 1;
		END IF;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`
}

// statisticsSQLite keeps the counts with SQLite's triggers, which have no
// variables or functions: each change is one upsert per affected row of
// statistics_counts, for the cohort and for cohort 0.
var statisticsSQLite = []string{
	`CREATE TRIGGER statistics_enrollment_insert AFTER INSERT ON enrollments BEGIN
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT c, NEW.status, p.federal_state, p.network_type, 1
			FROM participants p, (SELECT NEW.cohort_id AS c UNION ALL SELECT 0) AS k WHERE p.id = NEW.participant_id
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n + 1;
		UPDATE statistics_people SET n = n + 1 WHERE id = 1
			AND NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = NEW.participant_id AND id <> NEW.id);
	END`,
	`CREATE TRIGGER statistics_enrollment_delete AFTER DELETE ON enrollments BEGIN
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT c, OLD.status, p.federal_state, p.network_type, -1
			FROM participants p, (SELECT OLD.cohort_id AS c UNION ALL SELECT 0) AS k WHERE p.id = OLD.participant_id
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n - 1;
		UPDATE statistics_people SET n = n - 1 WHERE id = 1
			AND NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = OLD.participant_id);
	END`,
	`CREATE TRIGGER statistics_enrollment_update AFTER UPDATE OF cohort_id, participant_id, status ON enrollments
		WHEN OLD.cohort_id IS NOT NEW.cohort_id OR OLD.participant_id IS NOT NEW.participant_id OR OLD.status IS NOT NEW.status BEGIN
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT c, OLD.status, p.federal_state, p.network_type, -1
			FROM participants p, (SELECT OLD.cohort_id AS c UNION ALL SELECT 0) AS k WHERE p.id = OLD.participant_id
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n - 1;
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT c, NEW.status, p.federal_state, p.network_type, 1
			FROM participants p, (SELECT NEW.cohort_id AS c UNION ALL SELECT 0) AS k WHERE p.id = NEW.participant_id
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n + 1;
		UPDATE statistics_people SET n = n - 1 WHERE id = 1 AND NEW.participant_id <> OLD.participant_id
			AND NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = OLD.participant_id);
		UPDATE statistics_people SET n = n + 1 WHERE id = 1 AND NEW.participant_id <> OLD.participant_id
			AND NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = NEW.participant_id AND id <> NEW.id);
	END`,
	`CREATE TRIGGER statistics_participant AFTER UPDATE OF federal_state, network_type ON participants
		WHEN OLD.federal_state IS NOT NEW.federal_state OR OLD.network_type IS NOT NEW.network_type BEGIN
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT k.c, k.status, OLD.federal_state, OLD.network_type, -COUNT(*)
			FROM (SELECT cohort_id AS c, status FROM enrollments WHERE participant_id = NEW.id
				UNION ALL SELECT 0, status FROM enrollments WHERE participant_id = NEW.id) AS k
			WHERE true GROUP BY k.c, k.status
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n + excluded.n;
		INSERT INTO statistics_counts (cohort_id, status, federal_state, network_type, n)
			SELECT k.c, k.status, NEW.federal_state, NEW.network_type, COUNT(*)
			FROM (SELECT cohort_id AS c, status FROM enrollments WHERE participant_id = NEW.id
				UNION ALL SELECT 0, status FROM enrollments WHERE participant_id = NEW.id) AS k
			WHERE true GROUP BY k.c, k.status
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = n + excluded.n;
	END`,
}
