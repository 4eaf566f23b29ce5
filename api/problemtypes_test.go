package api

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"kohorte/errhttp"
	"kohorte/services"
	"kohorte/services/roster"
)

var updateProblemTypes = flag.Bool("update-problem-types", false,
	"rewrite the list of problem types in openapi.yaml from the code")

// The list of problem types ends the document's description; it is
// written by go test ./api -run TestProblemTypesAreDocumented -update-problem-types.
const (
	problemTypesStart = "    ## Problem types\n"
	problemTypesEnd   = "  license:\n"
)

// TestProblemTypesAreDocumented keeps the document's list of problem
// types, each with its status and meaning, equal to what the code answers:
// the statuses come from the services' refusals (refuse(kind, code)), the
// kinds, the transport's own codes and the api's writeProblem calls, read
// from the source so that a new refusal cannot go undocumented.
func TestProblemTypesAreDocumented(t *testing.T) {
	t.Parallel()
	want := problemTypesTable(t)
	yaml, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(yaml, []byte(problemTypesStart))
	end := bytes.Index(yaml, []byte(problemTypesEnd))
	if start < 0 || end < start {
		t.Fatal("openapi.yaml lacks the markers of the list of problem types")
	}
	got := string(yaml[start+len(problemTypesStart) : end])
	if got == want {
		return
	}
	if *updateProblemTypes {
		out := slices.Concat(yaml[:start+len(problemTypesStart)], []byte(want), yaml[end:])
		if err := os.WriteFile("openapi.yaml", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the list of problem types in openapi.yaml is out of date; run with -update-problem-types.\nwant:\n%s", want)
}

func TestProblemTypeNamesTheCode(t *testing.T) {
	t.Parallel()
	if got, want := ProblemType(services.CodeCohortFull), "/api/docs#problem-cohort.full"; got != want {
		t.Errorf("ProblemType(cohort.full) = %q, want %q", got, want)
	}
}

func problemTypesTable(t *testing.T) string {
	statuses := problemStatuses(t)
	var b strings.Builder
	b.WriteString("\n    Every `code`, with the status it is answered with and what it means. Codes answered with 422 that\n" +
		"    name a rule of a field appear in the `errors` of an `invalid_input` problem; `{name}` stands for an\n" +
		"    entry of `params`. A problem's `type` links here: `/api/docs#problem-{code}`.\n\n")
	codes := services.Codes()
	for c := range transportProblems {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		meaning := sentence(c.English(nil))
		if tp, ok := transportProblems[c]; ok {
			meaning = tp.Meaning
		}
		st := statuses[c]
		if len(st) == 0 {
			st = []int{http.StatusUnprocessableEntity}
		}
		parts := make([]string, len(st))
		for i, s := range slices.Sorted(slices.Values(st)) {
			parts[i] = strconv.Itoa(s)
		}
		fmt.Fprintf(&b, "    - <span id=\"problem-%s\"></span>`%s` (%s): %s\n", c, c, strings.Join(parts, ", "), meaning)
	}
	return b.String()
}

// problemStatuses reads which status each code is answered with.
func problemStatuses(t *testing.T) map[services.Code][]int {
	t.Helper()
	kinds := map[string]error{
		"ErrNotFound": services.ErrNotFound, "ErrConflict": services.ErrConflict, "ErrForbidden": services.ErrForbidden,
		"ErrUnauthorized": services.ErrUnauthorized, "ErrUnavailable": services.ErrUnavailable,
		"ErrTooManyTries": services.ErrTooManyTries, "ErrInvalidAction": services.ErrInvalidAction,
	}
	out := map[services.Code][]int{
		services.CodeInvalidInput: {http.StatusUnprocessableEntity},
		services.CodeInternal:     {http.StatusInternalServerError},
	}
	add := func(c services.Code, status int) {
		if !slices.Contains(out[c], status) {
			out[c] = append(out[c], status)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		add(services.CodeOf(kinds[k]), errhttp.Status(kinds[k]))
	}
	for c, tp := range transportProblems {
		add(c, tp.Status)
	}
	// writeSheetError answers a list over its size or row limit with 413.
	for _, kind := range []roster.LimitKind{roster.LimitBytes, roster.LimitRows} {
		if code, _ := services.SheetCode(&roster.TooLargeError{Kind: kind}); code != "" {
			add(code, http.StatusRequestEntityTooLarge)
		}
	}
	consts := codeConstants(t)
	eachCall(t, "../services", func(name string, args []ast.Expr) {
		if name != "refuse" || len(args) < 2 {
			return
		}
		kind, code := identName(args[0]), identName(args[1])
		if err, ok := kinds[kind]; ok && consts[code] != "" {
			add(consts[code], errhttp.Status(err))
		}
	})
	eachCall(t, ".", func(name string, args []ast.Expr) {
		if name != "writeProblem" || len(args) < 3 {
			return
		}
		if status, ok := httpStatuses[identName(args[1])]; ok && consts[identName(args[2])] != "" {
			add(consts[identName(args[2])], status)
		}
	})
	return out
}

var httpStatuses = map[string]int{
	"StatusBadRequest": 400, "StatusUnauthorized": 401, "StatusForbidden": 403, "StatusNotFound": 404,
	"StatusConflict": 409, "StatusRequestEntityTooLarge": 413, "StatusUnsupportedMediaType": 415,
	"StatusUnprocessableEntity": 422, "StatusTooManyRequests": 429, "StatusServiceUnavailable": 503,
}

// codeConstants maps the names of the constants in services/codes.go to their codes.
func codeConstants(t *testing.T) map[string]services.Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../services/codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]services.Code{}
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if i < len(spec.Values) {
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out[name.Name] = services.Code(strings.Trim(lit.Value, `"`))
				}
			}
		}
		return true
	})
	return out
}

// eachCall calls fn with the name and arguments of every function call in
// the non-test Go files of dir.
func eachCall(t *testing.T, dir string, fn func(name string, args []ast.Expr)) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), dir+"/"+e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				fn(identName(call.Fun), call.Args)
			}
			return true
		})
	}
}

// identName is the name an expression ends in: refuse, ErrConflict for
// services.ErrConflict.
func identName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}
