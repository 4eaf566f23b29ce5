package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is one HTTP answer, its body read.
type answer struct {
	status      int
	contentType string
	cookies     []*http.Cookie
	body        []byte
}

// send sends one JSON request with the session cookie and reads the answer;
// it fails no test, so that goroutines may call it.
func send(ctx context.Context, client *http.Client, method, url, cookie string, body any) (answer, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), cookies: res.Cookies(), body: b}, err
}

// mustSend is send for the test's own goroutine: anything but want fails
// the test, and the answer is decoded into out.
func mustSend(t *testing.T, ctx context.Context, client *http.Client, method, url, cookie string, body any, want int, out any) {
	t.Helper()
	a, err := send(ctx, client, method, url, cookie, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if a.status != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, a.status, want, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, a.body)
		}
	}
}

type namedID struct {
	ID   uint   `json:"id"`
	Name string `json:"name"`
}

// issuedDoc is what the test reads of a document in the API's answers.
type issuedDoc struct {
	ID           uint   `json:"id"`
	Number       string `json:"number"`
	Status       string `json:"status"`
	EnrollmentID uint   `json:"enrollment_id"`
	CohortID     uint   `json:"cohort_id"`
}

// refusal is a problem's code and number, in an answer 409 or in a bulk
// issue's list of whom it skipped.
type refusal struct {
	EnrollmentID uint   `json:"enrollment_id"`
	Code         string `json:"code"`
	Params       struct {
		Number string `json:"number"`
	} `json:"params"`
}

