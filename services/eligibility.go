package services

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
)

// RuleState is where one certificate rule stands for one participant.
type RuleState string

// The states of a rule. Pending means the rule can still go either way:
// a closing day ahead, a rate that can still be reached, a jury to come.
const (
	RuleMet     RuleState = "met"
	RuleNotMet  RuleState = "not_met"
	RulePending RuleState = "pending"
)

// The certificate rules a line of an explanation belongs to.
const (
	RuleAttendance = "attendance"
	RuleClosing    = "closing"
	RuleJury       = "jury"
)

// Reason names one line of an eligibility explanation; like a Code, it
// carries parameters and is translated by the pages, never parsed.
type Reason string

// The reasons, with their parameters.
const (
	// attended, held, rate (tenths of a percent, floored), min
	ReasonAttendanceMet    Reason = "eligibility.attendance.met"
	ReasonAttendanceNotMet Reason = "eligibility.attendance.not_met"
	// attended, held, rate, min, remaining: below the threshold now, but
	// it can still be reached.
	ReasonAttendanceOpen Reason = "eligibility.attendance.open"
	// min: no required session has been held in the person's time yet.
	ReasonAttendanceNoneHeld Reason = "eligibility.attendance.none_held"
	// day (1, 2 …), date: one closing day.
	ReasonClosingPresent    Reason = "eligibility.closing.present"
	ReasonClosingAbsent     Reason = "eligibility.closing.absent"
	ReasonClosingExcused    Reason = "eligibility.closing.excused"
	ReasonClosingUnrecorded Reason = "eligibility.closing.unrecorded"
	ReasonClosingAhead      Reason = "eligibility.closing.ahead"
	ReasonClosingNotExpect  Reason = "eligibility.closing.not_expected"
	ReasonClosingNone       Reason = "eligibility.closing.none"
	ReasonClosingOptional   Reason = "eligibility.closing.not_required"
	// min: the jury's result is not there yet.
	ReasonJuryPending Reason = "eligibility.jury.pending"
	// share (tenths of a percent, floored), min: the group's released result.
	ReasonJuryMet    Reason = "eligibility.jury.met"
	ReasonJuryNotMet Reason = "eligibility.jury.not_met"
	// min: not (or no longer) a member of a project group.
	ReasonJuryNoGroup Reason = "eligibility.jury.no_group"
	// min: the group's result is not released yet.
	ReasonJuryNotReleased Reason = "eligibility.jury.not_released"
)

// reasonMessages are the English lines of the explanation; the pages
// translate the reasons.
var reasonMessages = map[Reason]string{
	ReasonAttendanceMet:      "Attendance {attended} of {held} required sessions = {rate} % ≥ {min} %: met",
	ReasonAttendanceNotMet:   "Attendance {attended} of {held} required sessions = {rate} % < {min} %: not met",
	ReasonAttendanceOpen:     "Attendance {attended} of {held} required sessions = {rate} % < {min} %: open, {remaining} required sessions to come",
	ReasonAttendanceNoneHeld: "Attendance: no required session held yet: open",
	ReasonClosingPresent:     "Closing day {day} ({date}): present: met",
	ReasonClosingAbsent:      "Closing day {day} ({date}): absent: not met",
	ReasonClosingExcused:     "Closing day {day} ({date}): excused: not met",
	ReasonClosingUnrecorded:  "Closing day {day} ({date}): not recorded: not met",
	ReasonClosingAhead:       "Closing day {day} ({date}): still ahead: open",
	ReasonClosingNotExpect:   "Closing day {day} ({date}): after the withdrawal: not met",
	ReasonClosingNone:        "Closing: no closing day planned yet: open",
	ReasonClosingOptional:    "Closing: not required by this course: met",
	ReasonJuryPending:        "Jury: still open",
	ReasonJuryMet:            "Jury: group result {share} % ≥ {min} %: met",
	ReasonJuryNotMet:         "Jury: group result {share} % < {min} %: not met",
	ReasonJuryNoGroup:        "Jury: not in a project group: open",
	ReasonJuryNotReleased:    "Jury: the group's result is not released yet: open",
}

// Reasons lists every reason, for the tests that check each is translated.
func Reasons() []Reason { return slices.Sorted(maps.Keys(reasonMessages)) }

