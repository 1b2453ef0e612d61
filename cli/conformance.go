package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"dcrwizard/conformance"
	"dcrwizard/flow"
)

// ExitConformance: `conformance` ran, and a check DCR Wizard depends on did
// not hold (the report says which).
const ExitConformance = 8

// scopeList is a repeatable --verify-scope.
type scopeList []string

func (s *scopeList) String() string { return strings.Join(*s, ",") }
func (s *scopeList) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return errors.New("give a scope name")
	}
	*s = append(*s, v)
	return nil
}

// runConformance is `dcrwizard conformance`: for a software vendor's
// developer, once against the ATO sandbox or a custom environment with a
// test credential and the team app's key; writes a report to send back.
func runConformance(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("conformance", st)
	var k keystoreFlags
	var e endpointFlags
	k.register(fs)
	e.register(fs)
	apiKeyFile := fs.String("api-key-file", "", "read the team app's consumer (API) key from the first line of `FILE` (or set DCRWIZARD_API_KEY)")
	apiKey := fs.String("api-key", "", "the consumer (API) `KEY` on the command line (visible to other users: prefer --api-key-file)")
	report := fs.String("report", "", "write the report (Markdown, no secrets) to `FILE.md`")
	asJSON := fs.Bool("json", false, "print the checks as JSON")
	var scopes scopeList
	fs.Var(&scopes, "verify-scope", "also try this `SCOPE` for the sign-in test (repeatable; the default, no scope, is always tried)")
	heartbeat := fs.String("heartbeat-url", "", "the DSG Health Check heartbeat `URL` (custom environments)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this `DURATION` (the whole run)")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	if e.env != "sandbox" && e.env != "custom" {
		return fail(st, *asJSON, inputError{errors.New("choose --env sandbox or --env custom (with the endpoint flags): a conformance run registers and removes test instances, so never production")})
	}
	if *report == "" {
		return fail(st, *asJSON, inputError{errors.New("choose where to write the report with --report FILE.md")})
	}
	if fi, err := os.Lstat(*report); err == nil && !fi.Mode().IsRegular() {
		return fail(st, *asJSON, inputError{fmt.Errorf("--report %s is not a plain file: choose a new file name", *report)})
	}
	if err := checkTimeout(*timeout); err != nil {
		return fail(st, *asJSON, err)
	}
	key, err := readConsumerKey(ctx, st, *apiKeyFile, *apiKey)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	env, err := e.resolve(nil)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	if *heartbeat != "" {
		env.HeartbeatURL = *heartbeat
	}
	hc, err := flow.NewHTTPClient(e.caFile, 0)
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	store, err := k.load(ctx, st)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	cred, err := k.pick(store)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rn := conformance.Runner{HTTP: hc, Store: st.store()}
	if st.StderrIsTerminal && !*asJSON {
		rn.Progress = func(s string) { fmt.Fprintln(st.Stderr, "… "+s) }
	}
	rep, err := rn.Run(ctx, conformance.Input{Env: env, Credential: cred, ConsumerKey: key, VerifyScopes: scopes, Version: Version})
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	if err := os.WriteFile(*report, []byte(rep.Markdown()), 0o644); err != nil {
		fmt.Fprintf(st.Stderr, "Could not write the report %s: %v\n", *report, err)
		*asJSON = true // the findings must reach the user some way
	}
	code := ExitOK
	if !rep.OK {
		code = ExitConformance
	}
	if *asJSON {
		data, err := rep.JSON()
		if err != nil {
			return fail(st, false, err)
		}
		_, _ = st.Stdout.Write(data)
		return code
	}
	for _, c := range rep.Checks {
		outf(st.Stdout, "%-22s %-11s %s\n", c.ID, c.Result, c.Saw)
	}
	for _, g := range rep.Registrations {
		if !g.Removed {
			outf(st.Stdout, "Still registered at the ATO: %s (%q) — remove it by other means, then: dcrwizard forget %s\n", g.ClientID, g.Name, g.ClientID)
		}
	}
	if rep.OK {
		fmt.Fprintf(st.Stdout, "Every check DCR Wizard depends on held. Report: %s (no secrets: send it back).\n", *report)
	} else {
		fmt.Fprintf(st.Stdout, "A check DCR Wizard depends on did not hold. Report: %s (no secrets: send it back).\n", *report)
	}
	return code
}
