package frontend

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"text/template/parse"
)

// parsePages parses the layout and the shared parts together with each page
// of templates/pages, keyed by the page's file name without extension. Each
// page gets a set of its own because every page defines the same blocks
// ("title", "main"), and each set holds only the layout and the parts that
// page calls: a copy of every part in every page's set, once per language,
// was 85 % of the server's heap (42 MB), which each garbage collection had
// to walk.
func parsePages(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	shared, err := parseShared(fsys, funcs)
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(names))
	for _, name := range names {
		set, err := parsePage(fsys, name, shared, funcs)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[strings.TrimSuffix(path.Base(name), ".html")] = set
	}
	return pages, nil
}

// parseShared parses the layout and the parts that pages call.
func parseShared(fsys fs.FS, funcs template.FuncMap) (*template.Template, error) {
	return template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/parts/*.html")
}

// parsePage builds one page's set: a copy of each shared template that the
// layout or the page calls, directly or through another, then the page's
// own templates, whose definitions replace the layout's blocks as they did
// when the page was parsed into a copy of everything.
func parsePage(fsys fs.FS, name string, shared *template.Template, funcs template.FuncMap) (*template.Template, error) {
	own, err := template.New(path.Base(name)).Funcs(funcs).ParseFS(fsys, name)
	if err != nil {
		return nil, err
	}
	set := template.New("layout.html").Funcs(funcs)
	for _, called := range calledShared(own, shared) {
		if _, err := set.AddParseTree(called, shared.Lookup(called).Tree.Copy()); err != nil {
			return nil, err
		}
	}
	for _, t := range own.Templates() {
		if t.Tree == nil {
			continue
		}
		// own is dropped here, so its trees need no copy.
		if _, err := set.AddParseTree(t.Name(), t.Tree); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// calledShared returns the shared templates a page needs: "layout" and
// whatever it and the page's own templates call, transitively. A name the
// page defines itself is the page's, not the shared one.
func calledShared(own, shared *template.Template) []string {
	var needed []string
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		t := own.Lookup(name)
		if t == nil || t.Tree == nil {
			if t = shared.Lookup(name); t == nil || t.Tree == nil {
				return
			}
			needed = append(needed, name)
		}
		for _, called := range templateCalls(t.Tree.Root) {
			visit(called)
		}
	}
	visit("layout")
	for _, t := range own.Templates() {
		visit(t.Name())
	}
	return needed
}

// templateCalls returns the names of the templates that {{template}} and
// {{block}} call inside node.
func templateCalls(node parse.Node) []string {
	var names []string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TemplateNode:
			names = append(names, n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(node)
	return names
}