// reasonParams are the parameters each reason carries, by name in
// alphabetical order, as its line's Params and the API list them.
var reasonParams = map[Reason][]string{
	ReasonAttendanceMet:      {"attended", "held", "min", "rate"},
	ReasonAttendanceNotMet:   {"attended", "held", "min", "rate"},
	ReasonAttendanceOpen:     {"attended", "held", "min", "rate", "remaining"},
	ReasonAttendanceNoneHeld: {"min"},
	ReasonClosingPresent:     {"date", "day"},
	ReasonClosingAbsent:      {"date", "day"},
	ReasonClosingExcused:     {"date", "day"},
	ReasonClosingUnrecorded:  {"date", "day"},
	ReasonClosingAhead:       {"date", "day"},
	ReasonClosingNotExpect:   {"date", "day"},
	ReasonClosingNone:        nil,
	ReasonClosingOptional:    nil,
	ReasonJuryPending:        {"min"},
	ReasonJuryMet:            {"min", "share"},
	ReasonJuryNotMet:         {"min", "share"},
	ReasonJuryNoGroup:        {"min"},
	ReasonJuryNotReleased:    {"min"},
}

// RuleLine is one line of an explanation: which rule, where it stands,
// and why, as a reason with its numbers. The numbers are plain fields, and
// the parameters and the English text are made from them only where they
// are shown: a 500-person grid has some 2,000 lines, and a map and a
// formatted text for each were a quarter of its read.
type RuleLine struct {
	Rule    string
	State   RuleState
	Reason  Reason
	Numbers RuleNumbers
}

// RuleNumbers are the numbers of a line; its reason says which of them it
// speaks of (the others are zero).
type RuleNumbers struct {
	Attended, Held, Remaining, Min int
	// RateTenths and ShareTenths are tenths of a percent, rounded down.
	RateTenths, ShareTenths int
	// Day counts the closing days (1, 2 …); Date is its day as 26.11.2026.
	Day  int
	Date string
}

// Params are the line's parameters by name, as its reason carries them.
func (l RuleLine) Params() Params {
	names := reasonParams[l.Reason]
	if len(names) == 0 {
		return nil
	}
	p := make(Params, len(names))
	for _, name := range names {
		p[name] = l.Numbers.param(name)
	}
	return p
}

// EachParam yields the line's parameters in alphabetical order, without
// building a map.
func (l RuleLine) EachParam() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, name := range reasonParams[l.Reason] {
			if !yield(name, l.Numbers.param(name)) {
				return
			}
		}
	}
}

func (n RuleNumbers) param(name string) any {
	switch name {
	case "attended":
		return n.Attended
	case "held":
		return n.Held
	case "remaining":
		return n.Remaining
	case "min":
		return n.Min
	case "rate":
		return n.RateTenths
	case "share":
		return n.ShareTenths
	case "day":
		return n.Day
	case "date":
		return n.Date
	}
	return nil
}

