package api

import (
	"net/http"

	"golang.org/x/text/language"

	"kohorte/services/roster"
)

// Files the API sends for Excel.
const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// requestLang is the language files are written in: the first of German
// and English that Accept-Language names, by its weights; German, the
// course offices' language, when it names neither.
func requestLang(r *http.Request) roster.Lang {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil {
		return roster.German
	}
	for _, t := range tags {
		switch base, _ := t.Base(); base.String() {
		case "de":
			return roster.German
		case "en":
			return roster.English
		}
	}
	return roster.German
}
