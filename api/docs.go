package api

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

//go:embed openapi.yaml
var openAPIYAML []byte

// docsFiles are the reference page and Swagger UI, vendored from npm (see
// docs/VENDOR.md), so that the page loads nothing from elsewhere.
//
//go:embed docs/index.html docs/docs.js docs/docs.css docs/swagger-ui-bundle.js docs/swagger-ui.css
var docsFiles embed.FS

// docsCSP is the page's policy: the site's own, with data: images, which
// Swagger UI's stylesheet uses for its icons. Scripts stay 'self' only,
// without inline code or eval.
const docsCSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; img-src 'self' data:"

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

// docs holds the OpenAPI document encoded once at start, and the query
// parameters each of its operations accepts.
type docs struct {
	json    []byte
	queries operationQueries
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
	return &docs{json: js, queries: queriesOf(doc)}, nil
}

func (h *handlers) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", h.docs.json)
}

func (h *handlers) apiDocs(c *gin.Context) {
	page, err := docsFiles.ReadFile("docs/index.html")
	if err != nil {
		h.writeError(c, err)
		return
	}
	c.Header("Content-Security-Policy", docsCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}

var docsTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// apiDocsFile serves the page's scripts and styles; the page itself and
// anything else is no file of it.
func (h *handlers) apiDocsFile(c *gin.Context) {
	name := c.Param("file")
	kind, ok := docsTypes[path.Ext(name)]
	body, err := docsFiles.ReadFile("docs/" + name)
	if !ok || err != nil {
		writeProblem(c, http.StatusNotFound, codeNoRoute, "There is no resource at this path.", nil)
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, kind, body)
}
