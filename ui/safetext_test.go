package ui

import (
	"regexp"
	"strings"
	"testing"

	"dcrwizard/flow"
)

// Issue 16 findings 4 and 9: text from the server or a file never reaches
// the support text or the ATO's rows with its control or direction
// characters, and support text is capped.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

func TestSupportTextAndATORowsAreEscaped(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07\rRegistered \u202eKO"
	fe := &flow.Error{Step: flow.StepRegister, Status: 400, Kind: flow.KindRefused, Code: "x\x1b[5m", Description: evil,
		Receipt: "63\u202e", Host: "ato.example", Body: evil + strings.Repeat("é", 3000)}
	s := supportSummary(supportInfo{Name: "PC", Credential: "ABRD:1\u202e", Err: fe})
	if rawControl.MatchString(s) {
		t.Errorf("support text holds a raw control or bidi character:\n%q", s)
	}
	if !strings.Contains(s, `\u202eKO`) || !strings.Contains(s, "…[cut]") || len(s) > 4000 {
		t.Errorf("support text (%d bytes) not escaped and capped:\n%s", len(s), s)
	}
	for _, row := range atoRows(map[string]any{"client_name": evil, "x\u202e": "\x1b[31m"}) {
		if rawControl.MatchString(row[0] + row[1]) {
			t.Errorf("ATO row %q", row)
		}
	}
}
