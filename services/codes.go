package services

import (
	"maps"
	"slices"
)

// Code names one rule that refused an input or an action. Codes are part of
// the API: integrators branch on them and the pages translate them, so a
// code keeps its meaning once it has shipped. The names are lower-case,
// dotted by the object they concern.
type Code string

// The codes of the domain's kinds, for refusals without a rule of their own.
const (
	CodeInternal      Code = "internal"
	CodeInvalidInput  Code = "invalid_input"
	CodeNotFound      Code = "not_found"
	CodeForbidden     Code = "forbidden"
	CodeUnauthorized  Code = "unauthorized"
	CodeTooManyTries  Code = "too_many_tries"
	CodeUnavailable   Code = "unavailable"
	CodeInvalidAction Code = "invalid_action"
	CodeConflict      Code = "conflict"
)

// Codes of field rules that many inputs share.
const (
	CodeRequired     Code = "required"      // no params
	CodeTooLong      Code = "too_long"      // max: characters
	CodeTooShort     Code = "too_short"     // min: characters
	CodeTooSmall     Code = "too_small"     // min
	CodeTooLarge     Code = "too_large"     // max
	CodeTooFew       Code = "too_few"       // min: entries of a list
	CodeTooMany      Code = "too_many"      // max: entries of a list
	CodeOutOfRange   Code = "out_of_range"  // min, max
	CodeNotOneOf     Code = "not_one_of"    // allowed: the choices, comma-separated
	CodeControlChars Code = "control_chars" // no params
	CodeUnreadable   Code = "text.unreadable"
	CodeEmailInvalid Code = "email.invalid"
	CodeInvalid      Code = "invalid" // a rule without a code of its own
)

// Codes of accounts and logins.
const (
	CodePasswordInvalidText  Code = "password.invalid_text"
	CodePasswordTooShort     Code = "password.too_short" // min
	CodePasswordTooLong      Code = "password.too_long"  // max
	CodePasswordCommon       Code = "password.common"
	CodePasswordIsEmail      Code = "password.is_email"
	CodePasswordCurrentWrong Code = "password.current_wrong"
	CodePasswordLinkInvalid  Code = "password_link.invalid"
	CodeRoleInvalid          Code = "role.invalid"
	CodeStatusInvalid        Code = "status.invalid"
	CodeUserChangeEmpty      Code = "user.change_empty"
	CodeLastAdmin            Code = "user.last_admin"
	CodeDisableSelf          Code = "user.disable_self"
	CodeAccountDisabled      Code = "account.disabled"
	CodeAccountEmailTaken    Code = "account.email_taken"
	CodeLoginInvalid         Code = "login.invalid"
	CodeAPITokenNameLength   Code = "api_token.name_length" // min, max
	CodeAPITokenDays         Code = "api_token.days"        // min, max
)

// Codes of courses, cohorts, participants, enrollments and imports.
const (
	CodeCoursePrefixChars         Code = "course.prefix_chars"
	CodeCourseIssuerUnknown       Code = "course.issuer_unknown"
	CodeLogoEmpty                 Code = "logo.empty"
	CodeLogoTooLarge              Code = "logo.too_large" // mb
	CodeLogoType                  Code = "logo.type"
	CodeCohortEndBeforeStart      Code = "cohort.end_before_start"
	CodeCohortCapacityBelowEnroll Code = "cohort.capacity_below_enrolled" // count
	CodeCohortSessionsOutside     Code = "cohort.sessions_outside"        // count, date: the first such session's day
	CodeCohortNameTaken           Code = "cohort.name_taken"
	CodeCohortClosed              Code = "cohort.closed" // status
	CodeCohortArchived            Code = "cohort.archived"
	CodeCohortStatusStep          Code = "cohort.status_step" // from, to
	CodeCohortFull                Code = "cohort.full"
	CodeEnrollmentExists          Code = "enrollment.exists"
	CodeEnrollmentNotEnrolled     Code = "enrollment.not_enrolled"
	CodeWithdrawalBeforeEnroll    Code = "withdrawal.before_enrollment" // date
	CodeWithdrawalAfterEnd        Code = "withdrawal.after_end"         // date: the cohort's last day
	CodeEnrollmentNotInCohort     Code = "enrollment.not_in_cohort"     // id
	CodeParticipantEmailTaken     Code = "participant.email_taken"
	CodeParticipantAccountRole    Code = "participant.account_role" // role
	CodeNetworkTypeInvalid        Code = "network_type.invalid"     // value
	CodeFederalStateInvalid       Code = "federal_state.invalid"    // value
	CodePhoneInvalid              Code = "phone.invalid"            // value
	CodeImportDuplicateEmail      Code = "import.duplicate_email"   // value, line
	CodeImportRowMalformed        Code = "import.row_malformed"
	CodeImportTooFewPlaces        Code = "import.too_few_places" // count, free
	CodeDemoNotEmpty              Code = "demo.not_empty"
)

