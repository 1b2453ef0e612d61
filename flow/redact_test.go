package flow

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The consumer key of the tests: 32 characters, as the ATO portal's are.
const alteredKey = "Q7vK2mZp9XwL4rTb8NcY3hJd6GsF1eUa"

// alteredForms are the ways a server may echo a secret changed, each as a
// function of the secret.
var alteredForms = map[string]func(string) string{
	"upper-cased": strings.ToUpper,
	"lower-cased": strings.ToLower,
	"base64":      func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url":   func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"base64 in a longer value": func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte("apikey=" + s + ";"))
	},
	"hex":            func(s string) string { return hex.EncodeToString([]byte(s)) },
	"HEX":            func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) },
	"spaced out":     func(s string) string { return strings.Join(strings.Split(s, ""), " ") },
	"dashes between": func(s string) string { return strings.Join(strings.Split(s, ""), "-") },
	"dots between, upper-cased": func(s string) string {
		return strings.ToUpper(strings.Join(strings.Split(s, ""), "."))
	},
	"split in two halves": func(s string) string {
		return s[:len(s)/2] + " was the start; the rest of it is " + s[len(s)/2:]
	},
	"cut at 60/40": func(s string) string {
		cut := len(s) * 3 / 5
		return s[cut:] + " and " + s[:cut]
	},
	"halves reversed": func(s string) string {
		return s[len(s)/2:] + " then " + s[:len(s)/2]
	},
	"JSON escapes": func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	},
	"HTML references": func(s string) string {
		var b strings.Builder
		for i, r := range s {
			if i%2 == 0 {
				fmt.Fprintf(&b, "&#%d;", r)
			} else {
				fmt.Fprintf(&b, "&#x%X;", r)
			}
		}
		return b.String()
	},
	"URL-escaped": func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	},
	"zero-width spaces between": func(s string) string { return strings.Join(strings.Split(s, ""), "\u200b") },
}

// folded letters and digits of s: what a reader (or a script) recovers from
// any of the forms above by dropping the separators.
func lettersOf(s string) string {
	s = html.UnescapeString(s)
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return strings.ToLower(string(fold(s).b))
}

func TestRedactorAlteredEchoes(t *testing.T) {
	r := redactor{alteredKey}
	// A long text takes the indexed path of scrubAltered, a short one the direct.
	long := strings.Repeat("Lorem ipsum dolor sit amet. ", 300)
	for _, pad := range []string{"", long} {
		for name, form := range alteredForms {
			t.Run(fmt.Sprintf("%s in %d bytes", name, len(pad)), func(t *testing.T) {
				testAlteredEcho(t, r, pad, form(alteredKey))
			})
		}
	}
}

func testAlteredEcho(t *testing.T, r redactor, pad, echoed string) {
	in := pad + "The key " + echoed + " is not valid for this API (DCR.00001)." + pad
	out := r.scrub(in)
	if !strings.Contains(out, "[hidden]") {
		t.Fatalf("nothing hidden in %q", out)
	}
	if !strings.HasPrefix(out, pad+"The key ") || !strings.HasSuffix(out, " is not valid for this API (DCR.00001)."+pad) {
		t.Errorf("more than the secret was hidden: %q", out)
	}
	rest := strings.ReplaceAll(out, "[hidden]", " ")
	for _, leaked := range []string{echoed, echoed[:len(echoed)/2], echoed[len(echoed)/2:]} {
		if len(leaked) >= minPiece && strings.Contains(rest, leaked) {
			t.Errorf("%q still holds %q", out, leaked)
		}
	}
	if l := lettersOf(rest); strings.Contains(l, strings.ToLower(alteredKey[:minPiece])) ||
		strings.Contains(l, strings.ToLower(alteredKey[len(alteredKey)-minPiece:])) {
		t.Errorf("%q still spells part of the key", out)
	}
}

