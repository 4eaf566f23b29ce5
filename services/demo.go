package services

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"kohorte/models"
)

// DemoResult says what LoadDemo created.
type DemoResult struct {
	CourseID     uint
	Cohorts      int
	Participants int
	// Certificates is how many certificates the demo issued.
	Certificates int
}

// DemoOptions says where the demo's certificates send their verifiers.
type DemoOptions struct {
	// VerifyBase is Kohorte's public address, printed with each
	// certificate's verification link; DefaultVerifyBase when empty.
	VerifyBase string
}

// DefaultVerifyBase is where Kohorte answers when started without options.
const DefaultVerifyBase = "http://127.0.0.1:8080"

// ErrDemoLoaded refuses to load the demo into a database that has courses.
var ErrDemoLoaded = refuse(ErrConflict, CodeDemoNotEmpty)

type demoCohort struct {
	name       string
	start, end models.Date
	venue      string
	states     []string
	size       int
	// twists: one person withdraws in week 2 and another joins late,
	// the cases attendance must get right. The 2023 cohort stays as its
	// report tells it: 16 people from 7 Länder.
	twists bool
	// jury: project groups, a jury, released results and certificates.
	jury bool
}

// demoCohorts are the three runs the course reports describe.
var demoCohorts = []demoCohort{
	{"Herbst/Winter 2020/21", models.NewDate(2020, 10, 28), models.NewDate(2021, 1, 27), "online", []string{"NI", "HB", "HH", "NW", "BY", "BW", "SN", "TH", "SH"}, 20, false, false},
	{"Frühjahr 2021", models.NewDate(2021, 3, 3), models.NewDate(2021, 5, 26), "online", []string{"NI", "HH", "NW", "HE", "RP", "BE", "ST"}, 16, true, false},
	{"Frühjahr 2023", models.NewDate(2023, 4, 5), models.NewDate(2023, 6, 28), "IHK Oldenburg, Plenarsaal", []string{"NI", "HB", "HH", "SL", "BY", "NW", "SH"}, 16, false, true},
}

// demoFirst and demoLast are fictional names from the many languages
// spoken in German networks, to show that every name prints correctly.
var demoFirst = []string{"Zoë", "Jürgen", "Ayşe", "Mateusz", "Nguyễn Thị", "Fatima", "Søren", "Ioanna", "Oleksandr", "Lucía",
	"Björn", "Aleksandra", "Mehmet", "Chiara", "Dragana", "Kwame", "Élodie", "Hanna", "Tomasz", "Mariana", "Yusuf",
	"Agnieszka", "Rūta", "Daniel", "Şebnem", "Jovana", "Malte", "Anouk", "Grzegorz", "Leilani", "Ömer", "Katarzyna",
	"Friederike", "Ngozi", "Paulo", "Ingrid", "Rania", "Henrik", "Milena", "Tariq", "Gesa", "Ewa", "Kerem", "Annika",
	"Dušan", "Małgorzata", "Jonas", "Yasmin", "Piotr", "Wiebke", "Saoirse", "Emre"}

var demoLast = []string{"Ćosić-Şahin", "Müller", "Yılmaz", "Wiśniewski", "Lan", "Haddad", "Østergaard", "Papadopoulou",
	"Kovalenko", "García Márquez", "Ågren", "Nowak", "Demir", "Esposito", "Petrović", "Mensah", "Lefèvre", "Schäfer",
	"Zieliński", "Gonçalves", "Aydın", "Kamińska", "Jankauskaitė", "Weiß", "Öztürk", "Nikolić", "Janßen", "de Vries",
	"Wójcik", "Kahananui", "Çelik", "Lewandowska", "von Ahlefeldt", "Okafor", "Ferreira", "Lindqvist", "Mansour",
	"Sørensen", "Dvořák", "Al-Khatib", "Brüning", "Kowalczyk", "Arslan", "Thießen", "Đorđević", "Grabowska",
	"Hoffmann", "Benali", "Szymański", "Peters", "Ní Bhriain", "Koç"}

