package services

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"kohorte/models"
)

// demoComments are the jurors' comments of the demo, one picked per sheet.
var demoComments = []string{
	"Überzeugende Idee, klar präsentiert.",
	"Fachlich solide; die Übertragbarkeit auf andere Regionen bleibt offen.",
	"Starker Bezug zur Netzwerkarbeit vor Ort.",
	"Gute Präsentation, die Zahlen hätten wir gern genauer gesehen.",
}

// demoScores scores every group of a cohort by every appointed,
// non-conflicted juror, submits each sheet as that juror would, and then
// releases the results, so that the demo's cohort shows them. Points
// vary by group and juror, always on the rubric's steps. The lead wires
// it after the demo's groups, rubric and jury exist and scoring is open.
func demoScores(ctx context.Context, actor Actor, s *Services, cohortID uint) error {
	var jurors []models.Juror
	var groups []models.ProjectGroup
	var conflicts []models.JuryConflict
	var rubric []models.RubricCriterion
	err := readTransaction(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Preload("User").Where("cohort_id = ?", cohortID).Order("id").Find(&jurors).Error; err != nil {
			return err
		}
		if err := tx.Where("cohort_id = ?", cohortID).Order("name, id").Find(&groups).Error; err != nil {
			return err
		}
		inCohort := tx.Model(&models.ProjectGroup{}).Select("id").Where("cohort_id = ?", cohortID)
		if err := tx.Where("group_id IN (?)", inCohort).Find(&conflicts).Error; err != nil {
			return err
		}
		var err error
		rubric, err = rubricOf(tx, cohortID)
		return err
	})
	if err != nil {
		return err
	}
	conflicted := map[[2]uint]bool{}
	for _, c := range conflicts {
		conflicted[[2]uint{c.GroupID, c.UserID}] = true
	}
	for gi, g := range groups {
		for ji, j := range jurors {
			if conflicted[[2]uint{g.ID, j.UserID}] || j.User == nil {
				continue
			}
			juror := Actor{UserID: j.UserID, Email: j.User.Email, DisplayName: j.User.DisplayName, Role: models.RoleJuror}
			in := SheetInput{Comment: demoComments[(gi+ji)%len(demoComments)], Points: demoPoints(rubric, gi, ji)}
			if _, err := s.Scoring.SaveDraft(ctx, juror, g.ID, in); err != nil {
				return fmt.Errorf("demo sheet of group %s: %w", g.Name, err)
			}
			if _, err := s.Scoring.Submit(ctx, juror, g.ID); err != nil {
				return fmt.Errorf("demo submit of group %s: %w", g.Name, err)
			}
		}
	}
	_, err = s.Results.Release(ctx, actor, cohortID, "")
	return err
}

// demoPoints gives a group's sheet by one juror: between about 40 % and
// 95 % of each maximum, rounded down to the criterion's step, so that
// groups differ and one of them may fail.
func demoPoints(rubric []models.RubricCriterion, group, juror int) []PointsEntry {
	out := make([]PointsEntry, len(rubric))
	for i, c := range rubric {
		percent := 40 + (group*23+juror*7+i*11)%56
		p := c.MaxPoints * percent / 100
		if c.Step > 0 {
			p -= p % c.Step
		}
		out[i] = PointsEntry{CriterionID: c.ID, Points: p}
	}
	return out
}
