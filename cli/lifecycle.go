package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/registrar"
)

// regFlags are the flags of every command on one stored registration that
// may call the ATO: check, rename, remove, forget, export and restore.
type regFlags struct {
	out     outputFlag
	caFile  string
	timeout time.Duration
}

func (f *regFlags) register(fs *flag.FlagSet) {
	f.out.register(fs)
	fs.StringVar(&f.caFile, "ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "give up after this `DURATION`")
}

// start parses args — the flags and one client id (usage says how to give
// it) — and runs do with the reporter --json chose.
func (f *regFlags) start(fs *flag.FlagSet, args []string, st Streams, usage string, do func(rep reporter, clientID string) int) int {
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := f.out.reporter(st)
	if err := checkTimeout(f.timeout); err != nil {
		return rep.fail(err)
	}
	if len(pos) != 1 {
		return rep.fail(inputError{errors.New("give one client id: " + usage)})
	}
	return do(rep, pos[0])
}

// registerForStored registers the consumer key flags for a registration
// saved before the key was kept with it: given once, it is kept (the ATO's
// gateway needs it).
func (a *apiKeyFlags) registerForStored(fs *flag.FlagSet) {
	a.register(fs, "a `FILE` holding the consumer (API) key, for a registration saved without it",
		"the consumer (API) `KEY`, for a registration saved without it (visible to other users: prefer --api-key-file)")
}

// lifecycle is what check, rename, remove, forget and export share: their
// flags, and the registration opened with a registrar for it.
type lifecycle struct {
	regFlags
	key apiKeyFlags
	no  notOfferedFlags
}

// call is a lifecycle command's registration, ready for its step.
type call struct {
	rep      reporter
	r        *registrar.Registrar
	rec      credstore.Record
	clientID string // as given
}

// flags makes cmd's flag set with the flags every lifecycle command has;
// atATO (check, rename, remove: the commands that call the ATO) adds the
// consumer key and the setup file saying what the ATO offers.
func (c *lifecycle) flags(cmd string, st Streams, atATO bool) *flag.FlagSet {
	fs := newFlagSet(cmd, st)
	c.regFlags.register(fs)
	if atATO {
		c.key.registerForStored(fs)
		fs.StringVar(&c.no.setup, "setup", "", "the software vendor's setup `FILE`, for what it says the ATO offers (default: dcrwizard-setup.json beside the program)")
	}
	return fs
}

// run parses args, opens the registration and runs do under --timeout.
func (c *lifecycle) run(ctx context.Context, fs *flag.FlagSet, args []string, st Streams, do func(context.Context, call) int) int {
	return c.start(fs, args, st, "dcrwizard "+fs.Name()+" CLIENT_ID (see dcrwizard list)", func(rep reporter, clientID string) int {
		r, err := registrar.New(registrar.Options{CAFile: c.caFile, OnHold: noteHold, Store: st.store()})
		if err != nil {
			return rep.fail(inputError{err})
		}
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		rec, err := c.open(ctx, st, r, clientID)
		if err != nil {
			return rep.fail(err)
		}
		return do(ctx, call{rep, r, rec, clientID})
	})
}

// open reads the registration, after what the setup file says the ATO
// offers, and keeps a consumer key given for it.
func (c *lifecycle) open(ctx context.Context, st Streams, r *registrar.Registrar, clientID string) (credstore.Record, error) {
	if err := c.no.apply(r); err != nil {
		return credstore.Record{}, err
	}
	rec, vals, err := r.Store.Get(ctx, clientID)
	if err != nil {
		return rec, inputError{err}
	}
	key, err := c.key.read(ctx, st)
	if err != nil {
		return rec, err
	}
	if !key.IsZero() && !key.Same(vals.ConsumerKey) {
		if err := r.ProvideConsumerKey(ctx, clientID, key); err != nil {
			return rec, inputError{err}
		}
	}
	return rec, nil
}

// checkJSON is what check shows: the registration as the ATO holds it.
type checkJSON struct {
	recordJSON
	Rotated  bool           `json:"token_rotated"`
	ATO      map[string]any `json:"ato_metadata"`
	clientID string
}

// runCheck is `dcrwizard check CLIENT_ID`: ask the ATO what it holds (or,
// where it does not offer that, sign in as the registration).
func runCheck(ctx context.Context, args []string, st Streams) int {
	var c lifecycle
	fs := c.flags("check", st, true)
	c.no.k.register(fs)
	c.no.v.register(fs, false)
	return c.run(ctx, fs, args, st, func(ctx context.Context, cl call) int {
		res, err := cl.r.Check(ctx, cl.clientID)
		if out, ok := notOfferedOf(cl.rec, err); ok {
			return c.no.check(ctx, st, cl, out)
		}
		if err != nil {
			return lifecycleFail(cl.rep, err)
		}
		return cl.rep.show(checkJSON{toJSON(res.Record), res.Rotated, publicMetadata(res.Metadata), cl.clientID}, ExitOK)
	})
}

func (out checkJSON) text(st Streams) {
	outf(st.Stdout, "The ATO knows %q (%s, client id %s).\n", out.Name, out.Environment, out.clientID)
	for _, line := range metadataLines(out.ATO) {
		outf(st.Stdout, "  %s\n", line)
	}
	if out.Rotated {
		fmt.Fprintln(st.Stdout, "The ATO issued a new registration access token; it is stored.")
	}
}

// renamedJSON is what rename shows: the registration under its new name.
type renamedJSON struct {
	recordJSON
	from string
}

// runRename is `dcrwizard rename CLIENT_ID --name NEW`: at the ATO and here
// (or, where the ATO does not offer it and the user agrees, here only).
func runRename(ctx context.Context, args []string, st Streams) int {
	var c lifecycle
	fs := c.flags("rename", st, true)
	newName := fs.String("name", "", "the new `NAME`")
	fs.BoolVar(&c.no.hereOnly, "here-only", false, "if the ATO does not offer renaming, change the name on this computer only (the ATO keeps the old one)")
	return c.run(ctx, fs, args, st, func(ctx context.Context, cl call) int {
		updated, err := cl.r.Rename(ctx, cl.clientID, *newName)
		if out, ok := notOfferedOf(cl.rec, err); ok {
			return c.no.rename(ctx, st, cl, out, err)
		}
		if err != nil {
			return lifecycleFail(cl.rep, err)
		}
		return cl.rep.show(renamedJSON{toJSON(updated), cl.rec.Name}, ExitOK)
	})
}

func (out renamedJSON) text(st Streams) {
	outf(st.Stdout, "Renamed %q to %q at the ATO and on this computer.\n", out.from, out.Name)
}

// removedJSON is what remove and forget show.
type removedJSON struct {
	ClientID string `json:"client_id"`
	Removed  string `json:"removed"` // where from
	name     string
}

func (out removedJSON) text(st Streams) {
	outf(st.Stdout, "Removed %q %s.\n", out.name, out.Removed)
}

var errNotConfirmed = inputError{errors.New("not confirmed: nothing was removed (add --yes to skip the question)")}

// runRemove is `dcrwizard remove CLIENT_ID`: at the ATO, then here.
func runRemove(ctx context.Context, args []string, st Streams) int {
	return removal(ctx, args, st, "remove", func(ctx context.Context, cl call) int {
		err := cl.r.Remove(ctx, cl.clientID)
		if out, ok := notOfferedOf(cl.rec, err); ok {
			out.Action = "This computer keeps its values. Leave the registration in place (an unused registration does no harm) or have it removed by other means; to stop listing it on this computer only, run: dcrwizard forget " + cl.rec.ClientID
			return cl.rep.show(out, ExitRefused)
		}
		if errors.Is(err, registrar.ErrRemovalNotAllowed) {
			// Words on stderr, with --json too.
			outf(st.Stderr, "The ATO does not allow removing %q from here, so it still exists there and this computer keeps it.\n"+
				"To stop using it on this computer only, run: dcrwizard forget %s\n", cl.rec.Name, cl.clientID)
			return ExitRefused
		}
		if err != nil {
			return lifecycleFail(cl.rep, err)
		}
		return cl.rep.show(removedJSON{cl.clientID, "at the ATO and on this computer", cl.rec.Name}, ExitOK)
	})
}

// runForget is `dcrwizard forget CLIENT_ID`: from this computer only.
func runForget(ctx context.Context, args []string, st Streams) int {
	return removal(ctx, args, st, "forget", func(ctx context.Context, cl call) int {
		if err := cl.r.Forget(ctx, cl.clientID); err != nil {
			return lifecycleFail(cl.rep, err)
		}
		return cl.rep.show(removedJSON{cl.clientID, "from this computer (the ATO still holds it)", cl.rec.Name}, ExitOK)
	})
}

// removal runs remove or forget (cmd) once confirmed: by --yes, or by the
// name typed at the prompt.
func removal(ctx context.Context, args []string, st Streams, cmd string, remove func(context.Context, call) int) int {
	var c lifecycle
	fs := c.flags(cmd, st, cmd == "remove")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	return c.run(ctx, fs, args, st, func(ctx context.Context, cl call) int {
		if !*yes && !confirm(st, cmd, cl.rec) {
			return cl.rep.fail(errNotConfirmed)
		}
		return remove(ctx, cl)
	})
}

// runExport is `dcrwizard export CLIENT_ID --out FILE|-`: the three values
// as JSON. The file (or stdout) is the result; with a file, a line on
// stderr says where, with --json too.
func runExport(ctx context.Context, args []string, st Streams) int {
	var c lifecycle
	fs := c.flags("export", st, false)
	out := fs.String("out", "", "the JSON `FILE` to write (a new or plain file; - for standard output); it will hold a secret")
	return c.run(ctx, fs, args, st, func(ctx context.Context, cl call) int {
		var err error
		switch *out {
		case "":
			err = errors.New("choose the file to write with --out FILE (or --out - for standard output)")
		case "-":
			err = cl.r.ExportTo(ctx, cl.clientID, st.Stdout)
		default:
			if err = cl.r.Export(ctx, cl.clientID, *out); err == nil {
				outf(st.Stderr, "Wrote %s. It holds a secret (the registration access token): keep it where only you can read it, and delete it once your software has the values.\n", *out)
			}
		}
		if err != nil {
			return cl.rep.fail(inputError{err})
		}
		return ExitOK
	})
}

// lifecycleFail shows a lifecycle failure. A rotated token that could not
// be stored is shown: the old one may no longer work.
func lifecycleFail(rep reporter, err error) int {
	if errors.Is(err, registrar.ErrNoConsumerKey) {
		err = inputError{fmt.Errorf("%w. Command line: add --api-key-file FILE (or set DCRWIZARD_API_KEY) once", err)}
	}
	var ns *credstore.NotStoredError
	if errors.As(err, &ns) {
		return rep.show(tokenNotStoredJSON{ClientID: ns.Values.ClientID, RegistrationAccessToken: ns.Values.RegistrationAccessToken,
			Restore: "dcrwizard restore " + ns.Values.ClientID, Warning: guidance.Text(ns)}, ExitNotStored)
	}
	return rep.fail(err)
}

// tokenNotStoredJSON is a new registration access token the keychain
// refused: shown, to be handed back with restore.
type tokenNotStoredJSON struct {
	ClientID                string `json:"client_id"`
	RegistrationAccessToken string `json:"registration_access_token"`
	Restore                 string `json:"restore"`
	Stored                  bool   `json:"stored"`
	Warning                 string `json:"warning"`
}

func (out tokenNotStoredJSON) text(st Streams) {
	outf(st.Stderr, "WARNING: the ATO issued a new registration access token that could not be stored: %v\nKeep it now: "+
		"the one in the keychain no longer works. Once the keychain works again, hand it back with\n  %s\n"+
		"which asks for it (or reads it from standard input), checks it with the ATO and stores it.\n", out.Warning, out.Restore)
	outf(st.Stdout, "Registration access token: %s\n", out.RegistrationAccessToken)
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

// publicMetadata is the ATO's metadata without the secrets it may echo back
// (secretMetadata, at any depth): what check --json prints, as check's text
// leaves them out.
func publicMetadata(md map[string]any) map[string]any {
	out := make(map[string]any, len(md))
	for k, v := range md {
		if secretMetadata[k] {
			continue
		}
		out[k] = publicValue(v)
	}
	return out
}

func publicValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return publicMetadata(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = publicValue(e)
		}
		return out
	}
	return v
}
