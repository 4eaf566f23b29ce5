package roster

import "testing"

func TestDocumentDispositionNamesTheHolderAndTheNumber(t *testing.T) {
	for _, tc := range []struct{ last, first, number, want string }{
		{"Ćosić-Şahin", "Zoë", "KOH-2023-0016",
			`attachment; filename="Cosic-Sahin_Zoe_KOH-2023-0016.pdf"; filename*=UTF-8''%C4%86osi%C4%87-%C5%9Eahin_Zo%C3%AB_KOH-2023-0016.pdf`},
		{"Müller", "Hans Peter", "KOH-T-2023-0002",
			`attachment; filename="Mueller_Hans-Peter_KOH-T-2023-0002.pdf"; filename*=UTF-8''M%C3%BCller_Hans-Peter_KOH-T-2023-0002.pdf`},
		// Quotes, slashes and line breaks never reach the header.
		{"O\"Brien/\r\nX", "Łukasz", "KOH-2023-0003",
			`attachment; filename="O-Brien-X_Lukasz_KOH-2023-0003.pdf"; filename*=UTF-8''O-Brien---X_%C5%81ukasz_KOH-2023-0003.pdf`},
	} {
		if got := DocumentDisposition(tc.last, tc.first, tc.number, false); got != tc.want {
			t.Errorf("%s, %s:\n got %s\nwant %s", tc.last, tc.first, got, tc.want)
		}
	}
}

// An entry of a cohort's ZIP is named as the download's filename*, never
// with a path in it.
func TestDocumentFileNameKeepsTheNameAsWritten(t *testing.T) {
	for _, tc := range []struct{ last, first, number, want string }{
		{"Ćosić-Şahin", "Zoë", "KOH-2023-0016", "Ćosić-Şahin_Zoë_KOH-2023-0016.pdf"},
		{"../..", "Anna", "KOH-T-2023-0002", "Anna_KOH-T-2023-0002.pdf"},
		{"O\"Brien/\\X", " Łukasz ", "KOH-2023-0003", "O-Brien--X_Łukasz_KOH-2023-0003.pdf"},
	} {
		if got := DocumentFileName(tc.last, tc.first, tc.number); got != tc.want {
			t.Errorf("%s, %s: got %s, want %s", tc.last, tc.first, got, tc.want)
		}
	}
}