// Codes of attendance.
const (
	CodeAttendanceSessionCancelled Code = "attendance.session_cancelled"
	CodeAttendanceNotExpected      Code = "attendance.not_expected" // name, date: the session's day
	CodeAttendanceNotStarted       Code = "attendance.not_started"  // date
	CodeAttendanceDuplicate        Code = "attendance.duplicate"    // index: the entry naming the person first
	CodeAttendanceModalityPresent  Code = "attendance.modality_present"
	CodeCheckinNotInPerson         Code = "checkin.not_in_person"
	CodeCheckinClosed              Code = "checkin.closed"
	CodeCheckinOutsideSession      Code = "checkin.outside_session" // from, to: Berlin times
	CodeCheckinCodeInvalid         Code = "checkin.code_invalid"
	CodeCheckinNotExpected         Code = "checkin.not_expected"
)

// Codes of a list file that cannot be read as a whole.
const (
	CodeImportFileMissing    Code = "import.file_missing"
	CodeImportTooLarge       Code = "import.too_large"     // mb
	CodeImportTooManyRows    Code = "import.too_many_rows" // max
	CodeImportHeader         Code = "import.header"        // line, missing
	CodeImportLegacyExcel    Code = "import.legacy_excel"
	CodeImportEncrypted      Code = "import.encrypted"
	CodeImportNoHeader       Code = "import.no_header"
	CodeImportNotSpreadsheet Code = "import.not_spreadsheet"
	CodeImportUnreadable     Code = "import.unreadable"
)

// Codes of sessions and schedules.
const (
	CodeSessionEndNotAfterStart Code = "session.end_not_after_start"
	CodeSessionOutsideCohort    Code = "session.outside_cohort" // from, to: the cohort's first and last day
	CodeSessionCancelled        Code = "session.cancelled"
	CodeSessionURLInvalid       Code = "session.url_invalid"
	CodeScheduleNotEmpty        Code = "schedule.not_empty"
	CodeScheduleTimeInvalid     Code = "schedule.time_invalid"
	CodeScheduleTooShort        Code = "schedule.too_short" // weeks
)

// Codes of project groups, rubrics and juries (the staff side of issue 12).
const (
	CodeGroupNameTaken          Code = "group.name_taken"
	CodeGroupSessionNotInCohort Code = "group.session_not_in_cohort" // id
	CodeGroupHasSheets          Code = "group.has_sheets"            // sheets
	CodeGroupMemberWithdrawn    Code = "group.member_withdrawn"      // name
	CodeGroupMemberInOther      Code = "group.member_in_other_group" // name, group
	CodeGroupMemberDuplicate    Code = "group.member_duplicate"      // index: the entry naming the person first
	CodeRubricPointsInvalid     Code = "rubric.points_invalid"
	CodeRubricPointsRange       Code = "rubric.points_range" // max: points, German
	CodeRubricNotMultiple       Code = "rubric.not_multiple" // step: points, German
	CodeJuryNotJuror            Code = "jury.not_juror"
	CodeJuryJurorExists         Code = "jury.juror_exists"
	CodeJuryJurorHasSheets      Code = "jury.juror_has_sheets" // sheets
	CodeJuryNotAppointed        Code = "jury.not_appointed"
	CodeJuryConflictExists      Code = "jury.conflict_exists"
	CodeJuryScoringOpen         Code = "jury.scoring_open"
	CodeJuryNoCriteria          Code = "jury.no_criteria"
	CodeJuryNoGroups            Code = "jury.no_groups"
	CodeJuryNoJurors            Code = "jury.no_jurors"
)

// Codes of failures that are nobody's mistake.
const (
	CodeConcurrentChange    Code = "conflict.concurrent_change"
	CodeDatabaseUnavailable Code = "unavailable.database"
)

