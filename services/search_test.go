package services

import (
	"fmt"
	"testing"
)

func TestSearchKeyFoldsLikePeopleType(t *testing.T) {
	cases := map[string]string{
		"Zoë Ćosić-Şahin":  "zoe cosic-sahin",
		"Özdemir":          "ozdemir",
		"Straße":           "strasse",
		"Østergaard Łukas": "ostergaard lukas",
		"Nguyễn Thị Lan":   "nguyen thi lan",
		"ÄRZTE":            "arzte",
		"Yılmaz":           "yilmaz",
	}
	for in, want := range cases {
		if got := searchKey(in); got != want {
			t.Errorf("searchKey(%q) = %q, want %q", in, got, want)
		}
	}
	for term, want := range map[string]string{
		" 100%_Ö ":          "[%100% %o%]",
		"Ćosić-Şahin, Zoë":  "[%cosic% %sahin% %zoe%]",
		"cosic  sahin":      "[%cosic% %sahin%]",
		"zoe.cosic@mail.de": "[%zoe% %cosic% %mail% %de%]",
		"Straße 5":          "[%strasse% %5%]",
		" -–, ":             "[]",
	} {
		if got := fmt.Sprint(searchPatterns(term)); got != want {
			t.Errorf("searchPatterns(%q) = %s, want %s", term, got, want)
		}
	}
}