// English renders the line in English, a rate or share with a decimal
// point.
func (l RuleLine) English() string {
	msg := reasonMessages[l.Reason]
	var b strings.Builder
	b.Grow(len(msg) + 8)
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			break
		}
		end := open + strings.IndexByte(msg[open:], '}')
		if end < open {
			break
		}
		b.WriteString(msg[:open])
		l.Numbers.writeEnglish(&b, msg[open+1:end])
		msg = msg[end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

func (n RuleNumbers) writeEnglish(b *strings.Builder, name string) {
	var buf [24]byte
	switch v := n.param(name).(type) {
	case int:
		if name == "rate" || name == "share" {
			b.Write(appendTenths(buf[:0], v, '.'))
		} else {
			b.Write(strconv.AppendInt(buf[:0], int64(v), 10))
		}
	case string:
		b.WriteString(v)
	}
}

// FormatTenths writes tenths of a percent with one decimal, with sep as
// the decimal separator: 818 is "81.8" or "81,8".
func FormatTenths(tenths int, sep string) string {
	return fmt.Sprintf("%d%s%d", tenths/10, sep, tenths%10)
}

// appendTenths appends tenths as FormatTenths writes them.
func appendTenths(b []byte, tenths int, sep byte) []byte {
	b = strconv.AppendInt(b, int64(tenths/10), 10)
	return strconv.AppendInt(append(b, sep), int64(tenths%10), 10)
}

// Risk says how close a participant is to missing the attendance rate.
type Risk string

// The risks. CannotReach: even attending every remaining required session
// leaves the rate below the threshold. OneMoreMiss: missing one more
// required session would.
const (
	RiskNone        Risk = ""
	RiskCannotReach Risk = "cannot_reach"
	RiskOneMoreMiss Risk = "one_more_miss"
)

// AttendanceCount is the numbers behind a participant's attendance rate.
type AttendanceCount struct {
	// Held are the required, not cancelled sessions that have started in
	// the person's time, without those they were excused from.
	Held     int
	Attended int
	Excused  int
	// Remaining are the required sessions still ahead in the person's time.
	Remaining int
	// RateTenths is Attended/Held in tenths of a percent, rounded down;
	// 0 while nothing is held.
	RateTenths int
}

// Eligibility explains, rule by rule, where one participant stands with
// the certificate. State is not_met if any line is, else pending if any
// line is, else met. A jury rule joins the lines once juries exist.
type Eligibility struct {
	EnrollmentID uint
	State        RuleState
	Lines        []RuleLine
	Count        AttendanceCount
	Risk         Risk
}

// eligibilityRules are the course's certificate rules.
type eligibilityRules struct {
	minPercent      int
	closingRequired bool
	minJuryPercent  int
}

func rulesOf(c *models.Course) eligibilityRules {
	if c == nil {
		return eligibilityRules{minPercent: 80, closingRequired: true, minJuryPercent: 50}
	}
	return eligibilityRules{minPercent: c.MinAttendancePercent, closingRequired: c.ClosingRequired, minJuryPercent: c.MinJuryPercent}
}

// sessionIndex holds a cohort's sessions with their days, read once and
// shared by every participant's evaluation.
type sessionIndex struct {
	sessions []models.CohortSession
	days     []models.Date
	// german is each day as the rule lines print it, formatted once per
	// cohort rather than once per person.
	german []string
}

func indexSessions(sessions []models.CohortSession) sessionIndex {
	idx := sessionIndex{sessions: sessions, days: make([]models.Date, len(sessions)), german: make([]string, len(sessions))}
	for i, s := range sessions {
		idx.days[i] = SessionDay(s)
		idx.german[i] = idx.days[i].German()
	}
	return idx
}

// evaluate explains one enrollment's eligibility from the cohort's
// sessions (ordered by start) and the person's cells, one per session in
// the same order, in integers only: a rate meets min% when
// attended*100 >= min*held.
func evaluate(rules eligibilityRules, idx sessionIndex, e models.Enrollment, cells []AttendanceCell, jury juryOutcome, now time.Time) Eligibility {
	el := Eligibility{EnrollmentID: e.ID}
	// The attendance line comes first, once it is counted; then a line
	// per closing day (two, as a rule), and the jury's.
	lines := make([]RuleLine, 1, 4)
	closingDay := 0
	for i, s := range idx.sessions {
		if s.Cancelled() {
			continue
		}
		expected := expects(e, idx.days[i])
		held := !s.StartsAt.After(now)
		a, recorded := cells[i].Value, cells[i].Recorded
		if s.Kind == models.SessionClosing && rules.closingRequired {
			closingDay++
			lines = append(lines, closingLine(closingDay, idx.german[i], expected, held, a, recorded))
		}
		if !s.Required || !expected {
			continue
		}
		switch {
		case !held:
			el.Count.Remaining++
		case recorded && a.Status == models.AttendanceExcused:
			el.Count.Excused++
		default:
			el.Count.Held++
			if recorded && a.Status == models.AttendancePresent {
				el.Count.Attended++
			}
		}
	}
	if el.Count.Held > 0 {
		el.Count.RateTenths = el.Count.Attended * 1000 / el.Count.Held
	}
	lines[0] = attendanceLine(rules.minPercent, el.Count)
	if closingDay == 0 {
		lines = append(lines, closingWithoutDays(rules.closingRequired))
	}
	el.Lines = append(lines, juryLine(rules.minJuryPercent, jury))
	el.State = overall(el.Lines)
	if e.Status != models.EnrollmentWithdrawn {
		el.Risk = riskOf(rules.minPercent, el.Count)
	}
	return el
}

// meets tells whether attended of held reaches min percent, exactly and
// in integers: 8 of 10 meets 80 %.
func meets(attended, held, min int) bool { return attended*100 >= min*held }

func attendanceLine(min int, c AttendanceCount) RuleLine {
	line := RuleLine{Rule: RuleAttendance,
		Numbers: RuleNumbers{Attended: c.Attended, Held: c.Held, RateTenths: c.RateTenths, Min: min}}
	switch {
	case c.Held == 0:
		line.State, line.Reason, line.Numbers = RulePending, ReasonAttendanceNoneHeld, RuleNumbers{Min: min}
	case meets(c.Attended, c.Held, min):
		line.State, line.Reason = RuleMet, ReasonAttendanceMet
	case c.Remaining > 0 && meets(c.Attended+c.Remaining, c.Held+c.Remaining, min):
		line.State, line.Reason = RulePending, ReasonAttendanceOpen
		line.Numbers.Remaining = c.Remaining
	default:
		line.State, line.Reason = RuleNotMet, ReasonAttendanceNotMet
	}
	return line
}

func closingLine(n int, day string, expected, held bool, a AttendanceValue, recorded bool) RuleLine {
	line := RuleLine{Rule: RuleClosing, State: RuleNotMet, Numbers: RuleNumbers{Day: n, Date: day}}
	switch {
	case !expected:
		line.Reason = ReasonClosingNotExpect
	case !held:
		line.State, line.Reason = RulePending, ReasonClosingAhead
	case !recorded:
		line.Reason = ReasonClosingUnrecorded
	case a.Status == models.AttendancePresent:
		line.State, line.Reason = RuleMet, ReasonClosingPresent
	case a.Status == models.AttendanceExcused:
		line.Reason = ReasonClosingExcused
	default:
		line.Reason = ReasonClosingAbsent
	}
	return line
}

// closingWithoutDays is the closing rule's one line when it has no line
// per day: the course does not require it, or no closing day is planned.
func closingWithoutDays(required bool) RuleLine {
	if !required {
		return RuleLine{Rule: RuleClosing, State: RuleMet, Reason: ReasonClosingOptional}
	}
	return RuleLine{Rule: RuleClosing, State: RulePending, Reason: ReasonClosingNone}
}

func overall(lines []RuleLine) RuleState {
	state := RuleMet
	for _, l := range lines {
		switch l.State {
		case RuleNotMet:
			return RuleNotMet
		case RulePending:
			state = RulePending
		}
	}
	return state
}

// riskOf tells whether the rate is out of reach even if every remaining
// required session is attended, or would be after one more miss.
func riskOf(min int, c AttendanceCount) Risk {
	best, total := c.Attended+c.Remaining, c.Held+c.Remaining
	switch {
	case total == 0:
		return RiskNone
	case !meets(best, total, min):
		return RiskCannotReach
	case c.Remaining > 0 && !meets(best-1, total, min):
		return RiskOneMoreMiss
	}
	return RiskNone
}

// juryOutcome is where a person's project group stands with the jury.
type juryOutcome struct {
	inGroup  bool
	released bool
	result   GroupResult
}

// juryLine is the jury rule for one person: met or not met from their
// group's released result, pending otherwise, saying why.
func juryLine(min int, o juryOutcome) RuleLine {
	line := RuleLine{Rule: RuleJury, State: RulePending, Numbers: RuleNumbers{Min: min}}
	switch {
	case !o.inGroup:
		line.Reason = ReasonJuryNoGroup
	case !o.released:
		line.Reason = ReasonJuryNotReleased
	case o.result.Pending:
		line.Reason = ReasonJuryPending
	case o.result.Passed:
		line.State, line.Reason = RuleMet, ReasonJuryMet
		line.Numbers.ShareTenths = o.result.ResultTenths
	default:
		line.State, line.Reason = RuleNotMet, ReasonJuryNotMet
		line.Numbers.ShareTenths = o.result.ResultTenths
	}
	return line
}

// readJuryOutcomes reads where each enrollment of a cohort stands with
// the jury: the jury's state and the group memberships, and only when
// results are released, the rest of what the results are computed from.
// A withdrawn member is in no group.
func readJuryOutcomes(tx *gorm.DB, cohortID uint, minPercent int) (map[uint]juryOutcome, error) {
	jury, _, err := juryOf(tx, cohortID)
	if err != nil {
		return nil, err
	}
	var members []resultMember
	if jury.ReleasedAt == nil {
		err := tx.Table("group_members").Select("group_members.group_id, group_members.enrollment_id").
			Joins("JOIN project_groups ON project_groups.id = group_members.group_id").
			Joins("JOIN enrollments ON enrollments.id = group_members.enrollment_id").
			Where("project_groups.cohort_id = ? AND enrollments.status <> ?", cohortID, models.EnrollmentWithdrawn).
			Scan(&members).Error
		out := make(map[uint]juryOutcome, len(members))
		for _, m := range members {
			out[m.EnrollmentID] = juryOutcome{inGroup: true}
		}
		return out, err
	}
	d, err := readJuryData(tx, cohortID)
	if err != nil {
		return nil, err
	}
	r := computeResults(d, minPercent)
	out := make(map[uint]juryOutcome, len(d.members))
	for _, g := range r.Groups {
		for _, m := range g.Members {
			out[m.EnrollmentID] = juryOutcome{inGroup: true, released: true, result: g}
		}
	}
	return out, nil
}
