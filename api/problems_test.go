package api_test

// fieldErrors is the part of a problem+json body that names the invalid
// fields. Tables decode problems into these types of their own rather than
// into api.Problem, so that a row compares only the fields it names and a
// field added to the problem later does not enter every diff.
type fieldErrors struct {
	Errors []fieldError
}

// fieldError is one entry of a problem's errors; Row and Column are zero
// unless the problem is about an imported file.
type fieldError struct {
	Field   string
	Message string
	Row     int
	Column  string
}

// fieldNames is the part of a problem that says which fields were invalid,
// for rows that assert the names but not the messages.
type fieldNames struct {
	Errors []fieldName
}

type fieldName struct{ Field string }
