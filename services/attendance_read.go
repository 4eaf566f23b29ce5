package services

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"kohorte/models"
	"kohorte/services/roster"
)

// AttendanceCell is one participant at one session in the grid. Expected
// is false outside their enrollment (before it, or after withdrawal) and
// for cancelled sessions; Recorded is false where nobody took attendance.
type AttendanceCell struct {
	SessionID uint
	Expected  bool
	Recorded  bool
	Value     AttendanceValue
	Note      string
}

// GridRow is one participant with their attendance at every session of
// the cohort, in the sessions' order, and their eligibility.
type GridRow struct {
	Enrollment  models.Enrollment
	Cells       []AttendanceCell
	Eligibility Eligibility
}

// AttendanceGrid is a cohort's participants × sessions, each row with its
// rate and eligibility, and who is at risk of missing the rate.
type AttendanceGrid struct {
	Cohort   models.Cohort
	Sessions []models.CohortSession
	Rows     []GridRow
	// AtRisk are the indexes into Rows of those who can no longer reach
	// the rate, then of those who would miss it after one more miss.
	AtRisk []int
}

// Grid reads a cohort's attendance grid with every row's eligibility in
// one read transaction of seven queries, whatever the cohort's size: the
// cohort with its course, its sessions, its enrollments, their
// participants, all their attendance, and for the jury rule the cohort's
// jury and its group memberships.
func (s *Attendance) Grid(ctx context.Context, actor Actor, cohortID uint) (AttendanceGrid, error) {
	if !actor.IsStaff() {
		return AttendanceGrid{}, ErrForbidden
	}
	var g AttendanceGrid
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		g, err = readGrid(tx, cohortID, nil, s.now())
		return err
	})
	return g, err
}

// GridRow reads one participant's row of a cohort's grid, as the grid
// shows it after a tap on one of its cells: reading the whole grid again
// for one row made every tap as slow as the page.
func (s *Attendance) GridRow(ctx context.Context, actor Actor, cohortID, enrollmentID uint) (AttendanceGrid, error) {
	if !actor.IsStaff() {
		return AttendanceGrid{}, ErrForbidden
	}
	var g AttendanceGrid
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		if g, err = readGrid(tx, cohortID, []uint{enrollmentID}, s.now()); err != nil {
			return err
		}
		if len(g.Rows) == 0 {
			return notFound("enrollment", enrollmentID)
		}
		return nil
	})
	return g, err
}

// readGrid reads the grid of a cohort, of all its enrollments or of those
// only.
func readGrid(tx *gorm.DB, cohortID uint, only []uint, now time.Time) (AttendanceGrid, error) {
	var g AttendanceGrid
	var err error
	if g.Cohort, err = findCohort(tx, cohortID); err != nil {
		return g, err
	}
	if err := tx.Where("cohort_id = ?", cohortID).Order("starts_at, id").Find(&g.Sessions).Error; err != nil {
		return g, err
	}
	es, err := readGridEnrollments(tx, cohortID, only)
	if err != nil {
		return g, err
	}
	idx := indexSessions(g.Sessions)
	cells := layoutCells(idx, es)
	if err := readMarks(tx, cohortID, only, cells); err != nil {
		return g, err
	}
	rules := rulesOf(g.Cohort.Course)
	jury, err := readJuryOutcomes(tx, cohortID, rules.minJuryPercent)
	if err != nil {
		return g, err
	}
	g.Rows = gridRows(rules, idx, es, cells, jury, now)
	g.AtRisk = atRisk(g.Rows)
	return g, nil
}

