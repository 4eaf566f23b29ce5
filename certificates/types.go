package certificates

import "time"

// Lang is the language a document is printed in.
type Lang string

// The languages; German is the default.
const (
	German  Lang = "de"
	English Lang = "en"
)

// Issuer is an organisation that issues the document, printed with its
// logo (PNG or JPEG; none when Logo is empty).
type Issuer struct {
	Name     string
	City     string
	Logo     []byte
	LogoType string // "image/png" or "image/jpeg"
}

// Signatory signs the document.
type Signatory struct {
	Name     string
	Function string
}

// Certificate is everything printed on an IHK certificate, as issued:
// the renderer reads nothing else, so the same input always gives the
// same bytes.
type Certificate struct {
	Lang             Lang
	Number           string // e.g. KOH-2023-0016
	Holder           string // the name as printed
	CertificateTitle string // e.g. Netzwerkkoordinator:in zur Fachkräftesicherung (IHK)
	Course           string
	From, To         time.Time // the cohort's first and last day
	Topics           []string
	ProjectTitle     string
	Place            string
	IssuedOn         time.Time
	Issuers          []Issuer
	Signatories      []Signatory
	VerifyURL        string
}

// Modality is how someone attended a session.
type Modality string

// The modalities.
const (
	OnSite Modality = "on_site"
	Remote Modality = "remote"
)

// AttendedSession is one line of an attendance confirmation.
type AttendedSession struct {
	Date     time.Time
	Title    string
	Modality Modality
	Units    int
}

// Confirmation is everything printed on an attendance confirmation
// (Teilnahmebescheinigung).
type Confirmation struct {
	Lang        Lang
	Number      string
	Holder      string
	Course      string
	Cohort      string
	From, To    time.Time
	Sessions    []AttendedSession
	Place       string
	IssuedOn    time.Time
	Issuers     []Issuer
	Signatories []Signatory
	VerifyURL   string
}

// TotalUnits is the sum of the teaching units of the sessions attended.
func (c Confirmation) TotalUnits() int {
	n := 0
	for _, s := range c.Sessions {
		n += s.Units
	}
	return n
}
