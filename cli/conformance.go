package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
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

// conformanceFlags are conformance's flags.
type conformanceFlags struct {
	madeWithFlags
	out       outputFlag
	report    string
	scopes    scopeList
	heartbeat string
	timeout   time.Duration
}

func (f *conformanceFlags) register(fs *flag.FlagSet) {
	f.madeWithFlags.register(fs, "read the team app's consumer (API) key from the first line of `FILE` (or set DCRWIZARD_API_KEY)",
		"the consumer (API) `KEY` on the command line (visible to other users: prefer --api-key-file)")
	fs.StringVar(&f.report, "report", "", "write the report (Markdown, no secrets) to `FILE.md`")
	fs.BoolVar(&f.out.json, "json", false, "print the checks as JSON")
	fs.Var(&f.scopes, "verify-scope", "also try this `SCOPE` for the sign-in test (repeatable; the default, no scope, is always tried)")
	fs.StringVar(&f.heartbeat, "heartbeat-url", "", "the DSG Health Check heartbeat `URL` (custom environments)")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after this `DURATION` (the whole run)")
}

// runConformance is `dcrwizard conformance`: for a software vendor's
// developer, once against the ATO sandbox or a custom environment with a
// test credential and the team app's key; writes a report to send back.
func runConformance(ctx context.Context, args []string, st Streams) int {
	var f conformanceFlags
	fs := newFlagSet("conformance", st)
	f.register(fs)
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	rep := f.out.reporter(st)
	if err := f.check(); err != nil {
		return rep.fail(err)
	}
	in, hc, err := f.input(ctx, st)
	if err != nil {
		return rep.fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	rn := conformance.Runner{HTTP: hc, Store: st.store()}
	if rep.watched() {
		rn.Progress = func(s string) { fmt.Fprintln(st.Stderr, "… "+s) }
	}
	res, err := rn.Run(ctx, in)
	if err != nil {
		return rep.fail(inputError{err})
	}
	if err := os.WriteFile(f.report, []byte(res.Markdown()), 0o644); err != nil {
		fmt.Fprintf(st.Stderr, "Could not write the report %s: %v\n", f.report, err)
		rep = jsonReporter{st} // the findings must reach the user some way
	}
	code := ExitOK
	if !res.OK {
		code = ExitConformance
	}
	return rep.show(conformanceJSON{res, f.report}, code)
}

// check refuses, before anything is read, a run that could not be made
// or would touch production.
func (f *conformanceFlags) check() error {
	if f.e.env != "sandbox" && f.e.env != "custom" {
		return inputError{errors.New("choose --env sandbox or --env custom (with the endpoint flags): a conformance run registers and removes test instances, so never production")}
	}
	if f.report == "" {
		return inputError{errors.New("choose where to write the report with --report FILE.md")}
	}
	if fi, err := os.Lstat(f.report); err == nil && !fi.Mode().IsRegular() {
		return inputError{fmt.Errorf("--report %s is not a plain file: choose a new file name", f.report)}
	}
	return checkTimeout(f.timeout)
}

// input gathers the run's input: the consumer key, the environment, and
// the credential from the keystore (its password asked for last).
func (f *conformanceFlags) input(ctx context.Context, st Streams) (conformance.Input, *http.Client, error) {
	key, err := f.key.read(ctx, st)
	if err != nil {
		return conformance.Input{}, nil, err
	}
	env, err := f.e.resolve(nil)
	if err != nil {
		return conformance.Input{}, nil, err
	}
	if f.heartbeat != "" {
		env.HeartbeatURL = f.heartbeat
	}
	hc, err := flow.NewHTTPClient(f.e.caFile, 0)
	if err != nil {
		return conformance.Input{}, nil, inputError{err}
	}
	cred, err := f.k.loadOne(ctx, st)
	if err != nil {
		return conformance.Input{}, nil, err
	}
	return conformance.Input{Env: env, Credential: cred, ConsumerKey: key, VerifyScopes: f.scopes, Version: Version}, hc, nil
}

// conformanceJSON is what conformance shows: the run's report (--json: its
// own JSON, scrubbed of the run's secrets); path is where its Markdown was
// written.
type conformanceJSON struct {
	rep  *conformance.Report
	path string
}

func (c conformanceJSON) rawJSON() ([]byte, error) { return c.rep.JSON() }

func (c conformanceJSON) text(st Streams) {
	for _, ch := range c.rep.Checks {
		outf(st.Stdout, "%-22s %-11s %s\n", ch.ID, ch.Result, ch.Saw)
	}
	for _, g := range c.rep.Registrations {
		if !g.Removed {
			outf(st.Stdout, "Still registered at the ATO: %s (%q) — remove it by other means, then: dcrwizard forget %s\n", g.ClientID, g.Name, g.ClientID)
		}
	}
	if c.rep.OK {
		fmt.Fprintf(st.Stdout, "Every check DCR Wizard depends on held. Report: %s (no secrets: send it back).\n", c.path)
	} else {
		fmt.Fprintf(st.Stdout, "A check DCR Wizard depends on did not hold. Report: %s (no secrets: send it back).\n", c.path)
	}
}
