package models

// MigrateTo lets the external tests migrate up to one migration.
var MigrateTo = migrateTo