var demoOrgs = []string{"MINT-Region", "Fachkräftenetzwerk", "Bildungsbüro", "Wirtschaftsförderung", "zdi-Zentrum", "Regionalmanagement"}

var demoPlaces = map[string]string{"NI": "Oldenburger Land", "HB": "Bremen", "HH": "Hamburg", "SL": "Saarbrücken",
	"BY": "Bamberg", "NW": "Ostwestfalen-Lippe", "SH": "Kiel", "BW": "Heilbronn-Franken", "SN": "Leipzig",
	"TH": "Jena", "HE": "Kassel", "RP": "Trier", "BE": "Berlin", "ST": "Magdeburg"}

// LoadDemo fills an empty database with the course of the reports, its
// three cohorts and their fictional participants, through the same rules as
// staff entering them, in one transaction: all of it or nothing. The 2023
// cohort goes on to the end: project groups, a jury's released results
// and the graduates' certificates. It refuses a database that holds
// courses.
func (s *Services) LoadDemo(ctx context.Context, actor Actor, opts DemoOptions) (DemoResult, error) {
	if opts.VerifyBase == "" {
		opts.VerifyBase = DefaultVerifyBase
	}
	var res DemoResult
	err := inTransaction(ctx, s.db, func(tx *gorm.DB) error {
		var err error
		res, err = loadDemo(ctx, tx, actor, s.on(tx), opts)
		return err
	})
	return res, err
}

func loadDemo(ctx context.Context, tx *gorm.DB, actor Actor, s *Services, opts DemoOptions) (DemoResult, error) {
	var n int64
	if err := tx.Model(&models.Course{}).Count(&n).Error; err != nil {
		return DemoResult{}, err
	}
	if n > 0 {
		return DemoResult{}, ErrDemoLoaded
	}
	course, err := s.Courses.CreateCourse(ctx, actor, demoCourse())
	if err != nil {
		return DemoResult{}, fmt.Errorf("demo course: %w", err)
	}
	res := DemoResult{CourseID: course.ID}
	person := 0
	for _, dc := range demoCohorts {
		issued, err := loadDemoCohort(ctx, actor, s, course.ID, dc, &person, opts)
		if err != nil {
			return res, fmt.Errorf("demo cohort %s: %w", dc.name, err)
		}
		res.Cohorts++
		res.Certificates += issued
	}
	res.Participants = person
	return res, nil
}

func demoCourse() CourseInput {
	return CourseInput{
		Title:            "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		CertificateTitle: "Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)",
		Description: "Zwölfwöchiger Blended-Learning-Zertifikatslehrgang für Koordinator:innen regionaler Netzwerke " +
			"der Fachkräftesicherung und der MINT-Regionen: Auftaktpräsenz, wöchentliche Webinare, optionales Mentoring, " +
			"Projektarbeit in Gruppen und eine zweitägige Abschlusspräsenz mit Jury.",
		Topics: []string{"Rolle und Auftrag der Netzwerkkoordination", "Netzwerkanalyse und -steuerung",
			"Wirkungsorientierung (Wirkungstreppe)", "Kommunikation und Öffentlichkeitsarbeit", "Projektmanagement",
			"Fachkräftesicherung in der Region"},
		Format:            "Blended Learning",
		CertificatePrefix: "KOH",
		Issuers:           []IssuerInput{{Name: "Körber-Stiftung", City: "Hamburg"}, {Name: "IHK Oldenburg", City: "Oldenburg"}},
		Signatories:       []SignatoryInput{{Name: "Dr. Marlene Beispiel", Function: "Programmleitung"}, {Name: "Hauke Mustermann", Function: "Weiterbildung, IHK Oldenburg"}},
	}
}