// Codes of list imports that would cost the server too much, and of
// workbooks that are damaged.
const (
	CodeImportUnpackedTooLarge Code = "import.unpacked_too_large" // mb
	CodeImportDamaged          Code = "import.damaged"
	CodeImportBusy             Code = "import.busy"
)

// Codes of text that is shown or printed.
const (
	CodeBidiControls Code = "text.bidi_controls"
)

// Codes of issued certificates and attendance confirmations.
const (
	CodeDocumentNotIssued Code = "document.not_issued"
	CodeDocumentRevoked   Code = "document.revoked"
	// number: the enrollment's current document of that kind.
	CodeDocumentAlreadyIssued Code = "document.already_issued"
	// state: where the certificate rules stand (not_met or pending).
	CodeDocumentNotEligible Code = "document.not_eligible"
	CodeDocumentWithdrawn   Code = "document.withdrawn"
	// number: the document that corrected this one.
	CodeDocumentSuperseded Code = "document.superseded"
	// The certificate's text does not fit on its page.
	CodeDocumentTooLong Code = "document.too_long"
)

// Codes of jury scoring and its results (the scoring side of juries).
const (
	CodeScoreNotOpen          Code = "score.not_open"
	CodeScoreSubmitted        Code = "score.submitted"
	CodeScoreNotSubmitted     Code = "score.not_submitted"
	CodeScoreOutOfRange       Code = "score.out_of_range" // criterion, max: points
	CodeScoreOffStep          Code = "score.off_step"     // criterion, step: points
	CodeScoreUnknownCriterion Code = "score.unknown_criterion"
	CodeScoreMissing          Code = "score.missing" // criteria: the names not scored, comma-separated
	CodeScoreReleased         Code = "score.released"
	CodeResultsReleased       Code = "results.released"
	CodeResultsReasonRequired Code = "results.reason_required" // missing: sheets not submitted
	CodeResultsNotOpen        Code = "results.not_open"
)

