package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kohorte/api/apitest"
)

// seedStatistics enrolls the worked example in cohort: five people from
// three federal states and one without, one of whom (from Bremen) withdrew.
//
//	NI MINT, NI Fachkräfte, HB MINT (withdrawn), BY –, – MINT
func (f *fixture) seedStatistics(t *testing.T, admin *http.Cookie, cohort uint) {
	t.Helper()
	people := []struct{ email, state, network string }{
		{"p1@example.org", "NI", "mint_region"}, {"p2@example.org", "NI", "fachkraeftesicherung"},
		{"p3@example.org", "HB", "mint_region"}, {"p4@example.org", "BY", ""}, {"p5@example.org", "", "mint_region"},
	}
	for i, p := range people {
		var created struct{ ID uint }
		r := f.as(admin, http.MethodPost, "/api/v1/participants", map[string]any{
			"first_name": "Person", "last_name": strconv.Itoa(i + 1), "email": p.email, "federal_state": p.state, "network_type": p.network})
		if r.Status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", p.email, r.Status, r.Body)
		}
		r.JSON(t, &created)
		var e struct{ ID uint }
		r = f.as(admin, http.MethodPost, "/api/v1/cohorts/"+strconv.Itoa(int(cohort))+"/enrollments", map[string]any{"participant_id": created.ID, "enrolled_at": "2023-02-15"})
		if r.Status != http.StatusCreated {
			t.Fatalf("enroll %s: %d %s", p.email, r.Status, r.Body)
		}
		r.JSON(t, &e)
		if p.state == "HB" {
			r = f.as(admin, http.MethodPost, "/api/v1/enrollments/"+strconv.Itoa(int(e.ID))+"/withdraw", map[string]any{"withdrawn_at": "2023-04-20"})
			if r.Status != http.StatusOK {
				t.Fatalf("withdraw %s: %d %s", p.email, r.Status, r.Body)
			}
		}
	}
}

type Counts struct {
	Enrolled  int `json:"enrolled"`
	Withdrawn int `json:"withdrawn"`
	Started   int `json:"started"`
}

type groupCounts struct {
	Code string `json:"code"`
	Counts
}

type statistics struct {
	Total          Counts         `json:"total"`
	ByStatus       map[string]int `json:"by_status"`
	ByFederalState []groupCounts  `json:"by_federal_state"`
	ByNetworkType  []groupCounts  `json:"by_network_type"`
	People         int            `json:"people"`
	FederalStates  int            `json:"federal_states"`
}

func group(code string, enrolled, withdrawn int) groupCounts {
	return groupCounts{code, Counts{enrolled, withdrawn, enrolled + withdrawn}}
}

// TestStatisticsAsJSONCSVAndXLSX: the worked example, by hand. Four hold a
// place and one withdrew, so five started; NI is 2 of 5 = 40 %.
func TestStatisticsAsJSONCSVAndXLSX(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.seedAdmin(t)
	admin := f.login(t, "admin@example.org", adminPass)
	_, cohort := f.seedCourse(t, admin)
	f.seedStatistics(t, admin, cohort)
	base := "/api/v1/cohorts/" + strconv.Itoa(int(cohort)) + "/statistics"
	want := statistics{
		Total:          Counts{Enrolled: 4, Withdrawn: 1, Started: 5},
		ByStatus:       map[string]int{"enrolled": 4, "completed": 0, "not_passed": 0, "withdrawn": 1},
		ByFederalState: []groupCounts{group("NI", 2, 0), group("BY", 1, 0), group("HB", 0, 1), group("", 1, 0)},
		ByNetworkType:  []groupCounts{group("mint_region", 2, 1), group("fachkraeftesicherung", 1, 0), group("", 1, 0)},
		People:         5,
		FederalStates:  3,
	}
	germanCSV := "\ufeffAufschlüsselung;Wert;Eingeschrieben;Abgeschlossen;Nicht bestanden;Ausgetreten;Begonnen (alle Status);Anteil an allen Begonnenen (%);Verschiedene Personen;Bundesländer\r\n" +
		"Gesamt;Frühjahr 2023;4;0;0;1;5;100,0;5;3\r\n" +
		"Bundesland;Niedersachsen;2;0;0;0;2;40,0;;\r\n" +
		"Bundesland;Bayern;1;0;0;0;1;20,0;;\r\n" +
		"Bundesland;Bremen;0;0;0;1;1;20,0;;\r\n" +
		"Bundesland;ohne Angabe;1;0;0;0;1;20,0;;\r\n" +
		"Netzwerk;MINT-Region;2;0;0;1;3;60,0;;\r\n" +
		"Netzwerk;Fachkräftesicherung;1;0;0;0;1;20,0;;\r\n" +
		"Netzwerk;ohne Angabe;1;0;0;0;1;20,0;;\r\n"
	f.client.Run(t, []apitest.Row{
		{Name: "JSON", Cookie: admin, Method: http.MethodGet, Path: base, Status: http.StatusOK, Want: want},
		{Name: "all cohorts, the same here", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/statistics?format=json", Status: http.StatusOK, Want: want},
		{Name: "CSV", Cookie: admin, Method: http.MethodGet, Path: base + "?format=csv", Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				if string(r.Body) != germanCSV {
					t.Errorf("CSV:\n%q\nwant\n%q", r.Body, germanCSV)
				}
				if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="kohorte-statistik-fruehjahr-2023.csv"`) {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{Name: "XLSX", Cookie: admin, Method: http.MethodGet, Path: "/api/v1/statistics?format=xlsx", Status: http.StatusOK,
			Check: func(t *testing.T, r *apitest.Response) {
				x, err := excelize.OpenReader(bytes.NewReader(r.Body))
				if err != nil {
					t.Fatalf("the XLSX does not open: %v", err)
				}
				defer x.Close()
				rows, err := x.GetRows("Statistik")
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(rows[1], ";"); got != "Gesamt;Alle Kohorten;4;0;0;1;5;100.0;5;3" {
					t.Errorf("total row %q", got)
				}
				if got := strings.Join(rows[2], ";"); got != "Bundesland;Niedersachsen;2;0;0;0;2;40.0" {
					t.Errorf("first state row %q", got)
				}
				if len(rows) != 9 {
					t.Errorf("%d rows, want a header, a total, 4 states and 3 networks: %q", len(rows), rows)
				}
			}},
		{Name: "unknown format", Cookie: admin, Method: http.MethodGet, Path: base + "?format=pdf", Status: http.StatusUnprocessableEntity,
			Check: func(t *testing.T, r *apitest.Response) {
				if !strings.Contains(string(r.Body), `"field":"format"`) {
					t.Errorf("the problem does not name format: %s", r.Body)
				}
			}},
	})

	english := f.client.DoWith(http.MethodGet, base+"?format=csv", nil, func(r *http.Request) {
		r.AddCookie(admin)
		r.Header.Set("Accept-Language", "en-GB,en;q=0.9,de;q=0.5")
	})
	if !strings.HasPrefix(string(english.Body), "\ufeffBreakdown;Value;Enrolled;Completed;Not passed;Withdrawn;Started (any status);Share of all who started (%);Distinct people;Federal states\r\n"+
		"Total;Frühjahr 2023;4;0;0;1;5;100.0;5;3\r\n") || !strings.Contains(string(english.Body), "\r\nNetwork type;Skilled labour network;1;0;0;0;1;20.0;;\r\n") {
		t.Errorf("English CSV:\n%q", english.Body)
	}
}
