package setupfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

const good = `{
  "format": 1,
  "vendor": "Example Software Pty Ltd",
  "product": "Example Practice Manager",
  "support": {"phone": "1300 000 000", "email": "help@example.com", "url": "https://example.com/help"},
  "environment": "sandbox",
  "consumer_key": "ExampleConsumerKey0000a1b2",
  "name_template": "{product} – {computer}"
}
`

func TestParseGood(t *testing.T) {
	f, err := Parse([]byte(good), "good.dcrwizard.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != 1 || f.Vendor != "Example Software Pty Ltd" || f.Support.Email != "help@example.com" ||
		f.Environment != EnvSandbox || f.ConsumerKey != "ExampleConsumerKey0000a1b2" || f.Endpoints != nil {
		t.Fatalf("%+v", *f)
	}
	if f.Line("consumer_key") != 7 || f.Line("support.url") != 5 {
		t.Errorf("lines: consumer_key %d, support.url %d", f.Line("consumer_key"), f.Line("support.url"))
	}
	for _, s := range []string{f.String(), f.GoString()} {
		if strings.Contains(s, f.ConsumerKey) || !strings.Contains(s, "…a1b2") {
			t.Errorf("String shows more than the last 4 of the key: %s", s)
		}
	}
}

// problem parses text, which must fail, and returns its one problem.
func problems(t *testing.T, text string) []Problem {
	t.Helper()
	_, err := Parse([]byte(text), "f.json")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	return e.Problems
}

func TestParseRefusals(t *testing.T) {
	swap := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("%q not in the good file", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	for _, tc := range []struct {
		name, text, field string
		line              int
		phrase            string
	}{
		{"unknown field named, with a suggestion", swap(`"product"`, `"prodcut"`), "prodcut", 4, `did you mean "product"`},
		{"unknown nested field", swap(`"phone"`, `"fax"`), "support.fax", 5, "email, phone, url"},
		{"password refused", swap(`"format": 1,`, `"format": 1, "keystore_password": "x",`), "keystore_password", 2, "never hold a password"},
		{"wrong type", swap(`"format": 1`, `"format": "1"`), "format", 2, "whole number"},
		{"string not number", swap(`"vendor": "Example Software Pty Ltd"`, `"vendor": 7`), "vendor", 3, "text in double quotes"},
		{"object expected", swap(`"support": {"phone": "1300 000 000", "email": "help@example.com", "url": "https://example.com/help"}`, `"support": "call us"`), "support", 5, "object"},
		{"newer format", swap(`"format": 1`, `"format": 2`), "format", 2, "newer DCR Wizard"},
		{"missing key", swap(`  "consumer_key": "ExampleConsumerKey0000a1b2",`+"\n", ""), "consumer_key", 1, "missing"},
		{"bad environment", swap(`"sandbox"`, `"Sandbox"`), "environment", 6, `"sandbox"`},
		{"endpoints for a preset", swap(`"environment": "sandbox",`, `"environment": "sandbox", "endpoints": {"scope": "x"},`), "endpoints", 6, `only for "environment": "custom"`},
		{"custom without endpoints", swap(`"sandbox"`, `"custom"`), "endpoints", 6, "needs an \"endpoints\""},
		{"custom with half the endpoints", swap(`"environment": "sandbox",`, `"environment": "custom",`+"\n"+`  "endpoints": {"token_url": "https://a.example/t"},`), "endpoints.scope", 7, "missing"},
		{"repeated field", swap(`"format": 1,`, `"format": 1,`+"\n"+`  "format": 1,`), "format", 3, "twice"},
		{"placeholder left", swap(`"Example Practice Manager"`, `"<your product>"`), "product", 4, "placeholder <your product>"},
		{"control character", swap(`"Example Practice Manager"`, `"Example\u0007"`), "product", 4, "control character"},
		{"bidi override", swap(`"Example Practice Manager"`, `"Example \u202eregnaM"`), "product", 4, "invisible"},
		{"missing comma", swap(`"format": 1,`, `"format": 1`), "", 3, "not valid JSON"},
		{"cut off", good[:len(good)-4], "", 8, "ends too early"},
		{"text after", good + "{}", "", 10, "more text after"},
		{"not an object", `["format", 1]`, "", 1, "one JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := problems(t, tc.text)
			for _, p := range ps {
				if p.Field == tc.field && p.Line == tc.line && strings.Contains(p.Message, tc.phrase) {
					return
				}
			}
			t.Fatalf("want %q at line %d saying %q; got %+v", tc.field, tc.line, tc.phrase, ps)
		})
	}
}

func TestErrorNamesFieldAndLine(t *testing.T) {
	_, err := Parse([]byte(strings.Replace(good, `"vendor"`, `"vendr"`, 1)), "acme.dcrwizard.json")
	msg := err.Error()
	if !strings.Contains(msg, "acme.dcrwizard.json") || !strings.Contains(msg, `line 3, "vendr"`) {
		t.Fatalf("%s", msg)
	}
	// Every problem, not only the first, in line order.
	text := strings.Replace(strings.Replace(good, `"vendor"`, `"vendr"`, 1), `"format": 1`, `"format": "x"`, 1)
	ps := problems(t, text)
	if len(ps) < 3 || ps[0].Line > ps[1].Line {
		t.Fatalf("%+v", ps)
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	u := utf16.Encode([]rune(s))
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

func TestWindowsEncodings(t *testing.T) {
	crlf := strings.ReplaceAll(good, "\n", "\r\n")
	for name, data := range map[string][]byte{
		"UTF-8 with BOM": append([]byte{0xEF, 0xBB, 0xBF}, crlf...),
		"UTF-16 LE":      utf16Bytes(crlf, false),
		"UTF-16 BE":      utf16Bytes(crlf, true),
	} {
		t.Run(name, func(t *testing.T) {
			f, err := Parse(data, "f")
			if err != nil {
				t.Fatal(err)
			}
			if f.NameTemplate != "{product} – {computer}" || f.Line("name_template") != 8 {
				t.Fatalf("%q at line %d", f.NameTemplate, f.Line("name_template"))
			}
		})
	}
	// A line number survives the decoding.
	bad := utf16Bytes(strings.Replace(crlf, `"vendor"`, `"vender"`, 1), false)
	if ps := problems(t, string(bad)); !slices.ContainsFunc(ps, func(p Problem) bool { return p.Field == "vender" && p.Line == 3 }) {
		t.Fatalf("%+v", ps)
	}
	// UTF-16 without a mark, and bytes that are not UTF-8.
	noBOM := utf16Bytes(good, false)[2:]
	if ps := problems(t, string(noBOM)); !strings.Contains(ps[0].Message, "UTF-8") {
		t.Fatalf("%+v", ps)
	}
	latin1 := strings.Replace(good, "Manager", "Manag\xe9r", 1)
	if ps := problems(t, latin1); ps[0].Line != 4 || !strings.Contains(ps[0].Message, "UTF-8") {
		t.Fatalf("%+v", ps)
	}
}

func TestSizeCapAndFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"vendor": "`+strings.Repeat("x", MaxFileSize)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(big); err == nil || !strings.Contains(err.Error(), "bigger than") {
		t.Fatalf("%v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none.json")); err == nil || !strings.Contains(err.Error(), "could not be opened") {
		t.Fatalf("%v", err)
	}
	if ps := problems(t, "  \n"); !strings.Contains(ps[0].Message, "empty") {
		t.Fatalf("%+v", ps)
	}
}

func TestKeyHint(t *testing.T) {
	if got := KeyHint("ExampleConsumerKey0000a1b2"); got != "…a1b2" {
		t.Errorf("%q", got)
	}
	if got := KeyHint("short"); strings.Contains(got, "ort") {
		t.Errorf("a short key shows too much: %q", got)
	}
}

// schemaFields lists every property path in the JSON Schema.
func schemaFields(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "setup-file.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	type node struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	var out []string
	var walk func(prefix string, raw json.RawMessage)
	walk = func(prefix string, raw json.RawMessage) {
		var n node
		if err := json.Unmarshal(raw, &n); err != nil {
			t.Fatal(err)
		}
		if len(n.Properties) > 0 && (n.AdditionalProperties == nil || *n.AdditionalProperties) {
			t.Errorf("schema object %q allows unknown properties; the parser refuses them", prefix)
		}
		for k, v := range n.Properties {
			out = append(out, prefix+k)
			walk(prefix+k+".", v)
		}
	}
	walk("", data)
	sort.Strings(out)
	return out
}

func TestSchemaAgreesWithParser(t *testing.T) {
	if got, want := schemaFields(t), Fields(); !slices.Equal(got, want) {
		t.Fatalf("schema properties %v\nparser fields    %v", got, want)
	}
}

func TestExampleAndTemplateHaveOnlyKnownFields(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "example.dcrwizard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(data, "example"); err != nil {
		t.Fatalf("the documented example is refused: %v", err)
	}
	// The template is refused only for its placeholders.
	_, err = Parse([]byte(Template), "template")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("the template was accepted with its placeholders: %v", err)
	}
	for _, p := range e.Problems {
		if !strings.Contains(p.Message, "placeholder") {
			t.Errorf("template: %s", p)
		}
	}
}

