package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"dcrwizard/flow"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// runRestore is `dcrwizard restore CLIENT_ID`: a registration access token
// DCR Wizard printed because the keychain would not keep it is handed back on
// standard input (a prompt without echo on a terminal; never a flag, which
// every user of the computer could read), checked with the ATO, and stored.
func runRestore(ctx context.Context, args []string, st Streams) int {
	var f regFlags
	var key apiKeyFlags
	fs := newFlagSet("restore", st)
	f.register(fs)
	key.registerForStored(fs)
	return f.start(fs, args, st, "dcrwizard restore CLIENT_ID, with the token on standard input (see dcrwizard list and dcrwizard pending)",
		func(rep reporter, clientID string) int { return restore(ctx, st, rep, f, key, clientID) })
}

// restore reads the consumer key (if given) and the token, and has the
// registrar check and store them.
func restore(ctx context.Context, st Streams, rep reporter, f regFlags, keyFlags apiKeyFlags, clientID string) int {
	key, err := keyFlags.read(ctx, st)
	if err != nil {
		return rep.fail(err)
	}
	token, err := readToken(ctx, st)
	if err != nil {
		return rep.fail(inputError{err})
	}
	store := st.store()
	r, err := registrar.New(registrar.Options{CAFile: f.caFile, OnHold: noteHold, Store: store})
	if err != nil {
		return rep.fail(inputError{err})
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	res, err := r.Restore(ctx, registrar.RestoreInput{ClientID: clientID, Token: token, ConsumerKey: key})
	var refused *registrar.TokenRefusedError
	switch {
	case errors.As(err, &refused):
		out := errorJSON{ExitCode: ExitRefused, err: refused}
		out.Error.Step, out.Error.Status = string(flow.StepRead), 401
		out.Error.Message, out.Error.Action = guidance.Text(refused), refused.Action()
		return rep.show(out, ExitRefused)
	case errors.Is(err, registrar.ErrNoConsumerKey):
		return rep.fail(inputError{fmt.Errorf("%w. Command line: add --api-key-file FILE", err)})
	case errors.Is(err, registrar.ErrNotAToken):
		return rep.fail(inputError{err})
	case err != nil:
		return lifecycleFail(rep, err)
	}
	return rep.show(restoredJSON{ClientID: res.Record.ClientID, Environment: res.Record.Environment, ListedAgain: res.Listed,
		Name: res.Record.Name, Stored: true, TokenRotated: res.Rotated, where: store.Where()}, ExitOK)
}

// restoredJSON is what restore shows: the token is stored again.
type restoredJSON struct {
	ClientID     string `json:"client_id"`
	Environment  string `json:"environment"`
	ListedAgain  bool   `json:"listed_again"`
	Name         string `json:"name"`
	Stored       bool   `json:"stored"`
	TokenRotated bool   `json:"token_rotated"`
	where        string
}

func (out restoredJSON) text(st Streams) {
	outf(st.Stdout, "The ATO accepted the token for %q (%s, client id %s), and it is stored in %s.\n",
		out.Name, out.Environment, out.ClientID, out.where)
	if out.TokenRotated {
		fmt.Fprintln(st.Stdout, "The ATO issued a new registration access token as it was checked; that one is stored, and the one you gave no longer works.")
	}
	if out.ListedAgain {
		fmt.Fprintln(st.Stdout, "The registration is listed on this computer again, and the note of its unfinished save is cleared.")
	}
	fmt.Fprintln(st.Stdout, "Delete any copy of the token you kept elsewhere: it is a secret.")
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
