package models_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"kohorte/models"
	"kohorte/models/dbtest"
)

// A field added to a live model without a migration passes every test that
// uses a migrated database only if no test happens to write that field; this
// one fails on the first such field, naming it.
func TestMigrationsCreateEveryLiveColumn(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t)
	for _, problem := range schemaDrift(db) {
		t.Error(problem)
	}
}

// The drift check sees only the models on models.LiveModels, so a new table
// model left off the list would escape it. Go cannot list a package's types
// at run time, hence the source is read instead.
func TestLiveModelsListsEveryTableModel(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range models.LiveModels() {
		name := reflect.TypeOf(m).Elem().Name()
		if listed[name] {
			t.Errorf("models.%s is on models.LiveModels twice", name)
		}
		listed[name] = true
	}
	tables, err := tableModels(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) == 0 {
		t.Fatal("found no table models in the package source; the search is broken")
	}
	for _, name := range tables {
		if !listed[name] {
			t.Errorf("models.%s has a primary key but is not on models.LiveModels (models/live.go); add it so that its columns are checked", name)
		}
	}
}

// schemaDrift lists, in words, every field of a live model whose column is
// missing from db or has a type the field cannot be stored in.
func schemaDrift(db *gorm.DB) []string {
	var problems []string
	cache := &sync.Map{}
	for _, model := range models.LiveModels() {
		name := "models." + reflect.TypeOf(model).Elem().Name()
		s, err := schema.Parse(model, cache, db.NamingStrategy)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: parse: %v", name, err))
			continue
		}
		if !db.Migrator().HasTable(s.Table) {
			problems = append(problems, fmt.Sprintf("%s: table %s is missing", name, s.Table))
			continue
		}
		cols, err := db.Migrator().ColumnTypes(model)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: column types of %s: %v", name, s.Table, err))
			continue
		}
		byName := map[string]gorm.ColumnType{}
		for _, c := range cols {
			byName[c.Name()] = c
		}
		for _, f := range s.Fields {
			// Relations and fields tagged gorm:"-" have no column.
			if f.DBName == "" || f.IgnoreMigration {
				continue
			}
			col, ok := byName[f.DBName]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s.%s: column %s.%s is missing after migrating; add a migration that creates it",
					name, f.Name, s.Table, f.DBName))
				continue
			}
			if p := columnMismatch(db, f, col); p != "" {
				problems = append(problems, fmt.Sprintf("%s.%s: column %s.%s %s", name, f.Name, s.Table, f.DBName, p))
			}
		}
	}
	return problems
}

// columnMismatch says why col cannot hold f, or returns "". The type GORM
// would create for f today is compared with the column's by kind, because
// the engines report one type under several names (int8 and bigint).
func columnMismatch(db *gorm.DB, f *schema.Field, col gorm.ColumnType) string {
	want := db.Dialector.DataTypeOf(f)
	got := col.DatabaseTypeName()
	if typeKind(want) != typeKind(got) {
		return fmt.Sprintf("has type %s, the model needs %s", got, want)
	}
	if n, ok := col.Length(); ok && f.DataType == schema.String && f.Size > 0 && n > 0 && n < int64(f.Size) {
		return fmt.Sprintf("holds %d characters, the model allows %d", n, f.Size)
	}
	if null, ok := col.Nullable(); ok && !null && !f.PrimaryKey && f.FieldType.Kind() == reflect.Pointer {
		return "is NOT NULL, but the model field is a pointer that may be nil"
	}
	return ""
}

var typeArgs = regexp.MustCompile(`\(.*\)`)

// typeKind folds the names the engines give one kind of column into one.
func typeKind(name string) string {
	n := strings.ToLower(name)
	// SQLite spells an auto-increment key's type "integer PRIMARY KEY AUTOINCREMENT".
	n, _, _ = strings.Cut(n, " primary key")
	n = strings.TrimSpace(typeArgs.ReplaceAllString(n, ""))
	switch n {
	case "int", "integer", "smallint", "bigint", "int2", "int4", "int8", "serial", "bigserial", "smallserial":
		return "integer"
	case "real", "float", "float4", "float8", "double", "double precision", "decimal":
		return "float"
	case "bool", "boolean":
		return "boolean"
	case "text", "varchar", "character varying", "char", "character", "bpchar":
		return "text"
	case "datetime", "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone":
		return "timestamp"
	case "blob", "bytea":
		return "bytes"
	}
	return n
}

// tableModels returns the exported struct types declared in the package in
// dir that GORM would store as a table: those with an ID field or a field
// tagged primaryKey.
func tableModels(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				isID := slices.ContainsFunc(field.Names, func(id *ast.Ident) bool { return id.Name == "ID" })
				if isID || field.Tag != nil && strings.Contains(field.Tag.Value, "primaryKey") {
					names = append(names, ts.Name.Name)
					break
				}
			}
			return true
		})
	}
	slices.Sort(names)
	return names, nil
}
