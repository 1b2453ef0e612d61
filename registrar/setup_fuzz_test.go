package registrar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"dcrwizard/consumerkey"
	"dcrwizard/setupfile"
)

// FuzzParseSetup: no input panics; every problem names a line inside the
// file; the consumer key never appears in a message.
func FuzzParseSetup(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "docs", "example.dcrwizard.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(setupfile.Template))
	f.Add([]byte(`{"format":1,"vendor":"V","product":"P","environment":"custom","consumer_key":"abcdefghijklmnop1234","endpoints":{"token_url":"http://127.0.0.1/t","registration_url":"https://x/y","registration_client_id":"c","scope":"s","ca_pem":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}}`))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	f.Add([]byte(`{"consumer_key": "SecretKey0123456789<x>", "consumer_key": "SecretKey0123456789"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSetup(data, "f")
		if err == nil {
			if consumerkey.Valid(s.ConsumerKey().Header()) != nil || s.Env.Validate() != nil || ValidateInstanceName(s.SuggestedName("PC")) != nil {
				t.Fatalf("accepted a setup that typed input would refuse: %v", s)
			}
			return
		}
		var se *setupfile.Error
		if !errors.As(err, &se) || len(se.Problems) == 0 {
			t.Fatalf("not a *setupfile.Error: %v", err)
		}
		decoded, derr := setupfile.Decode(data)
		if derr != nil {
			decoded = data
		}
		lines := bytes.Count(decoded, []byte{'\n'}) + 1
		for _, p := range se.Problems {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("problem on line %d of a %d-line file: %v", p.Line, lines, p)
			}
		}
		// A key that looks like one (letters and digits, nowhere else in the
		// file) must not show up; text that is also a field name or a word
		// of the messages may.
		if f, _ := setupfile.Parse(data, "f"); f != nil {
			k := f.ConsumerKey
			looksLikeKey := len(k) >= 12 && keyLike.MatchString(k) &&
				strings.ContainsAny(k, "0123456789") && strings.IndexFunc(k, unicode.IsLetter) >= 0
			if looksLikeKey && bytes.Count(decoded, []byte(k)) == 1 && strings.Contains(err.Error(), k) {
				t.Fatalf("the consumer key is in the message: %v", err)
			}
		}
	})
}

// keyLike is consumerkey's pattern of characters a key may have.
var keyLike = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)
