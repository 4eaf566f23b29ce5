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
	statements := statisticsSQLite
	if EngineFor(tx) == Postgres {
		statements = statisticsPostgres
	}
	statements = append(append([]string{}, statements...), statisticsBackfill...)
	for _, s := range statements {
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

// statisticsPostgres keeps the counts with row triggers. A count is moved
// by an upsert; rows that fall to zero stay and are skipped when read.
var statisticsPostgres = append(append([]string{}, statisticsTables...),
	`CREATE FUNCTION statistics_add(c BIGINT, st VARCHAR, fs VARCHAR, nt VARCHAR, d BIGINT) RETURNS void AS $$
	BEGIN
		INSERT INTO statistics_counts AS s (cohort_id, status, federal_state, network_type, n)
			VALUES (c, st, fs, nt, d), (0, st, fs, nt, d)
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = s.n + EXCLUDED.n;
	END $$ LANGUAGE plpgsql`,
	`CREATE FUNCTION statistics_enrollment() RETURNS trigger AS $$
	DECLARE
		p participants%ROWTYPE;
	BEGIN
		IF TG_OP IN ('DELETE', 'UPDATE') THEN
			SELECT * INTO p FROM participants WHERE id = OLD.participant_id;
			PERFORM statistics_add(OLD.cohort_id, OLD.status, p.federal_state, p.network_type, -1);
			IF NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = OLD.participant_id AND id <> OLD.id)
				AND (TG_OP = 'DELETE' OR NEW.participant_id <> OLD.participant_id) THEN
				UPDATE statistics_people SET n = n - 1 WHERE id = 1;
			END IF;
		END IF;
		IF TG_OP IN ('INSERT', 'UPDATE') THEN
			SELECT * INTO p FROM participants WHERE id = NEW.participant_id;
			PERFORM statistics_add(NEW.cohort_id, NEW.status, p.federal_state, p.network_type, 1);
			IF NOT EXISTS (SELECT 1 FROM enrollments WHERE participant_id = NEW.participant_id AND id <> NEW.id)
				AND (TG_OP = 'INSERT' OR NEW.participant_id <> OLD.participant_id) THEN
				UPDATE statistics_people SET n = n + 1 WHERE id = 1;
			END IF;
		END IF;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER statistics_enrollment AFTER INSERT OR DELETE ON enrollments
		FOR EACH ROW EXECUTE FUNCTION statistics_enrollment()`,
	`CREATE TRIGGER statistics_enrollment_update AFTER UPDATE OF cohort_id, participant_id, status ON enrollments
		FOR EACH ROW WHEN (OLD.cohort_id <> NEW.cohort_id OR OLD.participant_id <> NEW.participant_id OR OLD.status <> NEW.status)
		EXECUTE FUNCTION statistics_enrollment()`,
	`CREATE FUNCTION statistics_participant() RETURNS trigger AS $$
	BEGIN
		INSERT INTO statistics_counts AS s (cohort_id, status, federal_state, network_type, n)
			SELECT k.cohort_id, e.status, k.federal_state, k.network_type, k.sign * COUNT(*)
			FROM enrollments e
			CROSS JOIN LATERAL (VALUES
				(e.cohort_id, OLD.federal_state, OLD.network_type, -1), (0, OLD.federal_state, OLD.network_type, -1),
				(e.cohort_id, NEW.federal_state, NEW.network_type, 1), (0, NEW.federal_state, NEW.network_type, 1)
			) AS k(cohort_id, federal_state, network_type, sign)
			WHERE e.participant_id = NEW.id
			GROUP BY k.cohort_id, e.status, k.federal_state, k.network_type, k.sign
			ON CONFLICT (cohort_id, status, federal_state, network_type) DO UPDATE SET n = s.n + EXCLUDED.n;
		RETURN NULL;
	END $$ LANGUAGE plpgsql`,
	`CREATE TRIGGER statistics_participant AFTER UPDATE OF federal_state, network_type ON participants
		FOR EACH ROW WHEN (OLD.federal_state IS DISTINCT FROM NEW.federal_state OR OLD.network_type IS DISTINCT FROM NEW.network_type)
		EXECUTE FUNCTION statistics_participant()`,
)

// statisticsSQLite keeps the counts with SQLite's triggers, which have no
// variables or functions: each change is one upsert per affected row of
// statistics_counts, for the cohort and for cohort 0.
var statisticsSQLite = append(append([]string{}, statisticsTables...),
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
)
