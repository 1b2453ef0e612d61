package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// runRestore is `dcrwizard restore CLIENT_ID`: a registration access token
// DCR Wizard printed because the keychain would not keep it is handed back on
// standard input (a prompt without echo on a terminal; never a flag, which
// every user of the computer could read), checked with the ATO, and stored.
func runRestore(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("restore", st)
	asJSON := fs.Bool("json", false, "print JSON")
	caFile := fs.String("ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this `DURATION`")
	var apiKey, apiKeyFile string
	fs.StringVar(&apiKeyFile, "api-key-file", "", "a `FILE` holding the consumer (API) key, for a registration saved without it")
	fs.StringVar(&apiKey, "api-key", "", "the consumer (API) `KEY`, for a registration saved without it (visible to other users: prefer --api-key-file)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if err := checkTimeout(*timeout); err != nil {
		return fail(st, *asJSON, err)
	}
	if len(pos) != 1 {
		return fail(st, *asJSON, inputError{errors.New("give one client id: dcrwizard restore CLIENT_ID, with the token on standard input (see dcrwizard list and dcrwizard pending)")})
	}
	clientID := pos[0]
	key, err := readConsumerKey(ctx, st, apiKeyFile, apiKey)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	token, err := readToken(ctx, st)
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	store := st.store()
	r, err := registrar.New(registrar.Options{CAFile: *caFile, OnHold: noteHold, Store: store})
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := r.Restore(ctx, registrar.RestoreInput{ClientID: clientID, Token: token, ConsumerKey: key})
	var refused *registrar.TokenRefusedError
	switch {
	case errors.As(err, &refused):
		if *asJSON {
			var out errorJSON
			out.ExitCode, out.Error.Step, out.Error.Status = ExitRefused, string(flow.StepRead), 401
			out.Error.Message, out.Error.Action = guidance.Text(refused), refused.Action()
			printJSON(st, out)
			return ExitRefused
		}
		outf(st.Stderr, "Error: %s\n", refused)
		outf(st.Stderr, "What to do: %s\n", refused.Action())
		return ExitRefused
	case errors.Is(err, registrar.ErrNoConsumerKey):
		return fail(st, *asJSON, inputError{fmt.Errorf("%w. Command line: add --api-key-file FILE", err)})
	case errors.Is(err, registrar.ErrNotAToken):
		return fail(st, *asJSON, inputError{err})
	case err != nil:
		return lifecycleFail(st, *asJSON, err)
	}
	if *asJSON {
		return printJSON(st, map[string]any{"client_id": res.Record.ClientID, "name": res.Record.Name, "environment": res.Record.Environment,
			"stored": true, "token_rotated": res.Rotated, "listed_again": res.Listed})
	}
	outf(st.Stdout, "The ATO accepted the token for %q (%s, client id %s), and it is stored in %s.\n",
		res.Record.Name, res.Record.Environment, res.Record.ClientID, store.Where())
	if res.Rotated {
		fmt.Fprintln(st.Stdout, "The ATO issued a new registration access token as it was checked; that one is stored, and the one you gave no longer works.")
	}
	if res.Listed {
		fmt.Fprintln(st.Stdout, "The registration is listed on this computer again, and the note of its unfinished save is cleared.")
	}
	fmt.Fprintln(st.Stdout, "Delete any copy of the token you kept elsewhere: it is a secret.")
	return ExitOK
}

// readToken reads the token: at a terminal, from a prompt without echo;
// otherwise from standard input (the first line with something on it, or
// the registration_access_token of a JSON object, as check --json and
// export print it). Every wait ends with ctx.
func readToken(ctx context.Context, st Streams) (string, error) {
	if st.StdinIsTerminal && st.ReadPassword != nil {
		fmt.Fprintln(st.Stderr, "Paste the registration access token DCR Wizard printed (it is not shown as you paste), then press Enter.")
		b, err := st.ReadPassword("Registration access token: ")
		if err != nil {
			return "", fmt.Errorf("could not read the token: %w", err)
		}
		return string(b), nil
	}
	b, err := waitFor(ctx, func() ([]byte, error) { return readAllCapped(st.Stdin, 64<<10) })
	if err != nil {
		return "", fmt.Errorf("could not read the token from standard input: %w", err)
	}
	in := strings.TrimSpace(string(b))
	if strings.HasPrefix(in, "{") {
		var v struct {
			Token string `json:"registration_access_token"`
		}
		if json.Unmarshal([]byte(in), &v) == nil && v.Token != "" {
			return v.Token, nil
		}
	}
	for _, line := range strings.Split(in, "\n") {
		line = strings.TrimSpace(line)
		// "Registration access token: eyJ…", as check prints it.
		if _, after, ok := strings.Cut(line, "Registration access token:"); ok {
			line = strings.TrimSpace(after)
		}
		if line != "" {
			return line, nil
		}
	}
	return "", errors.New("no token on standard input: pipe it in, for example: dcrwizard restore CLIENT_ID < token.txt")
}
