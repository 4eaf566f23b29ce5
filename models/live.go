package models

// LiveModels lists every model the app persists, one per table. A test
// migrates an empty database and checks that each field of each model has
// its column there, so a field added without a migration fails the tests
// instead of the first request in production. A new model goes on this list.
func LiveModels() []any {
	return []any{
		&Setting{},
		&User{},
		&Session{},
		&UserToken{},
		&APIToken{},
		&LoginAttempt{},
		&AuditEvent{},
		&Course{},
		&CourseIssuer{},
		&CourseSignatory{},
		&Cohort{},
		&Participant{},
		&Enrollment{},
		&CohortSession{},
		&Attendance{},
		&CalendarToken{},
		&IssuedDocument{},
		&DocumentCounter{},
		&ProjectGroup{},
		&GroupMember{},
		&RubricCriterion{},
		&CohortJury{},
		&Juror{},
		&JuryConflict{},
		&ScoreSheet{},
		&Score{},
	}
}
