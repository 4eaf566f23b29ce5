package services

import "testing"

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
	if got := searchPattern(" 100%_Ö "); got != `%100\%\_o%` {
		t.Errorf("searchPattern = %q", got)
	}
}
