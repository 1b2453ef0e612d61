package setupfile

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

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