// The whole error path: an answer echoing the key altered reaches neither
// the message, the action, Error(), the description nor the support body.
func TestAlteredEchoesNeverReachTheError(t *testing.T) {
	c := &Client{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }}
	cl := call{step: StepRegister, url: "https://api.ato.gov.au/idp/v1/relyingparties", secrets: redactor{alteredKey, testAccessToken}, instance: "Front desk"}
	for name, form := range alteredForms {
		t.Run(name, func(t *testing.T) {
			echo := form(alteredKey)
			tokenEcho := form(testAccessToken)
			body := fmt.Sprintf(`{"error":"invalid_request %s","error_description":"apikey %s, token %s"}`,
				strings.ReplaceAll(echo, `\`, `\\`), strings.ReplaceAll(echo, `\`, `\\`), strings.ReplaceAll(tokenEcho, `\`, `\\`))
			h := http.Header{"Receipt": {"6300000000001 " + echo}}
			e := c.httpError(cl, &response{status: 400, header: h, body: []byte(body)})
			for what, s := range map[string]string{"message": adviceMessage(e), "action": adviceAction(e), "Error()": e.Error(),
				"description": e.Description, "code": e.Code, "receipt": e.Receipt, "body": e.Body} {
				for _, leaked := range []string{echo[:len(echo)/2], echo[len(echo)/2:], tokenEcho[len(tokenEcho)/2:]} {
					if strings.Contains(s, leaked) {
						t.Errorf("the %s holds the secret %s: %q", what, name, s)
					}
				}
			}
			if !strings.Contains(e.Receipt, "6300000000001") {
				t.Errorf("the receipt lost its number: %q", e.Receipt)
			}
		})
	}
}

// Short common strings are not secrets' pieces: text that shares words,
// numbers or a short prefix with a secret is kept whole.
func TestRedactorKeepsOrdinaryText(t *testing.T) {
	practiceKey := "practice" + "0f3a9c4e5b6d7e8f9a0b1c2d3e4f5a6b"
	r := redactor{alteredKey, practiceKey, testAccessToken, "short-key-12"}
	for _, s := range []string{
		"The practice simulator did not accept the request (receipt 6300000000001).",
		"ato_api_key is not the same as the apiKey in the header. DCR.00001",
		"https://api.ato.gov.au/idp/v1/relyingparties/8a7357ec3c2e32721c7ab2048a7c53f1",
		"Q7vK2mZ, 9XwL, SHORT KEY 12 and short-key-1 are not long enough to be the key",
		"client id 3fa85f64-5717-4562-b3fc-2c963f66afa6 issued 2026-03-02T09:30:00Z",
		"100% sure: &amp; &#8217; \\n %zz",
	} {
		if got := r.scrub(s); got != s {
			t.Errorf("scrub(%q) = %q", s, got)
		}
	}
	// A secret shorter than minAlteredSecret is hidden only as it is.
	if got := r.scrub("SHORT-KEY-12 and short-key-12"); got != "SHORT-KEY-12 and [hidden]" {
		t.Errorf("short secret: %q", got)
	}
}

// FuzzScrubAltered: a secret of any content, echoed in any of the forms
// inside any text, is hidden; the result stays valid UTF-8 when the text was.
func FuzzScrubAltered(f *testing.F) {
	f.Add(alteredKey, "before ", " after", 0)
	f.Add("practice0f3a9c4e5b6d7e8f9a0b1c2d", `{"error":"`, `"}`, 3)
	f.Add(testRegToken, "<title>", "</title>", 7)
	names := make([]string, 0, len(alteredForms))
	for name := range alteredForms {
		names = append(names, name)
	}
	// A fixed order, so a form number found failing replays the same form.
	slices.Sort(names)
	f.Fuzz(func(t *testing.T, secret, before, after string, form int) {
		if len(fold(secret).b) < minAlteredSecret || len(secret) > 2048 || len(before)+len(after) > 4096 {
			return
		}
		if form < 0 {
			form = -form
		}
		name := names[form%len(names)]
		echo := alteredForms[name](secret)
		out := redactor{secret}.scrub(before + echo + after)
		if strings.Contains(out, echo) {
			t.Fatalf("%s echo %q kept in %q", name, echo, out)
		}
		if utf8.ValidString(before) && utf8.ValidString(after) && utf8.ValidString(echo) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid: %q", out)
		}
	})
}

// An echo is scrubbed before the description is cut to 500 bytes, where
// only a short piece of it would be left; and the field a gateway names is
// scrubbed like the rest (it reaches the message).
func TestEchoesScrubbedBeforeTheCutAndInTheField(t *testing.T) {
	c := &Client{Now: func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }}
	cl := call{step: StepRegister, url: "https://api.ato.gov.au/idp/v1/relyingparties", secrets: redactor{alteredKey}, instance: "Front desk"}
	desc := strings.Repeat("a", 490) + " " + alteredKey
	e := c.httpError(cl, &response{status: 400, header: http.Header{},
		body: []byte(`{"error":"invalid_request","error_description":"` + desc + `"}`)})
	if piece := alteredKey[:9]; strings.Contains(e.Description, piece) || strings.Contains(e.Error(), piece) {
		t.Errorf("the description cut at 500 bytes keeps %q: %q", piece, e.Description)
	}
	e = c.httpError(cl, &response{status: 400, header: http.Header{},
		body: []byte(`{"errors":[{"code":"400-01","detail":"bad value","source":{"parameter":"` + strings.ToLower(alteredKey) + `"}}]}`)})
	for what, s := range map[string]string{"message": adviceMessage(e), "action": adviceAction(e), "field": e.Field, "Error()": e.Error()} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(alteredKey[:12])) {
			t.Errorf("the %s holds the key named as the field: %q", what, s)
		}
	}
}
