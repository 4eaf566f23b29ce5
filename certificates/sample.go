package certificates

import "time"

// The sample person a preview prints in place of a holder: a name with
// letters of several languages, to show that the fonts hold them.
const (
	SampleFirstName = "Zoë"
	SampleLastName  = "Ćosić-Şahin"
)

// sample is what a preview prints in place of a person's course, per
// language.
type sample struct {
	mark, project, cohort string
	sessions              [3]string
}

var samples = map[Lang]sample{
	German: {mark: "MUSTER", project: "Musterprojekt: Netzwerk für Fachkräfte der Region", cohort: "Musterkohorte",
		sessions: [3]string{"Auftakt", "Webinar", "Abschlussveranstaltung"}},
	English: {mark: "SAMPLE", project: "Sample project: a network for the region's skilled workers", cohort: "Sample cohort",
		sessions: [3]string{"Kick-off", "Webinar", "Closing event"}},
}

func sampleFor(l Lang) sample {
	if s, ok := samples[l]; ok {
		return s
	}
	return samples[German]
}

// SampleMark is the word that marks a preview's number and verification
// link as a sample: MUSTER, or SAMPLE in English. No issued number holds
// it.
func SampleMark(l Lang) string { return sampleFor(l).mark }

// SampleCertificate fills in what a preview of c prints in place of a
// person: the sample holder and a sample project title.
func SampleCertificate(c Certificate) Certificate {
	c.Holder = SampleFirstName + " " + SampleLastName
	c.ProjectTitle = sampleFor(c.Lang).project
	return c
}

// SampleConfirmation fills in what a preview of c prints in place of a
// person and their cohort: the sample holder, a sample cohort and three
// sessions, on its first day, a week later (or its last day, if sooner)
// and on its last day.
func SampleConfirmation(c Confirmation) Confirmation {
	s := sampleFor(c.Lang)
	c.Holder = SampleFirstName + " " + SampleLastName
	c.Cohort = s.cohort
	week := c.From.AddDate(0, 0, 7)
	if week.After(c.To) {
		week = c.To
	}
	days := []time.Time{c.From, week, c.To}
	c.Sessions = []AttendedSession{
		{Date: days[0], Title: s.sessions[0], Modality: OnSite, Units: 4},
		{Date: days[1], Title: s.sessions[1], Modality: Remote, Units: 2},
		{Date: days[2], Title: s.sessions[2], Modality: OnSite, Units: 8},
	}
	return c
}
