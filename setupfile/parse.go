package setupfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"dcrwizard/internal/safetext"
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
func shortName(name string) string { return safetext.Cut(name, maxNameShown) }

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
