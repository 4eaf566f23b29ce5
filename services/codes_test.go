package services

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"kohorte/services/roster"
)

// TestEveryCodeHasAnEnglishMessage reads the constants of type Code in
// codes.go: each must have its English message, or the API would answer
// with the bare code.
func TestEveryCodeHasAnEnglishMessage(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || spec.Type == nil || spec.Type.(*ast.Ident).Name != "Code" {
			return true
		}
		for _, v := range spec.Values {
			code := Code(strings.Trim(v.(*ast.BasicLit).Value, `"`))
			declared++
			if _, ok := codeMessages[code]; !ok {
				t.Errorf("code %s has no English message", code)
			}
		}
		return true
	})
	if declared != len(codeMessages) {
		t.Errorf("codes.go declares %d codes, but %d have messages", declared, len(codeMessages))
	}
}

// TestRosterCodesAreCodes: the list parser names its problems by codes of
// its own, which the API passes on as they are.
func TestRosterCodesAreCodes(t *testing.T) {
	t.Parallel()
	for _, c := range roster.Codes() {
		if !slices.Contains(Codes(), Code(c)) {
			t.Errorf("roster code %s is not a services code", c)
		}
	}
}

func TestRefusalsMatchByCodeAndUnwrapToTheirKind(t *testing.T) {
	t.Parallel()
	err := refuse(ErrInvalidAction, CodeCohortClosed, "status", "archived")
	if !errors.Is(err, ErrInvalidAction) {
		t.Error("a refusal does not unwrap to its kind")
	}
	if !errors.Is(fmt.Errorf("enroll: %w", err), refuse(ErrInvalidAction, CodeCohortClosed)) {
		t.Error("a wrapped refusal does not match another of its code")
	}
	if errors.Is(err, ErrCohortFull) {
		t.Error("a refusal matches one of another code")
	}
	if got, want := err.Error(), "action not allowed in this state: the cohort is archived and takes no enrollments"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	for _, tc := range []struct {
		err  error
		want Code
	}{
		{fmt.Errorf("x: %w", err), CodeCohortClosed},
		{invalid("name", CodeRequired), CodeInvalidInput},
		{fmt.Errorf("course 3: %w", ErrNotFound), CodeNotFound},
		{&ThrottledError{}, CodeTooManyTries},
		{errors.New("disk full"), CodeInternal},
		{ErrTokenInvalid, CodePasswordLinkInvalid},
	} {
		if got := CodeOf(tc.err); got != tc.want {
			t.Errorf("CodeOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
	if got := KindOf(ErrTokenInvalid); got != CodeNotFound {
		t.Errorf("KindOf(ErrTokenInvalid) = %s, want %s", got, CodeNotFound)
	}
}

// TestNoMessageIsPassedAsACode: Code is a string type, so a call such as
// verr.Add("name", "is required") compiles, with the message as its code.
// Codes never hold a space and messages nearly always do, so this finds
// every such call in the packages that refuse input.
func TestNoMessageIsPassedAsACode(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "../api", "../frontend"} {
		pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, pkg := range pkgs {
			for name, f := range pkg.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || len(call.Args) < 2 {
						return true
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					lit, isLit := call.Args[1].(*ast.BasicLit)
					if ok && sel.Sel.Name == "Add" && isLit && lit.Kind == token.STRING && strings.Contains(lit.Value, " ") {
						t.Errorf("%s: Add is given the message %s where a code belongs", name, lit.Value)
					}
					return true
				})
			}
		}
	}
}
