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
	if len(errs) != 3 || !fields[FieldFirstName] || !fields[FieldEmail] || !fields[FieldFederalState] {
		t.Fatalf("errors %v, want first name, e-mail and federal state", errs)
	}
}