// readGridEnrollments reads a cohort's enrollments (those only, if given)
// with their people's names in two queries, scanned by hand, as much of
// them as the grid and what is decided from it use: the enrollment's
// people, status and days. GORM's scanning and preloading of whole rows
// were a third of a 500-person grid's read.
func readGridEnrollments(tx *gorm.DB, cohortID uint, only []uint) ([]models.Enrollment, error) {
	// Ordered by the enrollment's own copy of the sort name, whose index
	// starts with the cohort: joining participants to sort made PostgreSQL
	// scan all of them for a 500-person cohort.
	q := tx.Model(&models.Enrollment{}).Select("id, cohort_id, participant_id, status, enrolled_at, withdrawn_at").
		Where("cohort_id = ?", cohortID)
	if only != nil {
		q = q.Where("id IN ?", only)
	}
	rows, err := q.Order("sort_name, id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []models.Enrollment
	var e models.Enrollment
	into := []any{keyInto(&e.ID), keyInto(&e.CohortID), keyInto(&e.ParticipantID), textInto(&e.Status), &e.EnrolledAt, &e.WithdrawnAt}
	for rows.Next() {
		if err := rows.Scan(into...); err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return es, attachNames(tx, es)
}

// attachNames reads the names of the enrollments' people in one query by
// their keys, which PostgreSQL looks up in the primary key's index.
func attachNames(tx *gorm.DB, es []models.Enrollment) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]uint, len(es))
	for i, e := range es {
		ids[i] = e.ParticipantID
	}
	rows, err := tx.Model(&models.Participant{}).Select("id, first_name, last_name").Where("id IN ?", ids).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	people := make([]models.Participant, 0, len(es))
	var p models.Participant
	into := []any{keyInto(&p.ID), &p.FirstName, &p.LastName}
	for rows.Next() {
		if err := rows.Scan(into...); err != nil {
			return err
		}
		people = append(people, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	byID := make(map[uint]*models.Participant, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	for i := range es {
		es[i].Participant = byID[es[i].ParticipantID]
	}
	return nil
}

// gridCells are a grid's cells, all in one slice row by row, and where
// each enrollment's row and each session's column lie.
type gridCells struct {
	cells []AttendanceCell
	width int
	row   map[uint]int
	col   map[uint]int
}

// layoutCells lays out a cell for each enrollment at each session,
// expected from the enrollment day to the withdrawal day unless the
// session is cancelled, nothing recorded yet.
func layoutCells(idx sessionIndex, es []models.Enrollment) gridCells {
	n := len(idx.sessions)
	g := gridCells{cells: make([]AttendanceCell, len(es)*n), width: n, row: make(map[uint]int, len(es)), col: make(map[uint]int, n)}
	for j, s := range idx.sessions {
		g.col[s.ID] = j
	}
	for i, e := range es {
		g.row[e.ID] = i
		for j, s := range idx.sessions {
			g.cells[i*n+j] = AttendanceCell{SessionID: s.ID, Expected: !s.Cancelled() && expects(e, idx.days[j])}
		}
	}
	return g
}

// readMarks reads the attendance of a cohort's sessions (of the enrollments
// only, if given) in one query straight into the grid's cells, scanned by
// hand: a large cohort has thousands of them.
func readMarks(tx *gorm.DB, cohortID uint, only []uint, g gridCells) error {
	code, codeVars := valueCode()
	q := tx.Model(&models.Attendance{}).
		Select("attendances.session_id, attendances.enrollment_id, "+code+", attendances.note", codeVars...).
		Joins("JOIN cohort_sessions ON cohort_sessions.id = attendances.session_id").
		Where("cohort_sessions.cohort_id = ?", cohortID)
	if only != nil {
		q = q.Where("attendances.enrollment_id IN ?", only)
	}
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var sessionID, enrollmentID uint
	var value AttendanceValue
	var note string
	// One set of destinations for all rows: a fresh one per row cost
	// two allocations each.
	into := []any{keyInto(&sessionID), keyInto(&enrollmentID), valueColumn{&value}, &note}
	for rows.Next() {
		if err := rows.Scan(into...); err != nil {
			return err
		}
		i, okRow := g.row[enrollmentID]
		j, okCol := g.col[sessionID]
		if okRow && okCol {
			c := &g.cells[i*g.width+j]
			c.Recorded, c.Value, c.Note = true, value, note
		}
	}
	return rows.Err()
}

// valueCode is the SQL of a mark's status and modality as one small
// number, the value's place in attendanceCycle: read as two texts, they
// cost four allocations a mark through database/sql.
func valueCode() (string, []any) {
	var b strings.Builder
	vars := make([]any, 0, 2*len(attendanceCycle))
	b.WriteString("CASE")
	for i, v := range attendanceCycle {
		b.WriteString(" WHEN attendances.status = ? AND attendances.modality = ? THEN " + strconv.Itoa(i))
		vars = append(vars, v.Status, v.Modality)
	}
	b.WriteString(" END")
	return b.String(), vars
}

// valueColumn scans a value's code (see valueCode) into the value.
type valueColumn struct{ p *AttendanceValue }

func (c valueColumn) Scan(v any) error {
	n, ok := v.(int64)
	if !ok || n < 0 || n >= int64(len(attendanceCycle)) {
		return fmt.Errorf("unknown attendance value %v", v)
	}
	*c.p = attendanceCycle[n]
	return nil
}

// gridRows gives each enrollment its row: its window of the cells, in
// the sessions' order, and its eligibility.
func gridRows(rules eligibilityRules, idx sessionIndex, es []models.Enrollment, g gridCells, jury map[uint]juryOutcome, now time.Time) []GridRow {
	out := make([]GridRow, len(es))
	for i, e := range es {
		own := g.cells[i*g.width : (i+1)*g.width : (i+1)*g.width]
		out[i] = GridRow{Enrollment: e, Cells: own, Eligibility: evaluate(rules, idx, e, own, jury[e.ID], now)}
	}
	return out
}

func atRisk(rows []GridRow) []int {
	var out []int
	for _, risk := range []Risk{RiskCannotReach, RiskOneMoreMiss} {
		for i, r := range rows {
			if r.Eligibility.Risk == risk {
				out = append(out, i)
			}
		}
	}
	return out
}

// SessionSheet is one session with everyone expected there, for taking
// its attendance in one form.
type SessionSheet struct {
	Cohort  models.Cohort
	Session models.CohortSession
	Rows    []SheetRow
}

// SheetRow is one expected participant and what is recorded for them.
type SheetRow struct {
	Enrollment models.Enrollment
	Recorded   bool
	Value      AttendanceValue
	Note       string
}

// Sheet reads a session with everyone expected at it, in one read of five
// queries whatever the cohort's size.
func (s *Attendance) Sheet(ctx context.Context, actor Actor, sessionID uint) (SessionSheet, error) {
	if !actor.IsStaff() {
		return SessionSheet{}, ErrForbidden
	}
	var sh SessionSheet
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Take(&sh.Session, sessionID).Error; err != nil {
			return notFoundAs(err, "session", sessionID)
		}
		var err error
		if sh.Cohort, err = findCohort(tx, sh.Session.CohortID); err != nil {
			return err
		}
		var es []models.Enrollment
		if err := tx.Preload("Participant").
			Where("enrollments.cohort_id = ?", sh.Cohort.ID).
			Order("enrollments.sort_name, enrollments.id").Find(&es).Error; err != nil {
			return err
		}
		var rows []models.Attendance
		if err := tx.Where("session_id = ?", sessionID).Find(&rows).Error; err != nil {
			return err
		}
		sh.Rows = sheetRows(sh.Session, es, rows)
		return nil
	})
	return sh, err
}

