package dbtest

import (
	"encoding/binary"
	"testing"

	"gorm.io/gorm"

	"kohorte/models"
)

// SearchSegments reads how many segments SQLite's FTS5 index has from its
// structure record (row 10 of the _data table, see fts5_index.c): a
// four-byte cookie, optionally the four bytes FF 00 00 01 of the second
// version, then varints for the number of levels and of segments.
func SearchSegments(t *testing.T, db *gorm.DB) int {
	t.Helper()
	var rec []byte
	if err := db.Raw("SELECT block FROM " + models.ParticipantSearchTable + "_data WHERE id = 10").Row().Scan(&rec); err != nil {
		t.Fatal(err)
	}
	i := 4
	if len(rec) >= 8 && string(rec[4:8]) == "\xff\x00\x00\x01" {
		i = 8
	}
	_, n := binary.Uvarint(rec[i:]) // levels; SQLite's varints below 128 are one byte, as here
	segments, m := binary.Uvarint(rec[i+n:])
	if n != 1 || m != 1 {
		t.Fatalf("structure record %x: levels and segments are not one byte each", rec)
	}
	return int(segments)
}
