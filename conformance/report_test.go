package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

// A hostile answer's words in a row cannot break the Markdown table or the
// terminal, and a secret the server echoes into them is scrubbed.
func TestReportCellsAndScrub(t *testing.T) {
	key := "TeamAppKey0123456789abcd"
	r := &Report{ConsumerKey: lastFour(key), secrets: []string{key, "eyJhbGciOiJSUzI1NiJ9.payload.sig"},
		Checks: []Check{{ID: IDRegister, Result: Failed, Saw: "HTTP 400 “bad | row\n\x1b[2Jkey " + key + " token eyJhbGciOiJSUzI1NiJ9.payload.sig”"}}}
	md := r.Markdown()
	row := ""
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| register |") {
			row = l
		}
	}
	if row == "" || strings.Count(row, " | ") != 4 || strings.Contains(md, "\x1b") {
		t.Errorf("row broken: %q", row)
	}
	data, err := r.JSON()
	if err != nil || !json.Valid(data) {
		t.Fatalf("JSON: %v", err)
	}
	for _, out := range []string{md, string(data)} {
		if strings.Contains(out, key) || strings.Contains(out, "payload.sig") {
			t.Errorf("a secret got through:\n%s", out)
		}
	}
	if r.ConsumerKey != "…abcd" || lastFour("abc") != "…" {
		t.Errorf("lastFour: %q", r.ConsumerKey)
	}
}

func TestIssuedAtForm(t *testing.T) {
	for raw, want := range map[string]string{
		`"2023-04-03T01:02:03.000Z"`: "an ISO-8601 string",
		`1680483723`:                 "a number (seconds since 1970)",
		`"yesterday"`:                "a string that is not ISO-8601",
		``:                           "absent",
	} {
		if got := issuedAtForm(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}
