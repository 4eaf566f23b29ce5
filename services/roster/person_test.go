package roster

import "testing"

func TestCheckPerson(t *testing.T) {
	got, errs := CheckPerson(Person{FirstName: " Zoë ", LastName: "Ćosić-Şahin", Email: " Zoe@Example.ORG ",
		NetworkType: "MINT-Region", FederalState: "Thüringen"})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := Person{FirstName: "Zoë", LastName: "Ćosić-Şahin", Email: "zoe@example.org", NetworkType: "mint_region", FederalState: "TH"}
	if got != want {
		t.Fatalf("CheckPerson = %+v, want %+v", got, want)
	}
	_, errs = CheckPerson(Person{FirstName: "", LastName: "X", Email: "kaputt", FederalState: "Bayernn"})
	fields := map[Field]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	if len(errs) != 3 {
		t.Fatalf("%d errors %v, want 3: first name, e-mail and federal state", len(errs), errs)
	}
	for _, field := range []Field{FieldFirstName, FieldEmail, FieldFederalState} {
		if !fields[field] {
			t.Fatalf("errors %v lack %v", errs, field)
		}
	}
}