func sheetRows(session models.CohortSession, es []models.Enrollment, rows []models.Attendance) []SheetRow {
	byEnrollment := make(map[uint]models.Attendance, len(rows))
	for _, a := range rows {
		byEnrollment[a.EnrollmentID] = a
	}
	day := SessionDay(session)
	var out []SheetRow
	for _, e := range es {
		if !expects(e, day) {
			continue
		}
		a, ok := byEnrollment[e.ID]
		out = append(out, SheetRow{Enrollment: e, Recorded: ok, Value: AttendanceValue{a.Status, a.Modality}, Note: a.Note})
	}
	return out
}

// MyCohortAttendance is a participant's own attendance in one cohort.
type MyCohortAttendance struct {
	Cohort   models.Cohort
	Sessions []models.CohortSession
	Row      GridRow
}

// Mine returns the attendance and eligibility of the participant linked
// to the actor's account, per cohort, newest cohort first; never anyone
// else's.
func (s *Attendance) Mine(ctx context.Context, actor Actor) ([]MyCohortAttendance, error) {
	if !actor.Is(models.RoleParticipant) {
		return nil, ErrForbidden
	}
	var out []MyCohortAttendance
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var es []models.Enrollment
		if err := tx.Joins("JOIN participants ON participants.id = enrollments.participant_id").
			Where("participants.user_id = ?", actor.UserID).
			Order("enrollments.enrolled_at DESC, enrollments.id DESC").Find(&es).Error; err != nil {
			return err
		}
		for _, e := range es {
			// A person is in a handful of cohorts; each is read as the
			// grid of their own row.
			g, err := readGrid(tx, e.CohortID, []uint{e.ID}, s.now())
			if err != nil {
				return err
			}
			if len(g.Rows) == 1 {
				out = append(out, MyCohortAttendance{Cohort: g.Cohort, Sessions: g.Sessions, Row: g.Rows[0]})
			}
		}
		return nil
	})
	return out, err
}

// ExportTable returns a cohort's attendance as the CSV and XLSX exports
// write it, read as the grid is: one column per session, totals, rate and
// eligibility per participant.
func (s *Attendance) ExportTable(ctx context.Context, actor Actor, cohortID uint) (models.Cohort, roster.AttendanceTable, error) {
	g, err := s.Grid(ctx, actor, cohortID)
	if err != nil {
		return g.Cohort, roster.AttendanceTable{}, err
	}
	var t roster.AttendanceTable
	for _, sess := range g.Sessions {
		start, end := sess.StartsAt.In(attendanceZone()), sess.EndsAt.In(attendanceZone())
		t.Sessions = append(t.Sessions, roster.AttendanceSession{Title: sess.Title, Date: start.Format("02.01.2006"),
			Start: start.Format("15:04"), End: end.Format("15:04"), Cancelled: sess.Cancelled()})
	}
	for _, r := range g.Rows {
		p := r.Enrollment.Participant
		row := roster.AttendanceExportRow{LastName: p.LastName, FirstName: p.FirstName, Status: string(r.Enrollment.Status),
			Attended: r.Eligibility.Count.Attended, Excused: r.Eligibility.Count.Excused, Held: r.Eligibility.Count.Held,
			Remaining: r.Eligibility.Count.Remaining, RateTenths: r.Eligibility.Count.RateTenths,
			Eligibility: string(r.Eligibility.State), Risk: string(r.Eligibility.Risk)}
		for _, c := range r.Cells {
			row.Cells = append(row.Cells, exportCell(c))
			if c.Expected && c.Value.Status == models.AttendancePresent {
				if c.Value.Modality == models.ModalityRemote {
					row.Remote++
				} else {
					row.OnSite++
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return g.Cohort, t, nil
}

func exportCell(c AttendanceCell) string {
	switch {
	case !c.Expected:
		return "-"
	case !c.Recorded:
		return ""
	}
	return c.Value.Key()
}
