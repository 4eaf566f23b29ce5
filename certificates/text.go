package certificates

import (
	"fmt"
	"time"
)

// words holds every fixed text of the documents, per language.
type words struct {
	certificate, confirmation                 string
	completedFrom, completedCourse, completed string
	topics, project                           string
	attendedIntro                             string
	date, session, modality, units, total     string
	onSite, remote                            string
	number, verify, page                      string
}

var vocabulary = map[Lang]words{
	German: {
		certificate:     "Zertifikat",
		confirmation:    "Teilnahmebescheinigung",
		completedFrom:   "hat vom %s bis %s am Zertifikatslehrgang",
		completedCourse: "„%s“",
		completed:       "erfolgreich teilgenommen.",
		topics:          "Inhalte des Lehrgangs",
		project:         "Projektarbeit: „%s“",
		attendedIntro:   "hat am Lehrgang „%s“, Kohorte %s (%s bis %s), an diesen Terminen teilgenommen:",
		date:            "Datum",
		session:         "Termin",
		modality:        "Teilnahme",
		units:           "UE",
		total:           "Unterrichtseinheiten (UE) insgesamt",
		onSite:          "vor Ort",
		remote:          "online",
		number:          "Nr.",
		verify:          "Echtheit prüfen",
		page:            "Seite %d von %s",
	},
	English: {
		certificate:     "Certificate",
		confirmation:    "Confirmation of attendance",
		completedFrom:   "has, from %s to %s, successfully completed the certificate course",
		completedCourse: "“%s”",
		completed:       "",
		topics:          "Course contents",
		project:         "Project work: “%s”",
		attendedIntro:   "attended these sessions of the course “%s”, cohort %s (%s to %s):",
		date:            "Date",
		session:         "Session",
		modality:        "Attendance",
		units:           "Units",
		total:           "Teaching units in total (45 min each)",
		onSite:          "on site",
		remote:          "online",
		number:          "No.",
		verify:          "Verify",
		page:            "Page %d of %s",
	},
}

func wordsFor(l Lang) words {
	if w, ok := vocabulary[l]; ok {
		return w
	}
	return vocabulary[German]
}

// day prints a date the way each language writes it on a certificate:
// 21.09.2023, or 21 September 2023.
func day(l Lang, t time.Time) string {
	if l == English {
		return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
	}
	return t.Format("02.01.2006")
}

func (w words) modalityName(m Modality) string {
	if m == Remote {
		return w.remote
	}
	return w.onSite
}