// TestManyUnknownFieldsShortMessage: a file of 16,000 unknown fields (each
// once gave its own line listing every allowed field: ~3 MB of text) gives
// a short refusal naming the first few and counting the rest.
func TestManyUnknownFieldsShortMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"format": 1, "vendor": "V", "product": "P", "environment": "sandbox", "consumer_key": "k"`)
	const n = 16000
	for i := range n {
		fmt.Fprintf(&b, `,"f%05d":1`, i)
	}
	b.WriteString("}\n")
	_, err := Parse([]byte(b.String()), "many.dcrwizard.json")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("accepted: %v", err)
	}
	msg := err.Error()
	if len(msg) > 4096 {
		t.Fatalf("the refusal is %d bytes long", len(msg))
	}
	if len(b.String()) > MaxFileSize {
		t.Fatalf("the file is %d bytes, over the size cap", b.Len())
	}
	for _, want := range []string{`"f00000": this field is not part of the setup file format`, `"f00002"`,
		`15997 more fields are not part of the setup file format: "f00003", "f00004", "f00005", "f00006", "f00007" and 15992 more`} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "f00008") {
		t.Errorf("more names than a few:\n%s", msg)
	}

	// Problems of any kind are capped too: 16,000 fields given twice.
	b.Reset()
	b.WriteString(`{"format": 1`)
	for range n {
		b.WriteString(`, "vendor": "V"`)
	}
	b.WriteString("}")
	_, err = Parse([]byte(b.String()), "twice.dcrwizard.json")
	if err == nil || len(err.Error()) > 8192 || !strings.Contains(err.Error(), "more problems") {
		t.Fatalf("%d bytes: %.300v", len(fmt.Sprint(err)), err)
	}

	// A secret-looking field is still refused for what it is, however late.
	b.Reset()
	b.WriteString(`{"format": 1`)
	for i := range 10 {
		fmt.Fprintf(&b, `, "x%d": 1`, i)
	}
	b.WriteString(`, "keystore_password": "x"}`)
	_, err = Parse([]byte(b.String()), "late.dcrwizard.json")
	if err == nil || !strings.Contains(err.Error(), "must never hold a password") {
		t.Fatalf("%v", err)
	}
}

// TestIsSetupFileName: the one rule for a setup file's name, case-insensitive
// as Windows and macOS compare names.
func TestIsSetupFileName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Vendor.dcrwizard", true},
		{"VENDOR.DCRWIZARD", true},
		{`C:\Users\x\Downloads\Practice Manager.DcrWizard`, true},
		{"/home/x/Downloads/x.dcrwizard.json", true},
		{"x.dcrwizard.json", true},
		{"X.DCRWIZARD.JSON", true},
		{"x.json", false},
		{"dcrwizard-setup.json", false}, // beside the program: found by its name, not offered
		{"x.dcrwizard.txt", false},
		{"x.dcrwizard.json.txt", false},
		{"dcrwizard", false},
		{"x.xml", false},
		{"", false},
	} {
		if got := IsSetupFileName(tc.name); got != tc.want {
			t.Errorf("IsSetupFileName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	if e := Extensions(); len(e) != 2 || e[0] != ".dcrwizard" || e[1] != ".dcrwizard.json" {
		t.Errorf("Extensions() = %q: the name vendors send comes first", e)
	}
}
