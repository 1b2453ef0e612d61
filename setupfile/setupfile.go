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
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
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
