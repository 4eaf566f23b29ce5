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
// rowid, which is id.
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
	`ANALYZE participants`,
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
}
