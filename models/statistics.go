package models

import (
	"gorm.io/gorm"
)

// statisticsTriggers names the triggers of the statistics' read model on
// each engine, with their tables, for suspending them in a bulk load.
var statisticsTriggers = map[Engine][][2]string{
	Postgres: {{"enrollments", "statistics_insert"}, {"enrollments", "statistics_delete"},
		{"enrollments", "statistics_update"}, {"participants", "statistics_participants"}},
	SQLite: {{"enrollments", "statistics_enrollment_insert"}, {"enrollments", "statistics_enrollment_delete"},
		{"enrollments", "statistics_enrollment_update"}, {"participants", "statistics_participant"}},
}

// LoadInBulk runs load within tx with the statistics' triggers suspended
// and then counts the read model afresh in one pass: a bulk load of tens of
// thousands of rows would otherwise run the triggers for every batch. On
// PostgreSQL, disabling a trigger locks its table until tx ends, so use it
// only where nothing else is expected to write, as in generating a region.
func LoadInBulk(tx *gorm.DB, load func() error) error {
	engine := EngineFor(tx)
	for _, t := range statisticsTriggers[engine] {
		stmt := "DROP TRIGGER " + t[1]
		if engine == Postgres {
			stmt = "ALTER TABLE " + t[0] + " DISABLE TRIGGER " + t[1]
		}
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	if err := load(); err != nil {
		return err
	}
	if engine == Postgres {
		for _, t := range statisticsTriggers[engine] {
			if err := tx.Exec("ALTER TABLE " + t[0] + " ENABLE TRIGGER " + t[1]).Error; err != nil {
				return err
			}
		}
	} else if err := createStatisticsTriggers(tx); err != nil {
		// SQLite's DDL is transactional: the dropped triggers come back
		// with the transaction. A later migration that changes them must
		// change what is recreated here too.
		return err
	}
	return recountStatistics(tx)
}
