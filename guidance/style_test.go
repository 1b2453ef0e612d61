package guidance

import (
	"crypto/tls"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// styleSamples is a sample of every exported error of flow and credstore,
// by name: the type (or variable) name, then a label when a type has more
// than one sample. Built from real calls where they can make one.
func styleSamples(t *testing.T) map[string]error {
	t.Helper()
	cause := errors.New("no session bus")
	where := `Windows Credential Manager (service "dcrwizard")`
	s := map[string]error{
		"credstore.ErrKeychainUnavailable": credstore.ErrKeychainUnavailable,
		"credstore.ErrNotFound":            credstore.ErrNotFound,
		"credstore.ErrTooBig":              credstore.ErrTooBig,
		"credstore.ErrReadBack":            credstore.ErrReadBack,
		"credstore.KeychainError timeout":  &credstore.KeychainError{Op: "save", Where: where, TimedOut: true, Timeout: 20 * time.Second, Linux: true},
		"credstore.KeychainError cause":    &credstore.KeychainError{Op: "read", Where: where, Err: cause},
		"credstore.KeychainError bare":     &credstore.KeychainError{},
		"credstore.TooBigError":            &credstore.TooBigError{Item: "registration access token", Size: 3000, Limit: 2560, Unit: "bytes", GOOS: "windows", Where: where},
		"credstore.NotFoundError":          &credstore.NotFoundError{ClientID: "abc"},
		"credstore.NotFoundError item":     &credstore.NotFoundError{Name: "Front desk", Environment: "sandbox", Item: "registration access token"},
		"credstore.NotStoredError":         &credstore.NotStoredError{Where: where, Err: &credstore.KeychainError{Op: "save", Err: cause}},
		"credstore.NotStoredError index":   &credstore.NotStoredError{Where: where, InKeychain: true, Err: &credstore.NewerIndexError{Path: "/x/index.json", Version: 9}},
		"credstore.IndexRecoveredError":    &credstore.IndexRecoveredError{Paths: []string{"/x/index.json.corrupt-1"}, Recovered: make([]credstore.Record, 2), KeychainErr: cause},
		"credstore.IndexRecoveredError r":  &credstore.IndexRecoveredError{Restored: true},
		"credstore.NewerIndexError":        &credstore.NewerIndexError{Path: "/x/index.json", Version: 9},
		"credstore.NameItemError":          &credstore.NameItemError{Name: "Front desk", Environment: "sandbox", Err: cause},
		"credstore.NameCaseError":          &credstore.NameCaseError{Name: "front desk", Existing: "Front Desk", Environment: "sandbox"},
		"credstore.NotReadyError":          &credstore.NotReadyError{Keychain: true, Err: credstore.ErrKeychainUnavailable},
		"credstore.InUseError":             &credstore.InUseError{Path: "/x/index.lock", Waited: 2 * time.Second},
		"credstore.NotRegularError":        &credstore.NotRegularError{Path: "/x/index.json", Mode: fs.ModeNamedPipe},
		"credstore.UnsafeFolderError":      &credstore.UnsafeFolderError{Path: "/x", Mode: 0o777},

		"flow.ErrInsecureURL":     flow.ErrInsecureURL,
		"flow.ErrNoCredential":    flow.ErrNoCredential,
		"flow.ErrNoCertificate":   flow.ErrNoCertificate,
		"flow.ErrNoPrivateKey":    flow.ErrNoPrivateKey,
		"flow.ErrKeyMismatch":     flow.ErrKeyMismatch,
		"flow.ErrNoConsumerKey":   flow.ErrNoConsumerKey,
		"flow.ErrNoInstanceName":  flow.ErrNoInstanceName,
		"flow.ErrNoClientID":      flow.ErrNoClientID,
		"flow.VerdictError":       &flow.VerdictError{Verdict: m2m.Verdict{Status: m2m.StatusExpired, Message: "This credential expired on 1 March 2026."}},
		"flow.TLSVersionError":    &flow.TLSVersionError{Host: "auth.ato.gov.au", Version: tls.VersionTLS12},
		"flow.Error":              &flow.Error{Step: flow.StepRegister, Status: 400, Code: "invalid_client_metadata", Description: "Bad name.", Receipt: "63001", Kind: flow.KindRefused},
		"flow.Error check":        &flow.Error{Step: flow.StepCheck, Kind: flow.KindInput, Err: flow.ErrNoInstanceName},
		"flow.Error check env":    &flow.Error{Step: flow.StepCheck, Kind: flow.KindInput, Err: flow.Environment{}.Validate()},
		"flow.Error network":      &flow.Error{Step: flow.StepToken, Kind: flow.KindNetwork, Err: cause},
		"flow.InputError":         flow.Environment{TokenURL: "https://auth.example/t"}.Validate(),
		"flow.EndpointError":      endpointErr(t, flow.Environment{RegistrationClientID: "c", Scope: "s", TokenURL: "https://auth.example/t", RegistrationURL: "ftp://x"}),
		"flow.EndpointError host": endpointErr(t, flow.Environment{RegistrationClientID: "c", Scope: "s", TokenURL: "https://auth.example./t", RegistrationURL: "https://api.example/r"}),
		"flow.EndpointError mixed": endpointErr(t, flow.Environment{RegistrationClientID: "c", Scope: "s",
			TokenURL: "https://auth.ato.gov.au/t", RegistrationURL: "https://api.example/r"}),
	}
	return s
}

func endpointErr(t *testing.T, env flow.Environment) error {
	t.Helper()
	err := env.Validate()
	var ee *flow.EndpointError
	if !errors.As(err, &ee) {
		t.Fatalf("Validate(%+v) = %v, want an *flow.EndpointError", env, err)
	}
	return err
}

// banned are words that belong to a front end or to advice, never to an
// error of a lower package.
var banned = regexp.MustCompile(`\b(Press|Run|Click|Choose|Enter|Open|Unlock|Close|Copy|Ask|Check|Fix|Try)\b|DCR Wizard|dcrwizard [a-z]|Registrations list|[.!?] +[A-Z]`)

// TestLowerErrorsAreFragments: flow's and credstore's errors are data and
// short lower-case fragments without a final full stop, with no advice and
// no front end's words in them; the sentences people read are made here
// (Words, For, StepWords). Every exported error of the two packages must
// have a sample, so a new one cannot skip the rule.
func TestLowerErrorsAreFragments(t *testing.T) {
	samples := styleSamples(t)
	covered := map[string]bool{}
	for name := range samples {
		covered[strings.Fields(name)[0]] = true
	}
	for _, pkg := range []string{"credstore", "flow"} {
		for _, name := range exportedErrors(t, filepath.Join("..", pkg)) {
			if !covered[pkg+"."+name] {
				t.Errorf("%s.%s has no sample in styleSamples", pkg, name)
			}
		}
	}
	for name, err := range samples {
		msg := err.Error()
		r, _ := utf8.DecodeRuneInString(msg)
		switch {
		case msg == "":
			t.Errorf("%s: empty", name)
		case unicode.IsUpper(r) && !acronym(msg):
			t.Errorf("%s starts upper case: %q", name, msg)
		case strings.HasSuffix(msg, "."):
			t.Errorf("%s ends with a full stop: %q", name, msg)
		case banned.MatchString(msg):
			t.Errorf("%s holds advice or a front end's words (%q): %q", name, banned.FindString(msg), msg)
		}
	}
}

// acronym: a fragment may start with one (TLS, HTTP).
func acronym(s string) bool {
	r := []rune(s)
	return len(r) > 1 && unicode.IsUpper(r[1])
}

// exportedErrors names the exported types with an Error method and the
// exported Err variables declared in dir's non-test files.
func exportedErrors(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Every file, whatever its build constraint: each OS's errors count.
	var files []*ast.File
	for _, en := range entries {
		if n := en.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	var names []string
	for _, f := range files {
		for _, d := range f.Decls {
			names = append(names, declErrors(d)...)
		}
	}
	sort.Strings(names)
	return names
}

// declErrors is the exported error type whose Error method d is, or the
// exported Err variables d declares.
func declErrors(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Name.Name != "Error" || d.Recv == nil || len(d.Recv.List) != 1 {
			return nil
		}
		typ := d.Recv.List[0].Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
			names = append(names, id.Name)
		}
	case *ast.GenDecl:
		if d.Tok != token.VAR {
			return nil
		}
		for _, sp := range d.Specs {
			for _, id := range sp.(*ast.ValueSpec).Names {
				if id.IsExported() && strings.HasPrefix(id.Name, "Err") {
					names = append(names, id.Name)
				}
			}
		}
	}
	return names
}