// loadDemoCohort loads one cohort of the demo and returns how many
// certificates it issued.
func loadDemoCohort(ctx context.Context, actor Actor, s *Services, courseID uint, dc demoCohort, person *int, opts DemoOptions) (int, error) {
	cohort, err := s.Cohorts.CreateCohort(ctx, actor, courseID, CohortInput{Name: dc.name, StartDate: dc.start, EndDate: dc.end, Capacity: dc.size, Venue: dc.venue})
	if err != nil {
		return 0, err
	}
	if _, err := s.Schedule.LayOutSchedule(ctx, actor, cohort.ID, demoSchedule(dc)); err != nil {
		return 0, err
	}
	enrolled := make([]uint, 0, dc.size)
	for i := range dc.size {
		p, err := s.Participants.CreateParticipant(ctx, actor, demoPerson(*person, dc.states[i%len(dc.states)]))
		if err != nil {
			return 0, err
		}
		*person++
		e, err := s.Enrollments.Enroll(ctx, actor, cohort.ID, p.ID, dc.start.AddDays(-14+i%7))
		if err != nil {
			return 0, err
		}
		enrolled = append(enrolled, e.ID)
	}
	if dc.twists {
		if err := demoTwists(ctx, actor, s, cohort, person, dc.states[0]); err != nil {
			return 0, err
		}
	}
	if err := demoAttendance(ctx, actor, s, cohort.ID); err != nil {
		return 0, err
	}
	if dc.jury {
		if err := demoJury(ctx, actor, s, cohort.ID, enrolled); err != nil {
			return 0, err
		}
	}
	for _, st := range []models.CohortStatus{models.CohortRunning, models.CohortCompleted} {
		if _, err := s.Cohorts.SetCohortStatus(ctx, actor, cohort.ID, st); err != nil && !errors.Is(err, ErrInvalidAction) {
			return 0, err
		}
	}
	if !dc.jury {
		return 0, nil
	}
	rep, err := s.Documents.IssueCohort(ctx, actor, cohort.ID, IssueInput{VerifyBase: opts.VerifyBase})
	return len(rep.Issued), err
}

// demoSchedule is the course's template as the reports describe it:
// Wednesday webinars, two mentoring slots, each cohort its own webinar room.
func demoSchedule(dc demoCohort) ScheduleTemplate {
	tpl := DefaultScheduleTemplate()
	tpl.MentoringSlots = 2
	tpl.OnlineURL = "https://meet.example.org/" + strings.NewReplacer(" ", "-", "/", "-").Replace(asciiFold(strings.ToLower(dc.name)))
	return tpl
}

// demoPerson invents participant n from federal state; names and e-mails
// are fictional, the addresses use the reserved example domain.
func demoPerson(n int, state string) ParticipantInput {
	return demoPersonNamed(n, state, demoFirst[n%len(demoFirst)], demoLast[(n*7)%len(demoLast)])
}

// demoPersonNamed invents participant n from federal state with the names
// given; the e-mail address follows the names and n, so it is unique.
func demoPersonNamed(n int, state, first, last string) ParticipantInput {
	network := "mint_region"
	if n%3 == 1 {
		network = "fachkraeftesicherung"
	}
	local := strings.NewReplacer(" ", "", "'", "").Replace(asciiFold(strings.ToLower(first + "." + last)))
	return ParticipantInput{FirstName: first, LastName: last, Email: fmt.Sprintf("%s.%d@example.org", local, n+1),
		Organisation: demoOrgs[n%len(demoOrgs)] + " " + demoPlaces[state], NetworkType: network, FederalState: state}
}

// asciiFolder writes letters with diacritics as plain ASCII; built once, as
// the generator folds tens of thousands of names.
var asciiFolder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ø", "oe", "å", "aa", "æ", "ae",
	"ł", "l", "đ", "d", "ı", "i", "ş", "s", "ç", "c", "ğ", "g", "ć", "c", "č", "c", "š", "s", "ž", "z",
	"é", "e", "è", "e", "ë", "e", "á", "a", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "ś", "s", "ń", "n",
	"ż", "z", "ź", "z", "ę", "e", "ą", "a", "ū", "u", "ė", "e", "ã", "a", "ễ", "e", "ị", "i", "ě", "e", "ř", "r")

// asciiFold writes letters with diacritics as plain ASCII for e-mail addresses.
func asciiFold(s string) string {
	out := asciiFolder.Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 128 {
			return r
		}
		return -1
	}, out)
}
