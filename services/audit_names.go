package services

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
)

// AuditRef names an object of the audit log as its events do.
type AuditRef struct {
	Type string
	ID   string
}

// AuditObject is how the audit log shows an object: by its name as it is
// now ("Frühjahr 2023", "Zoë Ćosić-Şahin"). An enrollment is its person,
// Within its cohort, which CohortID leads to.
type AuditObject struct {
	Name     string
	Within   string
	CohortID uint
}

// auditNamers load the names of one object type for a page of events, in
// one query whatever the number of events.
var auditNamers = map[string]func(tx *gorm.DB, ids []uint) (map[uint]AuditObject, error){
	"user":        namesOf(&models.User{}, "display_name"),
	"course":      namesOf(&models.Course{}, "title"),
	"cohort":      namesOf(&models.Cohort{}, "name"),
	"participant": participantNames,
	"api_token":   namesOf(&models.APIToken{}, "name"),
	"enrollment":  enrollmentNames,
	"session":     sessionNames,
}

// AuditObjectTypes are the object types the audit log records, for a
// choice of them.
func AuditObjectTypes() []string {
	return []string{"user", "login", "api_token", "course", "cohort", "participant", "enrollment", "session", "calendar"}
}

// ObjectNames names the objects that events are about. Objects that no
// longer exist, and events about no object, are left out.
func (a *Audit) ObjectNames(ctx context.Context, actor Actor, events []models.AuditEvent) (map[AuditRef]AuditObject, error) {
	if !actor.IsStaff() {
		return nil, ErrForbidden
	}
	ids := map[string][]uint{}
	for _, ev := range events {
		id, err := strconv.ParseUint(ev.ObjectID, 10, 32)
		if _, known := auditNamers[ev.ObjectType]; err == nil && known && !slices.Contains(ids[ev.ObjectType], uint(id)) {
			ids[ev.ObjectType] = append(ids[ev.ObjectType], uint(id))
		}
	}
	names := map[AuditRef]AuditObject{}
	db := a.db.WithContext(ctx)
	for typ, list := range ids {
		found, err := auditNamers[typ](db, list)
		if err != nil {
			return nil, err
		}
		for id, obj := range found {
			names[AuditRef{Type: typ, ID: strconv.FormatUint(uint64(id), 10)}] = obj
		}
	}
	return names, nil
}

type namedRow struct {
	ID   uint
	Name string
}

// namesOf names the rows of model by one column.
func namesOf(model any, column string) func(*gorm.DB, []uint) (map[uint]AuditObject, error) {
	return func(tx *gorm.DB, ids []uint) (map[uint]AuditObject, error) {
		var rows []namedRow
		if err := tx.Model(model).Select("id", column+" AS name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
			return nil, err
		}
		out := make(map[uint]AuditObject, len(rows))
		for _, r := range rows {
			out[r.ID] = AuditObject{Name: r.Name}
		}
		return out, nil
	}
}

type personRow struct {
	ID                  uint
	FirstName, LastName string
	CohortID            uint
	CohortName          string
}

func (r personRow) name() string {
	return strings.TrimSpace(r.FirstName + " " + r.LastName)
}

func participantNames(tx *gorm.DB, ids []uint) (map[uint]AuditObject, error) {
	var rows []personRow
	if err := tx.Model(&models.Participant{}).Select("id", "first_name", "last_name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint]AuditObject, len(rows))
	for _, r := range rows {
		out[r.ID] = AuditObject{Name: r.name()}
	}
	return out, nil
}

func enrollmentNames(tx *gorm.DB, ids []uint) (map[uint]AuditObject, error) {
	var rows []personRow
	err := tx.Table("enrollments").
		Select("enrollments.id, participants.first_name, participants.last_name, enrollments.cohort_id, cohorts.name AS cohort_name").
		Joins("JOIN participants ON participants.id = enrollments.participant_id").
		Joins("JOIN cohorts ON cohorts.id = enrollments.cohort_id").
		Where("enrollments.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[uint]AuditObject, len(rows))
	for _, r := range rows {
		out[r.ID] = AuditObject{Name: r.name(), Within: r.CohortName, CohortID: r.CohortID}
	}
	return out, nil
}

// sessionNames name sessions by title, within their cohort.
func sessionNames(tx *gorm.DB, ids []uint) (map[uint]AuditObject, error) {
	var rows []struct {
		ID         uint
		Title      string
		CohortID   uint
		CohortName string
	}
	err := tx.Table("cohort_sessions").
		Select("cohort_sessions.id, cohort_sessions.title, cohort_sessions.cohort_id, cohorts.name AS cohort_name").
		Joins("JOIN cohorts ON cohorts.id = cohort_sessions.cohort_id").
		Where("cohort_sessions.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[uint]AuditObject, len(rows))
	for _, r := range rows {
		out[r.ID] = AuditObject{Name: r.Title, Within: r.CohortName, CohortID: r.CohortID}
	}
	return out, nil
}
