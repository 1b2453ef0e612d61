// Package setupfile reads a software vendor's setup file (.dcrwizard):
// who the vendor is, where to register and the consumer key of the vendor's
// team app, so that a tax agent never has to find a key in a portal they have
// no account on (ato-facts §10). It checks the file's shape strictly — the
// encoding, the size, every field's type, unknown and repeated fields — and
// says on which line each problem is. What a value means (is this a usable
// consumer key, address, instance name?) is checked by registrar with the
// same rules as typed input; this package knows nothing of Fyne or the ATO.
package setupfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// FormatVersion is the only "format" this program reads.
const FormatVersion = 1

// MaxFileSize caps a setup file: a few hundred bytes plus, at most, a CA
// bundle. Anything bigger was chosen by mistake.
const MaxFileSize = 256 << 10

// Extension is how a vendor names a setup file ("Practice.dcrwizard"): one
// extension of its own, because Explorer and Finder choose the program by
// the last extension only, so only this name opens in DCR Wizard on a
// double-click (the installers associate it).
const Extension = ".dcrwizard"

// JSONExtension is the older name ("Practice.dcrwizard.json"), still read
// everywhere: files already sent, and editors that want .json to highlight
// it. The content is the same; only Linux opens it with a double-click.
const JSONExtension = ".dcrwizard.json"

// Extensions are the endings of a setup file's name, the one to send first.
func Extensions() []string { return []string{Extension, JSONExtension} }

// IsSetupFileName reports whether name (a path or a file name) is named as
// a setup file. Case does not matter, as on Windows and macOS:
// ACME.DCRWIZARD is one.
func IsSetupFileName(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range Extensions() {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// BesideName is the file looked for next to the program.
const BesideName = "dcrwizard-setup.json"

// Environment names a file may give.
const (
	EnvSandbox    = "sandbox"
	EnvProduction = "production"
	EnvCustom     = "custom"
)

// Support is how the practice reaches the vendor's helpdesk. Each is optional.
type Support struct {
	Phone string
	Email string
	URL   string
}

// IsZero reports whether no contact is given.
func (s Support) IsZero() bool { return s == Support{} }

// Endpoints are a custom environment's addresses.
type Endpoints struct {
	TokenURL             string
	RegistrationURL      string
	RegistrationClientID string
	Scope                string
	CAPEM                string // optional: extra trusted CA certificates, PEM
	VerifyScope          string // optional: scope for testing the new registration
	HeartbeatURL         string // optional: a health check to call with that token
}

// File is a setup file's content, checked for shape only.
type File struct {
	Format       int
	Vendor       string
	Product      string
	Support      Support
	Environment  string
	ConsumerKey  string // a secret of the vendor's: never print it; see KeyHint
	Endpoints    *Endpoints
	NameTemplate string
	// Lifecycle is nil when the file does not say (lifecycle.go).
	Lifecycle *Lifecycle

	lines map[string]int // field path -> line of its value
}

// Line is the line of field (a path such as "support.email"), or of the
// file's opening brace when the field is absent.
func (f *File) Line(field string) int {
	if l, ok := f.lines[field]; ok {
		return l
	}
	if l, ok := f.lines[""]; ok {
		return l
	}
	return 1
}

// Has reports whether field was in the file.
func (f *File) Has(field string) bool { _, ok := f.lines[field]; return ok }

// String keeps the consumer key out of %v and %s.
func (f *File) String() string {
	return fmt.Sprintf("setup file {vendor %q, product %q, environment %s, consumer key %s}", f.Vendor, f.Product, f.Environment, KeyHint(f.ConsumerKey))
}

// GoString keeps the consumer key out of %#v.
func (f *File) GoString() string { return f.String() }

// KeyHint shows the last four characters of a consumer key and nothing
// more: enough for a support person to tell two keys apart.
func KeyHint(key string) string {
	r := []rune(key)
	if len(r) <= 8 {
		return "…" + strings.Repeat("•", 4)
	}
	return "…" + string(r[len(r)-4:])
}

// Problem is one thing wrong with a setup file.
type Problem struct {
	Field   string // "support.email"; "" for the file as a whole
	Line    int    // 1-based; 0 when the file could not be read at all
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Field == "" && p.Line == 0:
		return p.Message
	case p.Field == "":
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, %q: %s", p.Line, p.Field, p.Message)
}

// Error is a setup file that cannot be used. Problems are in line order.
type Error struct {
	Path     string // as given; may be ""
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	name := e.Path
	if name == "" {
		name = "The setup file"
	} else {
		name = "The setup file " + name
	}
	if len(e.Problems) == 1 {
		fmt.Fprintf(&b, "%s cannot be used: %s", name, e.Problems[0])
		return b.String()
	}
	fmt.Fprintf(&b, "%s cannot be used (%d problems):", name, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Add records a problem with field (its line looked up in f).
func (e *Error) Add(f *File, field, msg string) {
	e.Problems = append(e.Problems, Problem{Field: field, Line: f.Line(field), Message: msg})
}

// Err returns e when it holds a problem, else nil, with problems sorted by line.
func (e *Error) Err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
	return e
}

// ReadFile reads and parses path, at most MaxFileSize bytes.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Problems: []Problem{{Message: "it could not be opened. Check the file exists and you may read it (" + plainOSError(err) + ")."}}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{Path: path, Problems: []Problem{{Message: "it could not be read (" + plainOSError(err) + ")."}}}
	}
	return Parse(data, path)
}

// plainOSError names what went wrong without repeating the path.
func plainOSError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Decode turns the bytes as a Windows editor may have saved them — UTF-8
// with or without a byte-order mark, or UTF-16 with one — into UTF-8.
func Decode(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		le := data[0] == 0xFF
		body := data[2:]
		if len(body)%2 != 0 {
			return nil, errors.New("it is saved as UTF-16 but its last character is cut off. Save it again (as UTF-8 if you can)")
		}
		u := make([]uint16, len(body)/2)
		for i := range u {
			if le {
				u[i] = uint16(body[2*i]) | uint16(body[2*i+1])<<8
			} else {
				u[i] = uint16(body[2*i])<<8 | uint16(body[2*i+1])
			}
		}
		runes := utf16.Decode(u)
		var b strings.Builder
		for _, r := range runes {
			if r == utf8.RuneError {
				return nil, errors.New("it is saved as UTF-16 but has a damaged character. Save it again (as UTF-8 if you can)")
			}
			b.WriteRune(r)
		}
		data = []byte(b.String())
	case len(data) >= 2 && (data[0] == 0 || data[1] == 0):
		return nil, errors.New("it looks like UTF-16 without a byte-order mark. Save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)")
	}
	return data, nil
}