// TestTwoServersIssueEachCertificateOnce runs two kohorte processes on
// one database and sends them 100 issue requests at once, single and
// bulk, split between the two: every eligible person gets exactly one
// certificate, the numbers of each prefix and year run from 1 without a
// gap, nothing answers 500, and each refusal names the number the person
// holds. The processes share no memory, so only the database's locks keep
// them apart: on PostgreSQL the cohort's row lock, on SQLite the file's
// write lock that every transaction takes at BEGIN (two processes on one
// file is what the README's `kohorte demo` beside a running server does).
func TestTwoServersIssueEachCertificateOnce(t *testing.T) {
	t.Parallel()
	bin := kohorteBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db := dbArgs(t)
	const password = "Issue-Admin-2026"
	if err := run(ctx, append([]string{"demo"}, db...), env(map[string]string{"KOHORTE_ADMIN_PASSWORD": password}), io.Discard); err != nil {
		t.Fatal(err)
	}
	serve := append([]string{"serve", "--addr", "127.0.0.1:0", "--db-max-open-conns", "8"}, db...)
	servers := []*process{startBinary(t, bin, serve...), startBinary(t, bin, serve...)}
	transport := &http.Transport{MaxIdleConnsPerHost: 100}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}

	// One login serves both: sessions live in the database.
	a, err := send(ctx, client, http.MethodPost, servers[0].url+"/api/v1/auth/login", "",
		map[string]string{"email": "admin@kohorte.local", "password": password})
	if err != nil || a.status != http.StatusOK {
		t.Fatalf("login: %v %d %s", err, a.status, a.body)
	}
	cookie := sessionCookie(t, a)

	var cohorts struct {
		Items []namedID `json:"items"`
	}
	mustSend(t, ctx, client, http.MethodGet, servers[1].url+"/api/v1/cohorts?page_size=200", cookie, nil, http.StatusOK, &cohorts)
	i := slices.IndexFunc(cohorts.Items, func(c namedID) bool { return c.Name == "Frühjahr 2023" })
	if i < 0 {
		t.Fatalf("the demo has no cohort Frühjahr 2023: %+v", cohorts.Items)
	}
	cohort := cohorts.Items[i].ID

	// The demo certified everyone who passed; revoking those certificates
	// leaves the same people eligible and without a current certificate.
	var certified struct {
		Items []issuedDoc `json:"items"`
	}
	mustSend(t, ctx, client, http.MethodGet, fmt.Sprintf("%s/api/v1/documents?cohort_id=%d&kind=certificate&status=valid&page_size=200", servers[0].url, cohort),
		cookie, nil, http.StatusOK, &certified)
	if len(certified.Items) == 0 {
		t.Fatal("the demo issued no certificates in Frühjahr 2023")
	}
	var eligible []uint
	for i, d := range certified.Items {
		mustSend(t, ctx, client, http.MethodPost, fmt.Sprintf("%s/api/v1/documents/%d/revoke", servers[i%2].url, d.ID), cookie,
			map[string]string{"reason": "Zum Test neu auszustellen"}, http.StatusOK, nil)
		eligible = append(eligible, d.EnrollmentID)
	}

	// 100 requests at once: every fifth a bulk issue for the cohort, the
	// others single issues, each person's several times; even ones to the
	// first server, odd ones to the second.
	const requests = 100
	answers, errs := make([]answer, requests), make([]error, requests)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range requests {
		url := servers[i%2].url + fmt.Sprintf("/api/v1/enrollments/%d/certificate", eligible[i%len(eligible)])
		if i%5 == 0 {
			url = servers[i%2].url + fmt.Sprintf("/api/v1/cohorts/%d/certificates", cohort)
		}
		wg.Go(func() {
			<-start
			answers[i], errs[i] = send(ctx, client, http.MethodPost, url, cookie, map[string]string{})
		})
	}
	close(start)
	wg.Wait()

	issued := map[uint][]string{}  // enrollment → the numbers issued to it
	claimed := map[uint][]string{} // enrollment → the numbers refusals named
	var byServer [2]int            // certificates each server issued, for the log
	var byBulk int
	for i, a := range answers {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		switch {
		case i%5 == 0 && a.status == http.StatusOK:
			var rep struct {
				Issued  []issuedDoc `json:"issued"`
				Skipped []refusal   `json:"skipped"`
			}
			if err := json.Unmarshal(a.body, &rep); err != nil {
				t.Fatalf("bulk %d: %v: %s", i, err, a.body)
			}
			for _, d := range rep.Issued {
				issued[d.EnrollmentID] = append(issued[d.EnrollmentID], d.Number)
				byServer[i%2]++
				byBulk++
			}
			for _, s := range rep.Skipped {
				switch {
				case slices.Contains(eligible, s.EnrollmentID) && s.Code == "document.already_issued":
					claimed[s.EnrollmentID] = append(claimed[s.EnrollmentID], s.Params.Number)
				case slices.Contains(eligible, s.EnrollmentID):
					t.Errorf("bulk %d skipped eligible enrollment %d with %s", i, s.EnrollmentID, s.Code)
				case s.Code != "document.not_eligible" && s.Code != "document.withdrawn":
					t.Errorf("bulk %d skipped enrollment %d with %s", i, s.EnrollmentID, s.Code)
				}
			}
		case i%5 != 0 && a.status == http.StatusCreated:
			var d issuedDoc
			if err := json.Unmarshal(a.body, &d); err != nil {
				t.Fatalf("issue %d: %v: %s", i, err, a.body)
			}
			issued[d.EnrollmentID] = append(issued[d.EnrollmentID], d.Number)
			byServer[i%2]++
		case i%5 != 0 && a.status == http.StatusConflict:
			var p refusal
			if err := json.Unmarshal(a.body, &p); err != nil || a.contentType != "application/problem+json" || p.Code != "document.already_issued" {
				t.Errorf("issue %d: 409 %s %s, want problem document.already_issued", i, a.contentType, a.body)
			}
			claimed[eligible[i%len(eligible)]] = append(claimed[eligible[i%len(eligible)]], p.Params.Number)
		default:
			t.Errorf("request %d (%s): %d %s", i, map[bool]string{true: "bulk", false: "single"}[i%5 == 0], a.status, a.body)
		}
	}
	t.Logf("%d certificates issued, %d of them by bulk issues; %d by the first server, %d by the second",
		byServer[0]+byServer[1], byBulk, byServer[0], byServer[1])
	for _, e := range eligible {
		if len(issued[e]) != 1 {
			t.Errorf("enrollment %d was issued %v, want exactly one certificate", e, issued[e])
			continue
		}
		for _, n := range claimed[e] {
			if n != issued[e][0] {
				t.Errorf("a refusal for enrollment %d names %s, but it was issued %s", e, n, issued[e][0])
			}
		}
	}
	if len(issued) != len(eligible) {
		t.Errorf("certificates went to %d enrollments, want the %d eligible: %v", len(issued), len(eligible), issued)
	}

	// The register, read from the other server, agrees: one valid
	// certificate each, and every number of a prefix and year once, from 1
	// without a gap, the revoked ones included.
	var register struct {
		Items []issuedDoc `json:"items"`
		Total int         `json:"total"`
	}
	mustSend(t, ctx, client, http.MethodGet, servers[1].url+"/api/v1/documents?kind=certificate&page_size=200", cookie, nil, http.StatusOK, &register)
	if register.Total != len(register.Items) {
		t.Fatalf("the register holds %d certificates, one page %d", register.Total, len(register.Items))
	}
	valid := map[uint][]string{}
	for _, d := range register.Items {
		if d.Status == "valid" {
			valid[d.EnrollmentID] = append(valid[d.EnrollmentID], d.Number)
		}
	}
	for _, e := range eligible {
		if len(valid[e]) != 1 || len(issued[e]) != 1 || valid[e][0] != issued[e][0] {
			t.Errorf("enrollment %d holds the valid certificates %v, was issued %v", e, valid[e], issued[e])
		}
	}
	if len(valid) != len(eligible) {
		t.Errorf("%d enrollments hold a valid certificate, want %d: %v", len(valid), len(eligible), valid)
	}
	numbers := make([]string, len(register.Items))
	for i, d := range register.Items {
		numbers[i] = d.Number
	}
	if gaps := numberGaps(numbers); gaps != "" {
		t.Error(gaps)
	}
	for _, s := range servers {
		s.stop(t)
	}
}

// sessionCookie is the session cookie a login answered, as a Cookie header.
func sessionCookie(t *testing.T, a answer) string {
	t.Helper()
	for _, c := range a.cookies {
		if strings.HasSuffix(c.Name, "kohorte_session") {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("the login set no session cookie: %v", a.cookies)
	return ""
}

var serialNumber = regexp.MustCompile(`^(.+)-(\d{4,})$`)

// numberGaps says which series of numbers (prefix and year, as in
// KOH-2026) do not run from 1 to their count each once; "" when all do.
func numberGaps(numbers []string) string {
	series := map[string][]int{}
	for _, n := range numbers {
		m := serialNumber.FindStringSubmatch(n)
		if m == nil {
			return "not a document number: " + n
		}
		seq, _ := strconv.Atoi(m[2])
		series[m[1]] = append(series[m[1]], seq)
	}
	var problems []string
	for prefix, seqs := range series {
		slices.Sort(seqs)
		for i, seq := range seqs {
			if seq != i+1 {
				problems = append(problems, fmt.Sprintf("%s: numbers %v, want 1 to %d each once", prefix, seqs, len(seqs)))
				break
			}
		}
	}
	slices.Sort(problems)
	return strings.Join(problems, "; ")
}
