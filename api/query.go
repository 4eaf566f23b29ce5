package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"kohorte/services"
)

// operationQueries hold, for each operation of the OpenAPI document keyed
// as "GET /api/v1/cohorts/{id}/enrollments", the query parameters it
// declares. The document is the one list of what an operation accepts, so
// a route documented with its parameters is checked without code of its own.
type operationQueries map[string][]string

func queriesOf(doc *openapi3.T) operationQueries {
	q := operationQueries{}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			names := []string{}
			for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, param := range params {
					if param.Value != nil && param.Value.In == openapi3.ParameterInQuery {
						names = append(names, param.Value.Name)
					}
				}
			}
			slices.Sort(names)
			q[method+" "+p] = names
		}
	}
	return q
}

// documentPath turns Gin's route pattern into the document's:
// /cohorts/:id becomes /cohorts/{id}.
func documentPath(route string) string {
	parts := strings.Split(route, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") || strings.HasPrefix(part, "*") {
			parts[i] = "{" + part[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// knownQuery answers 422 to a request with a query parameter its operation
// does not declare, naming each one: a misspelt filter (?q= for ?search=)
// must not quietly return everything. Routes the document lacks pass; the
// router test keeps the two in step.
func (h *handlers) knownQuery(c *gin.Context) {
	allowed, documented := h.docs.queries[c.Request.Method+" "+documentPath(c.FullPath())]
	if !documented {
		return
	}
	var fields []FieldError
	for _, name := range sortedKeys(c.Request.URL.Query()) {
		if !slices.Contains(allowed, name) {
			fields = append(fields, FieldError{Field: name, Code: string(codeUnknownQuery),
				Params:  services.Params{"allowed": strings.Join(allowed, ", ")},
				Message: "is not a query parameter of this operation"})
		}
	}
	if len(fields) > 0 {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Field
		}
		writeProblem(c, http.StatusUnprocessableEntity, services.CodeInvalidInput,
			"The operation has no query parameter "+strings.Join(names, ", ")+".", fields)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