// Parse checks data (the file's bytes) and returns its content. name is
// used in messages only. Every problem of shape is reported with its line;
// the values themselves are checked by registrar. With an *Error, the File
// returned (when not nil) holds the fields that could be read, so that
// their values can be checked too and every problem reported at once.
func Parse(data []byte, name string) (*File, error) {
	fail := func(line int, msg string) error {
		return &Error{Path: name, Problems: []Problem{{Line: line, Message: msg}}}
	}
	if len(data) > MaxFileSize {
		return nil, fail(0, fmt.Sprintf("it is bigger than %d KB, far more than a setup file holds. Check it is the file your software vendor sent.", MaxFileSize>>10))
	}
	data, err := Decode(data)
	if err != nil {
		return nil, fail(0, err.Error())
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, "it is empty.")
	}
	if !utf8.Valid(data) {
		return nil, fail(lineAt(data, firstInvalidUTF8(data)), "this line has characters that are not UTF-8. Save the file as UTF-8.")
	}
	p := &parser{data: data, f: &File{lines: map[string]int{}}, errs: &Error{Path: name}}
	if p.parse() {
		p.required()
	}
	p.finish()
	return p.f, p.errs.Err()
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// lineAt is the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// kind is a field's JSON type.
type kind int

const (
	kString kind = iota
	kInt
	kObject
)

// schema is every field the parser knows, by path. The JSON Schema in
// docs/setup-file.schema.json must list the same (a test checks).
var schema = map[string]kind{
	"format":                           kInt,
	"vendor":                           kString,
	"product":                          kString,
	"support":                          kObject,
	"support.phone":                    kString,
	"support.email":                    kString,
	"support.url":                      kString,
	"environment":                      kString,
	"consumer_key":                     kString,
	"endpoints":                        kObject,
	"endpoints.token_url":              kString,
	"endpoints.registration_url":       kString,
	"endpoints.registration_client_id": kString,
	"endpoints.scope":                  kString,
	"endpoints.ca_pem":                 kString,
	"endpoints.verify_scope":           kString,
	"endpoints.heartbeat_url":          kString,
	"name_template":                    kString,
	"lifecycle":                        kObject,
	"lifecycle.read":                   kBool,
	"lifecycle.update":                 kBool,
	"lifecycle.delete":                 kBool,
}

