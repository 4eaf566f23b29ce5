package models

import "time"

// ProjectGroup is a team of participants of one cohort whose project work
// a jury scores. It presents at one of the cohort's sessions.
type ProjectGroup struct {
	ID           uint   `gorm:"primaryKey"`
	CohortID     uint   `gorm:"not null;uniqueIndex:idx_project_groups_cohort_name"`
	Name         string `gorm:"size:120;not null;uniqueIndex:idx_project_groups_cohort_name"`
	ProjectTitle string `gorm:"size:300;not null;default:''"`
	Summary      string `gorm:"type:text;not null;default:''"`
	SessionID    *uint  `gorm:"index"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// GroupMember puts an enrollment into a project group. The unique
// enrollment keeps everyone in at most one group of their cohort. A member
// who withdraws stays here, as the group's history, but leaves its scoring.
type GroupMember struct {
	ID           uint `gorm:"primaryKey"`
	GroupID      uint `gorm:"not null;index"`
	EnrollmentID uint `gorm:"not null;uniqueIndex"`
	CreatedAt    time.Time
}

// RubricCriterion is one weighted criterion of a rubric. A course's
// default rubric has CourseID set; when a cohort's scoring opens, the
// cohort gets its own copy (CohortID set), so that later edits of the
// course's rubric never change a result. Points are in hundredths.
type RubricCriterion struct {
	ID          uint   `gorm:"primaryKey"`
	CourseID    *uint  `gorm:"index"`
	CohortID    *uint  `gorm:"index"`
	Position    int    `gorm:"not null"`
	Name        string `gorm:"size:120;not null"`
	Description string `gorm:"type:text;not null;default:''"`
	Weight      int    `gorm:"not null"`
	// MaxPoints and Step are hundredths of a point: 1000 is 10 points.
	MaxPoints int `gorm:"column:max_hundredths;not null"`
	Step      int `gorm:"column:step_hundredths;not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName keeps the migration's name: GORM's plural of criterion.
func (RubricCriterion) TableName() string { return "rubric_criteria" }

// Aggregation is how a group's result is formed from its sheets.
type Aggregation string

// The aggregations.
const (
	AggregateMean   Aggregation = "mean"
	AggregateMedian Aggregation = "median"
)

// CohortJury holds a cohort's jury settings and the state of its scoring:
// when it opened (and the rubric was copied) and when results were
// released to the groups.
type CohortJury struct {
	CohortID    uint        `gorm:"primaryKey;autoIncrement:false"`
	Aggregation Aggregation `gorm:"size:10;not null;default:'mean'"`
	// SpreadLimit is the spread of the sheets' shares, in percentage
	// points, above which a group's result is flagged as disputed.
	SpreadLimit    int  `gorm:"not null;default:20"`
	ShowJurorNames bool `gorm:"not null;default:false"`
	ScoringOpenAt  *time.Time
	ReleasedAt     *time.Time
	ReleasedByID   *uint
	// ReleaseReason is why results were released before every sheet was in.
	ReleaseReason string `gorm:"type:text;not null;default:''"`
	UpdatedAt     time.Time
}

// Juror appoints an account with the role juror to a cohort's jury.
type Juror struct {
	ID            uint `gorm:"primaryKey"`
	CohortID      uint `gorm:"not null;uniqueIndex:idx_jurors_cohort_user"`
	UserID        uint `gorm:"not null;uniqueIndex:idx_jurors_cohort_user;index"`
	User          *User
	AppointedByID uint `gorm:"not null"`
	CreatedAt     time.Time
}

// JuryConflict records a juror's conflict of interest with a group,
// recorded by staff or declared by the juror: the juror neither sees nor
// scores that group.
type JuryConflict struct {
	ID           uint   `gorm:"primaryKey"`
	GroupID      uint   `gorm:"not null;uniqueIndex:idx_jury_conflicts_group_user"`
	UserID       uint   `gorm:"not null;uniqueIndex:idx_jury_conflicts_group_user;index"`
	Reason       string `gorm:"type:text;not null;default:''"`
	DeclaredByID uint   `gorm:"not null"`
	CreatedAt    time.Time
}

// ScoreSheet is one juror's scoring of one group: points per criterion
// and a comment. Drafts save as the juror types; Revision rises with each
// save. Submitting sets SubmittedAt and locks the sheet until staff
// reopen it.
type ScoreSheet struct {
	ID          uint   `gorm:"primaryKey"`
	GroupID     uint   `gorm:"not null;uniqueIndex:idx_score_sheets_group_juror"`
	JurorID     uint   `gorm:"not null;uniqueIndex:idx_score_sheets_group_juror;index"`
	Comment     string `gorm:"type:text;not null;default:''"`
	Revision    int    `gorm:"not null;default:0"`
	SubmittedAt *time.Time
	Scores      []Score `gorm:"foreignKey:SheetID"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Score is the points of one sheet for one criterion, in hundredths.
type Score struct {
	SheetID     uint `gorm:"primaryKey;autoIncrement:false"`
	CriterionID uint `gorm:"primaryKey;autoIncrement:false;index"`
	Points      int  `gorm:"column:points_hundredths;not null"`
}
