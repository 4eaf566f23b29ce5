package api

import (
	"maps"
	"slices"
	"testing"

	"kohorte/services"
)

// TestOpenAPIDocumentNamesEveryCode keeps the document's list of codes,
// which the test client checks every answer against, equal to the codes
// the services and the transport answer with.
func TestOpenAPIDocumentNamesEveryCode(t *testing.T) {
	t.Parallel()
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["Code"]
	if schema == nil || schema.Value == nil {
		t.Fatal("the document has no schema Code")
	}
	var documented []string
	for _, v := range schema.Value.Enum {
		documented = append(documented, v.(string))
	}
	var want []string
	for _, c := range append(services.Codes(), slices.Collect(maps.Keys(transportProblems))...) {
		want = append(want, string(c))
	}
	slices.Sort(documented)
	slices.Sort(want)
	for _, c := range want {
		if _, found := slices.BinarySearch(documented, c); !found {
			t.Errorf("code %s is not in the OpenAPI document", c)
		}
	}
	for _, c := range documented {
		if _, found := slices.BinarySearch(want, c); !found {
			t.Errorf("the OpenAPI document names code %s, which nothing answers with", c)
		}
	}
}