// Fields lists every field path the parser knows, sorted.
func Fields() []string {
	out := make([]string, 0, len(schema))
	for k := range schema {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// secretWords are parts of field names that mean someone tried to put a
// credential in the file: refused with its own message.
var secretWords = []string{"password", "passphrase", "private", "keystore", "secret", "token", "credential", "p12", "pfx"}

// Bounds on what a refusal lists: a file of thousands of wrong fields
// gets a message a person can read, not megabytes.
const (
	maxUnknownListed = 3  // unknown fields with a message of their own
	maxUnknownNamed  = 5  // further unknown fields named in the summary
	maxProblems      = 20 // problems of any kind; the rest are counted
	maxNameShown     = 40 // characters of a field's name shown
)

type parser struct {
	data []byte
	f    *File
	errs *Error
	// unknownMore are the unknown fields past maxUnknownListed, by name
	// (the first maxUnknownNamed) and count, reported as one problem.
	unknownMore      []string
	unknownMoreCount int
	unknownMoreLine  int
	dropped          int // problems past maxProblems
	listedUnknown    int
	// meant are the fields an unknown one was taken for ("did you mean"):
	// not reported missing as well.
	meant map[string]bool
	nl    []int // offsets of the line breaks, for line numbers
}

// line is the 1-based line of byte offset off, by binary search: a file
// of many short fields must not cost a scan per field.
func (p *parser) line(off int) int {
	if p.nl == nil {
		p.nl = []int{}
		for i, c := range p.data {
			if c == '\n' {
				p.nl = append(p.nl, i)
			}
		}
	}
	return sort.SearchInts(p.nl, off) + 1
}

func (p *parser) problem(line int, field, msg string) {
	if len(p.errs.Problems) >= maxProblems {
		p.dropped++
		return
	}
	p.errs.Problems = append(p.errs.Problems, Problem{Field: shortName(field), Line: line, Message: msg})
}

// shortName cuts a field's name to what a message shows.
func shortName(name string) string {
	if r := []rune(name); len(r) > maxNameShown {
		return string(r[:maxNameShown]) + "…"
	}
	return name
}

// finish adds the problems that summarise others: the unknown fields not
// listed one by one, and the problems past maxProblems.
func (p *parser) finish() {
	if n := p.unknownMoreCount; n > 0 {
		names := make([]string, len(p.unknownMore))
		for i, k := range p.unknownMore {
			names[i] = strconv.Quote(shortName(k))
		}
		msg := fmt.Sprintf("%d more fields are not part of the setup file format: %s", n, strings.Join(names, ", "))
		if rest := n - len(names); rest > 0 {
			msg += fmt.Sprintf(" and %d more", rest)
		}
		p.errs.Problems = append(p.errs.Problems, Problem{Line: p.unknownMoreLine,
			Message: msg + ". Check it is the file your software vendor sent (see docs/SETUP-FILE.md for the fields)."})
	}
	if p.dropped > 0 {
		p.errs.Problems = append(p.errs.Problems, Problem{Line: p.line(len(p.data)),
			Message: fmt.Sprintf("and %d more problems. Fix those above first.", p.dropped)})
	}
}

// syntax reports a JSON syntax error at its line, in plain words.
func (p *parser) syntax(base int, err error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := base + int(se.Offset)
		p.problem(p.line(off), "", "this is not valid JSON here ("+se.Error()+"). Check for a missing comma, quote or brace.")
		return
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		p.problem(p.line(len(p.data)), "", "the file ends too early: a closing brace or quote is missing.")
		return
	}
	p.problem(p.line(base), "", "this is not valid JSON here ("+err.Error()+").")
}

func (p *parser) parse() bool {
	// Where the top-level object starts, for fields that are missing.
	start := len(p.data) - len(bytes.TrimLeft(p.data, " \t\r\n"))
	p.f.lines[""] = p.line(start)
	if start >= len(p.data) || p.data[start] != '{' {
		p.problem(p.line(start), "", "a setup file is one JSON object: it must start with {.")
		return false
	}
	end, ok := p.object(start, "")
	if !ok {
		return false
	}
	if rest := bytes.TrimSpace(p.data[end:]); len(rest) > 0 {
		p.problem(p.line(len(p.data)-len(bytes.TrimLeft(p.data[end:], " \t\r\n"))), "",
			"there is more text after the closing } of the setup. Remove it.")
	}
	return true
}

// required checks which fields must be there, and that "endpoints" comes
// with "custom" and only with it.
func (p *parser) required() {
	f := p.f
	missing := func(field, what string) {
		if !f.Has(field) && !p.meant[field] {
			p.problem(f.Line(field), field, "this field is missing: "+what+".")
		}
	}
	missing("format", fmt.Sprintf("add \"format\": %d", FormatVersion))
	if f.Has("format") && f.Format != FormatVersion {
		msg := fmt.Sprintf("this program reads format %d only.", FormatVersion)
		if f.Format > FormatVersion {
			msg = fmt.Sprintf("this file is format %d, made for a newer DCR Wizard. Update DCR Wizard, or ask your software vendor for a format %d file.", f.Format, FormatVersion)
		}
		p.problem(f.Line("format"), "format", msg)
	}
	missing("vendor", "the software vendor's name")
	missing("product", "the name of the software being registered")
	missing("environment", "\"sandbox\", \"production\" or \"custom\"")
	missing("consumer_key", "the consumer (API) key of the vendor's team app in the ATO API portal")
	env := f.Environment
	if f.Has("environment") {
		switch env {
		case EnvSandbox, EnvProduction, EnvCustom:
		default:
			msg := fmt.Sprintf("%q is not an environment: use \"sandbox\", \"production\" or \"custom\"", env)
			if lower := strings.ToLower(strings.TrimSpace(env)); lower != env && (lower == EnvSandbox || lower == EnvProduction || lower == EnvCustom) {
				msg += fmt.Sprintf(" (in small letters: %q)", lower)
			}
			p.problem(f.Line("environment"), "environment", msg+".")
			return
		}
	}
	switch {
	case env == EnvCustom && f.Endpoints == nil && !f.Has("endpoints"):
		p.problem(f.Line("environment"), "endpoints", "\"custom\" needs an \"endpoints\" object with token_url, registration_url, registration_client_id and scope.")
	case env == EnvCustom && f.Endpoints != nil:
		for _, k := range []string{"token_url", "registration_url", "registration_client_id", "scope"} {
			if !f.Has("endpoints." + k) {
				p.problem(f.Line("endpoints"), "endpoints."+k, "this field is missing: a custom environment needs all four of token_url, registration_url, registration_client_id and scope.")
			}
		}
	case (env == EnvSandbox || env == EnvProduction) && f.Has("endpoints"):
		p.problem(f.Line("endpoints"), "endpoints", fmt.Sprintf("\"endpoints\" is only for \"environment\": \"custom\". The %s addresses are built into DCR Wizard: remove \"endpoints\", or set \"environment\" to \"custom\".", env))
	}
}

// object reads the object starting at p.data[base] (a '{'), the fields of
// prefix ("" or "support."); it returns the offset after its '}'.
func (p *parser) object(base int, prefix string) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(p.data[base:]))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // '{'
		p.syntax(base, err)
		return 0, false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			p.syntax(base, err)
			return 0, false
		}
		key, _ := tok.(string)
		keyEnd := base + int(dec.InputOffset())
		keyLine := p.line(keyEnd)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			p.syntax(base, err)
			return 0, false
		}
		// The value starts after the ':' and any space following the key.
		vstart := keyEnd
		for vstart < len(p.data) && (p.data[vstart] == ':' || p.data[vstart] == ' ' || p.data[vstart] == '\t' || p.data[vstart] == '\r' || p.data[vstart] == '\n') {
			vstart++
		}
		line := p.line(vstart)
		path := prefix + key
		k, known := schema[path]
		switch {
		case seen[key]:
			p.problem(keyLine, path, "this field is given twice. Keep only one.")
			continue
		case !known:
			p.unknown(keyLine, prefix, key)
			continue
		}
		seen[key] = true
		p.f.lines[path] = line
		p.value(path, k, raw, vstart, line)
	}
	if _, err := dec.Token(); err != nil { // '}'
		p.syntax(base, err)
		return 0, false
	}
	return base + int(dec.InputOffset()), true
}

