package models

import "gorm.io/gorm"

// migrateSearch gives participant search and the long lists indexes, so
// that neither walks the whole table at 40,000 people.
//
// Search matches every word of a term anywhere in participants.search_text
// (LIKE '%word%'). PostgreSQL answers that from a trigram index (pg_trgm);
// SQLite from an FTS5 table with the trigram tokenizer that mirrors the
// column, kept in step by triggers so that no write path can forget it.
// Words of fewer than three letters have no trigram and are still matched
// with LIKE.
//
// The lists page with OFFSET. participants (sort_name, id) and
// cohorts (start_date, id) let the offset walk an index instead of sorting
// the table; on SQLite the existing sort_name index already ends in the
// rowid, which is id. A cohort's list is sorted by its people's names,
// which live in another table, so that every page of a 10,000-person cohort
// would join and sort 10,000 rows: enrollments keep a copy of their
// participant's sort_name, indexed with the cohort, and triggers keep the
// copy right on every insert and rename, whoever writes.
func migrateSearch(tx *gorm.DB) error {
	statements := sqliteSearchStatements
	if tx.Dialector.Name() == "postgres" {
		statements = postgresSearchStatements
	}
	for _, s := range statements {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

var postgresSearchStatements = []string{
	`CREATE EXTENSION IF NOT EXISTS pg_trgm`,
	`CREATE INDEX idx_participants_search_trgm ON participants USING gin (search_text gin_trgm_ops)`,
	`CREATE INDEX idx_participants_sort_name_id ON participants (sort_name, id)`,
	`CREATE INDEX idx_cohorts_start_date_id ON cohorts (start_date, id)`,
	`ALTER TABLE enrollments ADD COLUMN sort_name varchar(210) NOT NULL DEFAULT ''`,
	`UPDATE enrollments SET sort_name = participants.sort_name FROM participants WHERE participants.id = enrollments.participant_id`,
	`CREATE INDEX idx_enrollments_cohort_sort_name ON enrollments (cohort_id, sort_name, id)`,
	`CREATE FUNCTION enrollments_copy_sort_name() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		NEW.sort_name := (SELECT sort_name FROM participants WHERE id = NEW.participant_id);
		RETURN NEW;
	END $$`,
	`CREATE TRIGGER enrollments_sort_name BEFORE INSERT OR UPDATE OF participant_id ON enrollments
		FOR EACH ROW EXECUTE FUNCTION enrollments_copy_sort_name()`,
	`CREATE FUNCTION participants_pass_sort_name() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		UPDATE enrollments SET sort_name = NEW.sort_name WHERE participant_id = NEW.id;
		RETURN NULL;
	END $$`,
	`CREATE TRIGGER participants_sort_name AFTER UPDATE OF sort_name ON participants
		FOR EACH ROW WHEN (OLD.sort_name IS DISTINCT FROM NEW.sort_name) EXECUTE FUNCTION participants_pass_sort_name()`,
	`ANALYZE participants`,
	`ANALYZE enrollments`,
}

// ParticipantSearchTable is SQLite's FTS5 mirror of participants.search_text.
const ParticipantSearchTable = "participant_search"

var sqliteSearchStatements = []string{
	`CREATE VIRTUAL TABLE participant_search USING fts5(search_text, content='participants', content_rowid='id', tokenize='trigram')`,
	`CREATE TRIGGER participant_search_insert AFTER INSERT ON participants BEGIN
		INSERT INTO participant_search (rowid, search_text) VALUES (new.id, new.search_text);
	END`,
	`CREATE TRIGGER participant_search_delete AFTER DELETE ON participants BEGIN
		INSERT INTO participant_search (participant_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	END`,
	`CREATE TRIGGER participant_search_update AFTER UPDATE OF id, search_text ON participants BEGIN
		INSERT INTO participant_search (participant_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
		INSERT INTO participant_search (rowid, search_text) VALUES (new.id, new.search_text);
	END`,
	`INSERT INTO participant_search (participant_search) VALUES ('rebuild')`,
	`CREATE INDEX idx_cohorts_start_date_id ON cohorts (start_date, id)`,
	`ALTER TABLE enrollments ADD COLUMN sort_name varchar(210) NOT NULL DEFAULT ''`,
	`UPDATE enrollments SET sort_name = (SELECT sort_name FROM participants WHERE participants.id = enrollments.participant_id)`,
	`CREATE INDEX idx_enrollments_cohort_sort_name ON enrollments (cohort_id, sort_name, id)`,
	`CREATE TRIGGER enrollments_sort_name_insert AFTER INSERT ON enrollments BEGIN
		UPDATE enrollments SET sort_name = (SELECT sort_name FROM participants WHERE id = new.participant_id) WHERE id = new.id;
	END`,
	`CREATE TRIGGER enrollments_sort_name_update AFTER UPDATE OF participant_id ON enrollments BEGIN
		UPDATE enrollments SET sort_name = (SELECT sort_name FROM participants WHERE id = new.participant_id) WHERE id = new.id;
	END`,
	`CREATE TRIGGER participants_sort_name AFTER UPDATE OF sort_name ON participants WHEN old.sort_name IS NOT new.sort_name BEGIN
		UPDATE enrollments SET sort_name = new.sort_name WHERE participant_id = new.id;
	END`,
}
