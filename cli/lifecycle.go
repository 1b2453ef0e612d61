package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// runLifecycle runs check, rename, remove, forget and export.
func runLifecycle(ctx context.Context, cmd string, args []string, st Streams) int {
	fs := newFlagSet(cmd, st)
	asJSON := fs.Bool("json", false, "print JSON")
	caFile := fs.String("ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this `DURATION`")
	var newName, out *string
	var yes *bool
	var apiKey, apiKeyFile string
	if cmd == "check" || cmd == "rename" || cmd == "remove" {
		// For registrations saved before the consumer key was kept with
		// them: given once, it is kept (the ATO's gateway needs it).
		fs.StringVar(&apiKeyFile, "api-key-file", "", "a `FILE` holding the consumer (API) key, for a registration saved without it")
		fs.StringVar(&apiKey, "api-key", "", "the consumer (API) `KEY`, for a registration saved without it (visible to other users: prefer --api-key-file)")
	}
	var no notOfferedFlags
	no.register(fs, cmd)
	switch cmd {
	case "rename":
		newName = fs.String("name", "", "the new `NAME`")
	case "remove", "forget":
		yes = fs.Bool("yes", false, "do not ask for confirmation")
	case "export":
		out = fs.String("out", "", "the JSON `FILE` to write (a new or plain file; - for standard output); it will hold a secret")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if err := checkTimeout(*timeout); err != nil {
		return fail(st, *asJSON, err)
	}
	if len(pos) != 1 {
		return fail(st, *asJSON, inputError{fmt.Errorf("give one client id: dcrwizard %s CLIENT_ID (see dcrwizard list)", cmd)})
	}
	clientID := pos[0]
	r, err := registrar.New(registrar.Options{CAFile: *caFile, OnHold: noteHold, Store: st.store()})
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := no.apply(r); err != nil {
		return fail(st, *asJSON, err)
	}
	rec, vals, err := r.Store.Get(ctx, clientID)
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	key, err := readConsumerKey(ctx, st, apiKeyFile, apiKey)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	if !key.IsZero() {
		if !key.Same(vals.ConsumerKey) {
			if err := r.ProvideConsumerKey(ctx, clientID, key); err != nil {
				return fail(st, *asJSON, inputError{err})
			}
		}
	}

	switch cmd {
	case "check":
		res, err := r.Check(ctx, clientID)
		if code, ok := no.handle(ctx, st, *asJSON, r, cmd, rec, err); ok {
			return code
		}
		if err != nil {
			return lifecycleFail(st, *asJSON, err)
		}
		if *asJSON {
			return printJSON(st, struct {
				recordJSON
				Rotated bool           `json:"token_rotated"`
				ATO     map[string]any `json:"ato_metadata"`
			}{toJSON(res.Record), res.Rotated, publicMetadata(res.Metadata)})
		}
		outf(st.Stdout, "The ATO knows %q (%s, client id %s).\n", res.Record.Name, res.Record.Environment, clientID)
		for _, line := range metadataLines(res.Metadata) {
			outf(st.Stdout, "  %s\n", line)
		}
		if res.Rotated {
			fmt.Fprintln(st.Stdout, "The ATO issued a new registration access token; it is stored.")
		}
	case "rename":
		updated, err := r.Rename(ctx, clientID, *newName)
		if code, ok := no.handle(ctx, st, *asJSON, r, cmd, rec, err); ok {
			return code
		}
		if err != nil {
			return lifecycleFail(st, *asJSON, err)
		}
		if *asJSON {
			return printJSON(st, toJSON(updated))
		}
		outf(st.Stdout, "Renamed %q to %q at the ATO and on this computer.\n", rec.Name, updated.Name)
	case "remove", "forget":
		if !*yes && !confirm(st, cmd, rec) {
			return fail(st, *asJSON, inputError{errors.New("not confirmed: nothing was removed (add --yes to skip the question)")})
		}
		if cmd == "forget" {
			err = r.Forget(ctx, clientID)
		} else {
			err = r.Remove(ctx, clientID)
		}
		if code, ok := no.handle(ctx, st, *asJSON, r, cmd, rec, err); ok && cmd == "remove" {
			return code
		}
		if errors.Is(err, registrar.ErrRemovalNotAllowed) {
			outf(st.Stderr, "The ATO does not allow removing %q from here, so it still exists there and this computer keeps it.\n"+
				"To stop using it on this computer only, run: dcrwizard forget %s\n", rec.Name, clientID)
			return ExitRefused
		}
		if err != nil {
			return lifecycleFail(st, *asJSON, err)
		}
		where := "at the ATO and on this computer"
		if cmd == "forget" {
			where = "from this computer (the ATO still holds it)"
		}
		if *asJSON {
			return printJSON(st, map[string]any{"client_id": clientID, "removed": where})
		}
		outf(st.Stdout, "Removed %q %s.\n", rec.Name, where)
	case "export":
		if *out == "" {
			return fail(st, *asJSON, inputError{errors.New("choose the file to write with --out FILE (or --out - for standard output)")})
		}
		if *out == "-" {
			if err := r.ExportTo(ctx, clientID, st.Stdout); err != nil {
				return fail(st, *asJSON, inputError{err})
			}
			return ExitOK
		}
		if err := r.Export(ctx, clientID, *out); err != nil {
			return fail(st, *asJSON, inputError{err})
		}
		outf(st.Stderr, "Wrote %s. It holds a secret (the registration access token): keep it where only you can read it, and delete it once your software has the values.\n", *out)
	}
	return ExitOK
}

// lifecycleFail reports a lifecycle failure. A rotated token that could not
// be stored is printed: the old one may no longer work.
func lifecycleFail(st Streams, asJSON bool, err error) int {
	if errors.Is(err, registrar.ErrNoConsumerKey) {
		err = inputError{fmt.Errorf("%w. Command line: add --api-key-file FILE (or set DCRWIZARD_API_KEY) once", err)}
	}
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		restore := "dcrwizard restore " + ns.Values.ClientID
		if asJSON {
			printJSON(st, map[string]any{"client_id": ns.Values.ClientID, "registration_access_token": ns.Values.RegistrationAccessToken,
				"stored": false, "warning": guidance.Text(ns), "restore": restore})
		} else {
			outf(st.Stderr, "WARNING: the ATO issued a new registration access token that could not be stored: %v\nKeep it now: "+
				"the one in the keychain no longer works. Once the keychain works again, hand it back with\n  %s\n"+
				"which asks for it (or reads it from standard input), checks it with the ATO and stores it.\n", ns, restore)
			outf(st.Stdout, "Registration access token: %s\n", ns.Values.RegistrationAccessToken)
		}
		return ExitNotStored
	}
	return fail(st, asJSON, err)
}

// confirm asks for the instance name on a terminal.
func confirm(st Streams, cmd string, rec credstore.Record) bool {
	if !st.StdinIsTerminal {
		return false
	}
	what := "remove it at the ATO and on this computer"
	if cmd == "forget" {
		what = "remove it from this computer only"
	}
	outf(st.Stderr, "This will %s: %q (%s, %s).\nType the name to confirm: ", what, rec.Name, rec.Environment, rec.ClientID)
	line, _ := bufio.NewReader(st.Stdin).ReadString('\n')
	return strings.TrimSpace(line) == rec.Name
}

// publicMetadata hides the API key the ATO echoes back.
func publicMetadata(md map[string]any) map[string]any {
	out := make(map[string]any, len(md))
	for k, v := range md {
		if k == "ato_api_key" || k == "registration_access_token" {
			continue
		}
		out[k] = v
	}
	return out
}