// unknown reports a field the format does not have, suggesting the one
// meant when the name is close.
func (p *parser) unknown(line int, prefix, key string) {
	path := prefix + key
	lower := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			p.problem(line, path, "a setup file must never hold a password, private key, token or credential. Remove this field: the practice chooses its own credential and types its password in DCR Wizard.")
			return
		}
	}
	if p.listedUnknown >= maxUnknownListed {
		if p.unknownMoreCount == 0 {
			p.unknownMoreLine = line
		}
		p.unknownMoreCount++
		if len(p.unknownMore) < maxUnknownNamed {
			p.unknownMore = append(p.unknownMore, path)
		}
		return
	}
	p.listedUnknown++
	var names []string
	best, bestD := "", 3
	for k := range schema {
		parent, name, ok := strings.Cut(k, ".")
		if !ok {
			parent, name = "", k
		} else {
			parent += "."
		}
		if parent != prefix {
			continue
		}
		names = append(names, name)
		if d := distance(strings.ToLower(key), name); d < bestD {
			best, bestD = name, d
		}
	}
	sort.Strings(names)
	msg := "this field is not part of the setup file format"
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
		if p.meant == nil {
			p.meant = map[string]bool{}
		}
		p.meant[prefix+best] = true
	}
	where := "here"
	if prefix != "" {
		where = "in \"" + strings.TrimSuffix(prefix, ".") + "\""
	}
	p.problem(line, path, msg+". The fields allowed "+where+" are: "+strings.Join(names, ", ")+".")
}

