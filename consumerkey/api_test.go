package consumerkey_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// keyName is a Go name that means the consumer key itself.
var keyName = regexp.MustCompile(`(?i)^(api_?key|consumer_?key|key)$`)

// notTheKey are exported strings named like the key that are not the key.
var notTheKey = map[string]string{
	"registrar.Sources.ConsumerKey":  "where the key came from, for register --json's \"sources\"",
	"conformance.Report.ConsumerKey": "the key's last four characters, for the report",
}

// TestNoStringConsumerKeyInAPI: in the exported API of the packages the key
// travels through, it is a consumerkey.Key, never a string — no struct
// field, parameter or result named for it (APIKey, ConsumerKey, apiKey,
// key) has type string, so nothing between the front ends and the header
// can take an uncleaned key.
func TestNoStringConsumerKeyInAPI(t *testing.T) {
	for _, pkg := range []string{"flow", "registrar", "credstore", "conformance"} {
		files, err := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no source files (%v)", pkg, err)
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range stringKeys(pkg, f) {
				t.Errorf("%s: %s is a string consumer key; make it a consumerkey.Key", fset.Position(bad.pos), bad.what)
			}
		}
	}
}

type finding struct {
	pos  token.Pos
	what string
}

func isString(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "string"
}

func stringKeys(pkg string, f *ast.File) []finding {
	var out []finding
	fields := func(owner string, fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, fd := range fl.List {
			for _, n := range fd.Names {
				what := owner + "." + n.Name
				if keyName.MatchString(n.Name) && isString(fd.Type) && notTheKey[what] == "" {
					out = append(out, finding{n.Pos(), what})
				}
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				ts, ok := s.(*ast.TypeSpec)
				if !ok || !ts.Name.IsExported() {
					continue
				}
				if st, ok := ts.Type.(*ast.StructType); ok {
					exported := &ast.FieldList{}
					for _, fd := range st.Fields.List {
						if len(fd.Names) > 0 && fd.Names[0].IsExported() {
							exported.List = append(exported.List, fd)
						}
					}
					fields(pkg+"."+ts.Name.Name, exported)
				}
			}
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv != nil {
				if recv := recvName(d.Recv.List[0].Type); recv == "" || !ast.IsExported(recv) {
					continue
				}
			}
			what := pkg + "." + d.Name.Name
			fields(what, d.Type.Params)
			fields(what, d.Type.Results)
			if keyName.MatchString(d.Name.Name) && d.Type.Results != nil && len(d.Type.Results.List) > 0 && isString(d.Type.Results.List[0].Type) {
				out = append(out, finding{d.Name.Pos(), what + "()"})
			}
		}
	}
	return out
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return recvName(e.X)
	}
	return ""
}
