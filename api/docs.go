package api

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

//go:embed openapi.yaml
var openAPIYAML []byte

//go:embed docs.html.tmpl
var docsTemplate string

//go:embed docs.css
var docsCSS []byte

// OpenAPI loads and validates the embedded OpenAPI document.
func OpenAPI() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("OpenAPI document is invalid: %w", err)
	}
	return doc, nil
}

// docs holds the OpenAPI document rendered once at start: as JSON and as a
// reference page that needs no script and no external asset.
type docs struct {
	json []byte
	html []byte
}

func newDocs() (*docs, error) {
	doc, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode OpenAPI document: %w", err)
	}
	page, err := renderDocs(doc)
	if err != nil {
		return nil, err
	}
	return &docs{json: js, html: page}, nil
}

func (h *handlers) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", h.docs.json)
}

func (h *handlers) apiDocs(c *gin.Context) {
	c.Data(http.StatusOK, "text/html; charset=utf-8", h.docs.html)
}

func (h *handlers) apiDocsCSS(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/css; charset=utf-8", docsCSS)
}

type docOperation struct {
	Method, Path, Summary, Description string
	Parameters                         []docField
	RequestBody                        string
	Responses                          []docResponse
}

type docResponse struct{ Status, Description, Schema string }

type docField struct {
	Name, In, Type, Description string
	Required                    bool
}

type docSchema struct {
	Name, Description string
	Fields            []docField
}

type docPage struct {
	Title, Description, Version string
	Operations                  []docOperation
	Schemas                     []docSchema
}

func renderDocs(doc *openapi3.T) ([]byte, error) {
	tmpl, err := template.New("docs").Parse(docsTemplate)
	if err != nil {
		return nil, fmt.Errorf("parse docs template: %w", err)
	}
	page := docPage{Title: doc.Info.Title, Description: doc.Info.Description, Version: doc.Info.Version}
	for _, path := range doc.Paths.InMatchingOrder() {
		page.Operations = append(page.Operations, docOperations(path, doc.Paths.Value(path))...)
	}
	slices.SortFunc(page.Operations, func(a, b docOperation) int { return strings.Compare(a.Path+a.Method, b.Path+b.Method) })
	for _, name := range sortedKeys(doc.Components.Schemas) {
		page.Schemas = append(page.Schemas, docSchemaOf(name, doc.Components.Schemas[name]))
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return buf.Bytes(), nil
}

func docOperations(path string, item *openapi3.PathItem) []docOperation {
	var ops []docOperation
	for method, op := range item.Operations() {
		d := docOperation{Method: method, Path: path, Summary: op.Summary, Description: op.Description}
		for _, p := range op.Parameters {
			d.Parameters = append(d.Parameters, docField{
				Name: p.Value.Name, In: p.Value.In, Required: p.Value.Required,
				Type: schemaType(p.Value.Schema), Description: p.Value.Description,
			})
		}
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
				d.RequestBody = schemaType(mt.Schema)
			}
		}
		for _, status := range sortedKeys(op.Responses.Map()) {
			resp := op.Responses.Value(status).Value
			d.Responses = append(d.Responses, docResponse{Status: status, Description: deref(resp.Description), Schema: responseSchema(resp)})
		}
		ops = append(ops, d)
	}
	return ops
}

func responseSchema(resp *openapi3.Response) string {
	for _, mt := range resp.Content {
		return schemaType(mt.Schema)
	}
	return ""
}

func docSchemaOf(name string, ref *openapi3.SchemaRef) docSchema {
	s := docSchema{Name: name, Description: ref.Value.Description}
	for _, prop := range sortedKeys(ref.Value.Properties) {
		p := ref.Value.Properties[prop]
		s.Fields = append(s.Fields, docField{
			Name: prop, Type: schemaType(p), Description: p.Value.Description,
			Required: slices.Contains(ref.Value.Required, prop),
		})
	}
	return s
}

// schemaType describes a schema in a few words: its component name, or its
// type with the enum values or item type.
func schemaType(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return ""
	}
	if ref.Ref != "" {
		return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
	}
	v := ref.Value
	switch {
	case v.Type.Is("array"):
		return "array of " + schemaType(v.Items)
	case len(v.Enum) > 0:
		vals := make([]string, len(v.Enum))
		for i, e := range v.Enum {
			vals[i] = fmt.Sprint(e)
		}
		return strings.Join(v.Type.Slice(), "|") + " (" + strings.Join(vals, ", ") + ")"
	}
	t := strings.Join(v.Type.Slice(), "|")
	if v.Format != "" {
		t += " (" + v.Format + ")"
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