// value stores one field's value after checking its JSON type.
func (p *parser) value(path string, k kind, raw json.RawMessage, vstart, line int) {
	typeName := map[kind]string{kString: "text in double quotes", kInt: "a whole number", kObject: "an object in { }"}[k]
	wrong := func() { p.problem(line, path, "this must be "+typeName+".") }
	switch k {
	case kObject:
		if len(raw) == 0 || raw[0] != '{' {
			wrong()
			return
		}
		switch path {
		case "support":
			p.f.Support = Support{}
		case "endpoints":
			p.f.Endpoints = &Endpoints{}
		case "lifecycle":
			p.f.Lifecycle = &Lifecycle{}
		}
		p.object(vstart, path+".")
	case kBool:
		p.boolValue(path, raw, line)
	case kInt:
		var n json.Number
		if len(raw) == 0 || raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
			wrong()
			return
		}
		i, err := n.Int64()
		if err != nil || i < 0 || i > 1<<20 {
			wrong()
			return
		}
		p.f.Format = int(i)
	case kString:
		var s string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			wrong()
			return
		}
		if msg := badText(s); msg != "" {
			p.problem(line, path, msg)
			return
		}
		if i := strings.Index(s, "<"); i >= 0 && strings.Contains(s[i:], ">") {
			what := "the placeholder " + s[i:i+strings.Index(s[i:], ">")+1]
			if path == "consumer_key" {
				what = "the placeholder" // the key's text is never repeated
			}
			p.problem(line, path, "replace "+what+" with the real value.")
			return
		}
		p.setString(path, s)
	}
}

// badText refuses characters that would let a file disguise what is shown
// (control characters, bidirectional overrides); PEM needs line breaks.
func badText(s string) string {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029':
			return "this has an invisible or control character. Type the value again without it."
		}
	}
	return ""
}

func (p *parser) setString(path, s string) {
	f := p.f
	e := f.Endpoints
	switch path {
	case "vendor":
		f.Vendor = s
	case "product":
		f.Product = s
	case "support.phone":
		f.Support.Phone = s
	case "support.email":
		f.Support.Email = s
	case "support.url":
		f.Support.URL = s
	case "environment":
		f.Environment = s
	case "consumer_key":
		f.ConsumerKey = s
	case "name_template":
		f.NameTemplate = s
	case "endpoints.token_url":
		e.TokenURL = s
	case "endpoints.registration_url":
		e.RegistrationURL = s
	case "endpoints.registration_client_id":
		e.RegistrationClientID = s
	case "endpoints.scope":
		e.Scope = s
	case "endpoints.ca_pem":
		e.CAPEM = s
	case "endpoints.verify_scope":
		e.VerifyScope = s
	case "endpoints.heartbeat_url":
		e.HeartbeatURL = s
	}
}

// distance is the Levenshtein distance, for "did you mean".
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Template is what `dcrwizard setup-new` writes: every field, with
// placeholders a vendor replaces (a file still holding one is refused).
const Template = `{
  "format": 1,
  "vendor": "<your company's name>",
  "product": "<the name of your software>",
  "support": {
    "phone": "<your support phone number>",
    "email": "<your support e-mail address>",
    "url": "https://<your support page>"
  },
  "environment": "sandbox",
  "consumer_key": "<the consumer key of your team app, from the ATO API portal>",
  "name_template": "{product} – {computer}"
}
`
