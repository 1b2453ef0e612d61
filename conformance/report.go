package conformance

import (
	"encoding/json"
	"fmt"
	"strings"

	"dcrwizard/internal/safetext"
)

// JSON is the report as `--json` prints it: {"checks":[…],"ok":…} and the
// run's particulars. It holds no secret (Scrub has run over it).
func (r *Report) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return []byte(r.Scrub(string(data)) + "\n"), nil
}

// Markdown is the report for a person: what ran, where, and each check.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# DCR Wizard conformance report\n\n")
	fmt.Fprintf(&b, "- Program: DCR Wizard %s\n", cell(r.Version))
	fmt.Fprintf(&b, "- Date: %s\n", cell(r.Date))
	fmt.Fprintf(&b, "- Environment: %s (token endpoint %s; DCR endpoint %s)\n", cell(r.Environment), cell(r.TokenURL), cell(r.Registration))
	fmt.Fprintf(&b, "- Consumer (API) key: %s (its last 4 characters)\n", cell(r.ConsumerKey))
	cred := r.CredentialID
	if r.CredentialABN != "" {
		cred += ", ABN " + r.CredentialABN
	}
	fmt.Fprintf(&b, "- Credential: %s\n", cell(cred))
	for _, s := range r.VerifyScopes {
		label := s.Scope
		if label == "" {
			label = defaultScopeTag
		}
		fmt.Fprintf(&b, "- Verify scope %s: %s — %s\n", cell(label), map[bool]string{true: "worked", false: "did not work"}[s.Worked], cell(s.Saw))
	}
	if r.OK {
		b.WriteString("\n**Every check DCR Wizard depends on held.**\n\n")
	} else {
		b.WriteString("\n**A check DCR Wizard depends on did not hold** (see the rows marked failed).\n\n")
	}
	b.WriteString("| Check | Result | Saw | Expected | Fact |\n|---|---|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(c.ID), c.Result, cell(c.Saw), cell(c.Expected), cell(c.Fact))
	}
	b.WriteString("\n`not_offered`: the ATO answered 404, 405 or 501 to an RFC 7592 call; DCR Wizard then says so and offers what can be done instead. Facts: ato-facts.md sections.\n")
	b.WriteString("\n## Registrations this run made\n\n")
	if len(r.Registrations) == 0 {
		b.WriteString("None.\n")
	}
	var kept []Registration
	for _, g := range r.Registrations {
		switch {
		case g.Removed:
			fmt.Fprintf(&b, "- %s (“%s”): removed again.\n", cell(g.ClientID), cell(g.Name))
		default:
			kept = append(kept, g)
			where := "not in this computer's keychain"
			if g.Kept {
				where = "kept in this computer's keychain, marked as a conformance registration"
			}
			fmt.Fprintf(&b, "- %s (“%s”): **still registered at the ATO** (%s); %s.\n", cell(g.ClientID), cell(g.Name), cell(g.Why), where)
		}
	}
	if len(kept) > 0 {
		b.WriteString("\nThe ATO did not remove these from here: have them removed by other means (the ATO, with the client ids above), then run `dcrwizard forget CLIENT_ID` for each.\n")
	}
	b.WriteString("\nThis report holds no secret: no password, key, token or private key; the consumer key appears as its last 4 characters only.\n")
	return r.Scrub(b.String())
}

// cell is outside text made safe for one Markdown table cell: one line,
// control and direction characters escaped, no pipe.
func cell(s string) string {
	return strings.ReplaceAll(safetext.Line(s), "|", "\\|")
}

// Scrub replaces every secret the run saw (the consumer key, tokens,
// client assertions) wherever it occurs in s: the checks read only named
// public fields, and this is the net under them.
func (r *Report) Scrub(s string) string {
	for _, sec := range r.secrets {
		if sec = strings.TrimSpace(sec); len(sec) >= 8 {
			s = strings.ReplaceAll(s, sec, "[secret removed]")
		}
	}
	return s
}
