// Command importload measures what hostile workbooks cost a running
// Kohorte: it logs in, posts n of them at once to a cohort's import
// preview and reports each answer, the time taken and the server's peak
// and remaining memory from /proc/PID/status.
//
//	go run ./services/roster/rostertest/importload -pid $(pgrep -n kohorte) -password '…'
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"sync"
	"time"

	"kohorte/services/roster/rostertest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "importload:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "http://127.0.0.1:8080", "Kohorte's address")
	pid := flag.Int("pid", 0, "the server's process ID, to read its memory")
	email := flag.String("email", "admin@kohorte.local", "a staff account")
	password := flag.String("password", "", "its password")
	cohort := flag.Int("cohort", 1, "the cohort to preview imports into")
	n := flag.Int("n", 8, "files posted at once")
	kind := flag.String("kind", "shared-strings", "shared-strings (90 MB of tiny strings) or part (a 95 MB part that is no sheet)")
	settle := flag.Duration("settle", 5*time.Second, "how long to wait before reading the remaining memory")
	flag.Parse()

	var file []byte
	var err error
	switch *kind {
	case "shared-strings":
		file, err = rostertest.SharedStringsBomb(90 << 20)
	case "part":
		file, err = rostertest.PartBomb("docProps/custom.xml", 95<<20)
	default:
		err = fmt.Errorf("unknown kind %q", *kind)
	}
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Minute}
	body, _ := json.Marshal(map[string]string{"email": *email, "password": *password})
	resp, err := client.Post(*addr+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login: %s", resp.Status)
	}
	before := memory(*pid)
	fmt.Printf("file %s: %d bytes; server before: %s\n", *kind, len(file), before)

	url := fmt.Sprintf("%s/api/v1/cohorts/%d/import/preview", *addr, *cohort)
	start := time.Now()
	var wg sync.WaitGroup
	results := make([]string, *n)
	for i := range *n {
		wg.Go(func() { results[i] = post(client, url, file, start) })
	}
	wg.Wait()
	took := time.Since(start)
	for i, r := range results {
		fmt.Printf("  %d: %s\n", i+1, r)
	}
	fmt.Printf("all %d answered in %s; server: %s\n", *n, took.Round(time.Millisecond), memory(*pid))
	time.Sleep(*settle)
	fmt.Printf("after %s: %s\n", *settle, memory(*pid))
	return nil
}

func post(client *http.Client, url string, file []byte, start time.Time) string {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "liste.xlsx")
	part.Write(file)
	w.Close()
	resp, err := client.Post(url, w.FormDataContentType(), &body)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	var p struct {
		Code   string
		Errors []struct{ Code string }
	}
	_ = json.Unmarshal(answer, &p)
	code := p.Code
	if len(p.Errors) > 0 {
		code += " " + p.Errors[0].Code
	}
	if resp.StatusCode == http.StatusOK {
		code = fmt.Sprintf("%.60s", answer)
	}
	retry := ""
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		retry = " Retry-After " + ra
	}
	return fmt.Sprintf("%d %s%s after %s", resp.StatusCode, code, retry, time.Since(start).Round(time.Millisecond))
}

// memory reads the peak and current resident size of a process.
func memory(pid int) string {
	if pid == 0 {
		return "(no -pid)"
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "VmRSS:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	if len(out) == 0 {
		return errors.New("no VmHWM in status").Error()
	}
	return strings.Join(out, ", ")
}