// codeMessages hold the English message of every code, with {name} where a
// parameter goes. The API answers with them; a test checks that every code
// declared above has one, and the pages' test that each has a translation.
var codeMessages = map[Code]string{
	CodeDocumentNotIssued:     "This file is not a document issued by Kohorte: it differs from every issued one, if only by one byte.",
	CodeDocumentRevoked:       "The document has been revoked already.",
	CodeDocumentAlreadyIssued: "This person already holds a current document of this kind ({number}); correct it by re-issuing.",
	CodeDocumentNotEligible:   "Not every certificate rule holds; give a reason to issue the certificate all the same.",
	CodeDocumentWithdrawn:     "A person who withdrew gets no certificate, only an attendance confirmation.",
	CodeDocumentSuperseded:    "The document has been corrected already, by {number}.",
	CodeDocumentTooLong:       "The certificate's text does not fit on its page; shorten the course's topics or titles.",
	CodeInternal:              "An internal error occurred.",
	CodeInvalidInput:          "The input is invalid.",
	CodeNotFound:              "The requested resource does not exist.",
	CodeForbidden:             "You are not allowed to do this.",
	CodeUnauthorized:          "Please log in.",
	CodeTooManyTries:          "Too many attempts. Please wait and try again.",
	CodeUnavailable:           "The service is temporarily unavailable.",
	CodeInvalidAction:         "The action is not allowed in this state.",
	CodeConflict:              "The request conflicts with the current state.",

	CodeRequired:     "is required",
	CodeTooLong:      "must be at most {max} characters long",
	CodeTooShort:     "must be at least {min} characters long",
	CodeTooSmall:     "must be at least {min}",
	CodeTooLarge:     "must be at most {max}",
	CodeTooFew:       "must have at least {min} entries",
	CodeTooMany:      "must have at most {max} entries",
	CodeOutOfRange:   "must be between {min} and {max}",
	CodeNotOneOf:     "must be one of: {allowed}",
	CodeControlChars: "must not contain control characters",
	CodeUnreadable:   "contains an unreadable character",
	CodeEmailInvalid: "must be an e-mail address",
	CodeInvalid:      "is not valid",

	CodePasswordInvalidText:  "must be valid text",
	CodePasswordTooShort:     "must be at least {min} characters long",
	CodePasswordTooLong:      "must be at most {max} characters long",
	CodePasswordCommon:       "is one of the most common passwords; choose another",
	CodePasswordIsEmail:      "must not be your e-mail address",
	CodePasswordCurrentWrong: "is not your current password",
	CodePasswordLinkInvalid:  "this link is invalid or has expired",
	CodeRoleInvalid:          "must be one of: admin, staff, juror, participant",
	CodeStatusInvalid:        "must be active or disabled",
	CodeUserChangeEmpty:      "send a role or a status to change",
	CodeLastAdmin:            "Kohorte needs at least one active admin",
	CodeDisableSelf:          "you cannot disable your own account",
	CodeAccountDisabled:      "the account is disabled",
	CodeAccountEmailTaken:    "an account with this e-mail address exists already",
	CodeLoginInvalid:         "e-mail or password is wrong",
	CodeAPITokenNameLength:   "must be {min} to {max} characters long",
	CodeAPITokenDays:         "must be between {min} and {max}",

	CodeCoursePrefixChars:         "may only hold the letters A to Z and digits",
	CodeCourseIssuerUnknown:       "is not an issuer of this course",
	CodeLogoEmpty:                 "is empty",
	CodeLogoTooLarge:              "must be at most {mb} MB",
	CodeLogoType:                  "must be a PNG or JPEG image",
	CodeCohortEndBeforeStart:      "must not be before the start date",
	CodeCohortCapacityBelowEnroll: "must be at least the {count} participants enrolled",
	CodeCohortSessionsOutside:     "would leave {count} sessions outside the period, the first on {date}: move them first",
	CodeCohortNameTaken:           "another cohort of this course has this name",
	CodeCohortClosed:              "the cohort is {status} and takes no enrollments",
	CodeCohortStatusStep:          "the cohort is {from} and cannot become {to}",
	CodeCohortArchived:            "the cohort is archived and nothing in it can change",
	CodeCohortFull:                "the cohort is full",
	CodeEnrollmentExists:          "the participant is enrolled in this cohort already",
	CodeEnrollmentNotEnrolled:     "only an enrolled participant can withdraw",
	CodeWithdrawalBeforeEnroll:    "must not be before the enrollment day {date}",
	CodeWithdrawalAfterEnd:        "must not be after the cohort's last day {date}",
	CodeEnrollmentNotInCohort:     "enrollment {id} is not in this cohort",
	CodeParticipantEmailTaken:     "another participant has this e-mail address",
	CodeParticipantAccountRole:    "the address belongs to a {role} account",
	CodeNetworkTypeInvalid:        "is not a known network type",
	CodeFederalStateInvalid:       "is not a German federal state",
	CodePhoneInvalid:              "may contain only digits, spaces and + ( ) / -",
	CodeImportDuplicateEmail:      "{value} already appears in row {line}",
	CodeImportRowMalformed:        "the row cannot be read",
	CodeImportTooFewPlaces:        "the list would enroll {count} people, but only {free} places are free",
	CodeDemoNotEmpty:              "the database holds courses already; the demo goes into an empty one",

	CodeAttendanceSessionCancelled: "the session is cancelled and takes no attendance",
	CodeAttendanceNotExpected:      "{name} is not expected at the session on {date}: it lies outside their enrollment",
	CodeAttendanceNotStarted:       "the session on {date} has not started yet; only an excused absence can be recorded ahead",
	CodeAttendanceDuplicate:        "the same person appears already in entry {index}",
	CodeAttendanceModalityPresent:  "only someone present has a modality",
	CodeCheckinNotInPerson:         "only a kick-off or closing at the venue has a check-in",
	CodeCheckinClosed:              "the check-in of this session is not open",
	CodeCheckinOutsideSession:      "check-in is possible from {from} until the end at {to}",
	CodeCheckinCodeInvalid:         "the code is not the one shown at this session now; enter the code shown at the moment",
	CodeCheckinNotExpected:         "you are not enrolled for this session",

	CodeImportFileMissing:    `send the list as the multipart field "file"`,
	CodeImportTooLarge:       "the file is too large: at most {mb} MB are allowed",
	CodeImportTooManyRows:    "the list has more than {max} rows",
	CodeImportHeader:         "the header in row {line} lacks the columns {missing}",
	CodeImportLegacyExcel:    "old Excel files (.xls) are not supported: open the file in Excel and save it as .xlsx or as CSV (UTF-8)",
	CodeImportEncrypted:      "password-protected Excel files are not supported: remove the password and upload again",
	CodeImportNoHeader:       "the file has no header row",
	CodeImportNotSpreadsheet: "the file is neither CSV nor XLSX",
	CodeImportUnreadable:     "the file cannot be read as a list",

	CodeSessionEndNotAfterStart: "must be after the start",
	CodeSessionOutsideCohort:    "must lie within the cohort's period, {from} to {to}",
	CodeSessionCancelled:        "the session is cancelled and cannot change",
	CodeSessionURLInvalid:       "must be an address starting with https:// or http://",
	CodeScheduleNotEmpty:        "the cohort has sessions already; a schedule is laid out only for an empty one",
	CodeScheduleTimeInvalid:     "must be a time such as 10:00",
	CodeScheduleTooShort:        "the cohort's period is shorter than the {weeks} weeks of the course's schedule",

	// Project groups, rubrics and juries.
	CodeGroupNameTaken:          "another group of this cohort has this name",
	CodeGroupSessionNotInCohort: "session {id} is not a session of this cohort",
	CodeGroupHasSheets:          "jurors have begun score sheets ({sheets}) for this group; it can no longer be deleted",
	CodeGroupMemberWithdrawn:    "{name} has withdrawn from the cohort and cannot join a group",
	CodeGroupMemberInOther:      "{name} is a member of the group {group} already",
	CodeGroupMemberDuplicate:    "the same person appears already in entry {index}",
	CodeRubricPointsInvalid:     "must be a number of points such as 7,5 or 7.5, with at most two decimals",
	CodeRubricPointsRange:       "must be more than 0 and at most {max}",
	CodeRubricNotMultiple:       "must be a multiple of the step {step}",
	CodeJuryNotJuror:            "must be an active account with the role juror",
	CodeJuryJurorExists:         "the juror is appointed to this cohort already",
	CodeJuryJurorHasSheets:      "the juror has submitted score sheets ({sheets}) in this cohort and cannot be removed",
	CodeJuryNotAppointed:        "must be a juror appointed to this group's cohort",
	CodeJuryConflictExists:      "this conflict of interest is recorded already",
	CodeJuryScoringOpen:         "scoring of this cohort is open already",
	CodeJuryNoCriteria:          "the course's rubric has no criteria: add them before scoring opens",
	CodeJuryNoGroups:            "the cohort has no project groups: add them before scoring opens",
	CodeJuryNoJurors:            "the cohort has no jurors: appoint them before scoring opens",

	CodeConcurrentChange:       "someone else changed the same data at the same moment; please try again",
	CodeDatabaseUnavailable:    "the database cannot be reached at the moment; please try again shortly",
	CodeBidiControls:           "must not contain characters that change the direction of text",
	CodeImportUnpackedTooLarge: "the workbook unpacks to more than {mb} MB",
	CodeImportDamaged:          "the file is damaged: save it again in Excel, or as CSV (UTF-8)",
	CodeImportBusy:             "the server is reading other lists; try again in a moment",

	// Jury scoring and results.
	CodeScoreNotOpen:          "scoring of this cohort is not open",
	CodeScoreSubmitted:        "the sheet is submitted and locked; staff can reopen it",
	CodeScoreNotSubmitted:     "the sheet is not submitted",
	CodeScoreOutOfRange:       "the points for {criterion} must be between 0 and {max}",
	CodeScoreOffStep:          "the points for {criterion} must be in steps of {step}",
	CodeScoreUnknownCriterion: "is not a criterion of this cohort's rubric",
	CodeScoreMissing:          "every criterion needs points before submitting; missing: {criteria}",
	CodeScoreReleased:         "the cohort's results are released; its sheets can no longer be reopened",
	CodeResultsReleased:       "the cohort's results are released already",
	CodeResultsReasonRequired: "{missing} sheets are not submitted yet; releasing now needs a reason",
	CodeResultsNotOpen:        "scoring of this cohort has not opened; there is nothing to release",
}

// Codes returns every code, sorted, for the tests that check each one is
// documented and translated.
func Codes() []Code {
	return slices.Sorted(maps.Keys(codeMessages))
}

// English renders the English message of c with p.
func (c Code) English(p Params) string { return english(c, p) }
