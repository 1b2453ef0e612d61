// Package cli is DCR Wizard without a window: the subcommands support staff
// and scripts use. It calls the same registrar, flow, credstore and atosim
// code as the wizard; nothing here is a second copy of that logic.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/notices"
	"dcrwizard/internal/safetext"
)

// Version is stamped at release time with -ldflags "-X dcrwizard/cli.Version=…".
var Version = "0.1.0-dev"

// Exit codes, documented in usage and README.
const (
	ExitOK        = 0 // done
	ExitBadInput  = 1 // bad input, or refused before anything was sent to the ATO
	ExitUsage     = 2 // no or unknown subcommand (a bad flag of a known one is ExitBadInput)
	ExitRefused   = 3 // the ATO refused or could not be reached: nothing registered
	ExitNotStored = 4 // registered, but not stored in the keychain: values on stdout
	ExitUnknown   = 5 // connection lost after the registration was sent: check before retrying
)

// Streams is where a command reads and writes; tests and main fill it.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// StdinIsTerminal and StderrIsTerminal decide prompting and progress lines.
	StdinIsTerminal  bool
	StderrIsTerminal bool
	// ReadPassword shows prompt and reads a line without echo from the terminal.
	ReadPassword func(prompt string) ([]byte, error)
	// NewStore opens the registration store; nil means credstore.New("").
	NewStore func() *credstore.Store
}

// Main runs the command line with the process's standard streams.
//
// The first Ctrl-C or SIGTERM cancels ctx: every wait (password prompt,
// --password-stdin, a password file or keystore that is a pipe, the ATO)
// ends, the terminal is restored, and the exit code is 130 (143 for TERM)
// unless the outcome is one a script must see (registered, stored or not;
// unknown). A second signal ends the process at once.
func Main(args []string) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		first := <-sigs
		cancel(&signalError{first})
		if holding.Load() > 0 {
			fmt.Fprintln(os.Stderr, holdNote)
		}
		second := <-sigs
		restoreTerminal()
		os.Exit(signalExit(second))
	}()
	stdinFD, stderrFD := int(os.Stdin.Fd()), int(os.Stderr.Fd())
	code := Run(ctx, args, Streams{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StdinIsTerminal:  term.IsTerminal(stdinFD),
		StderrIsTerminal: term.IsTerminal(stderrFD),
		ReadPassword: func(prompt string) ([]byte, error) {
			return promptPassword(ctx, stdinFD, prompt, os.Stderr)
		},
	})
	restoreTerminal()
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		switch code {
		case ExitOK, ExitNotStored, ExitUnknown, ExitNotUsable:
			// The outcome at the ATO is what a script must see (7: made
			// and stored, only the test sign-in was stopped).
		default:
			code = signalExit(se.sig)
		}
	}
	return code
}

// holding counts RFC 7592 requests under way that a signal does not
// abandon (flow.Client.OnHold): their answers may carry a new registration
// access token, which is kept before the command stops.
var holding atomic.Int32

// noteHold is the flow.Client.OnHold of the commands that manage a
// registration.
func noteHold(_ flow.Step, held bool) {
	if held {
		holding.Add(1)
	} else {
		holding.Add(-1)
	}
}

var holdNote = fmt.Sprintf("Stopping once the ATO has answered the request already sent (at most %s): "+
	"its answer may carry a new registration access token, which is kept first. "+
	"Press Ctrl-C again to stop at once, but that token would then be lost.", flow.DefaultStepTimeout)

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "stopped by " + e.sig.String() }

// signalExit is the shell's code for a process ended by sig: 128 + number.
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// errInterrupted ends a wait that a signal (or the caller) stopped.
var errInterrupted = errors.New("stopped before it was given (Ctrl-C or a signal): nothing was sent to the ATO")

// waitFor runs f on its own goroutine and returns its result, or
// errInterrupted as soon as ctx ends: a read from a terminal, pipe or FIFO
// cannot be interrupted otherwise. The abandoned read ends with the process.
func waitFor[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, errInterrupted
	}
}

const usage = `DCR Wizard registers this software with the ATO (OAuth Dynamic Client Registration).

Usage:
  dcrwizard                      open the wizard
  dcrwizard inspect  --keystore FILE [--key FILE] [--credential ID] [--json]
  dcrwizard register --keystore FILE [--key FILE] [--credential ID]
                     --env sandbox|production|practice|custom --api-key-file FILE --name NAME
                     [--token-url URL --registration-url URL --registration-client-id ID --scope S]
                     [--ca-file PEM] [--timeout 60s] [--setup FILE] [--verify] [--json]
  dcrwizard --setup FILE         open the wizard with a software vendor's setup file
  dcrwizard setup-check [FILE] [--json]     check a setup file; show what the wizard will show
  dcrwizard setup-new   [--out FILE]        write a setup file template (for software vendors)
  dcrwizard list     [--expiring 180d] [--keystore FILE] [--json]
  dcrwizard show     CLIENT_ID [--reveal] [--json]
  dcrwizard check    CLIENT_ID [--keystore FILE] [--ca-file PEM] [--json]
                                                           ask the ATO what it holds (or sign in as it)
  dcrwizard rename   CLIENT_ID --name NEW [--here-only] [--ca-file PEM] [--json]
  dcrwizard remove   CLIENT_ID [--yes] [--ca-file PEM]     remove at the ATO, then here
  dcrwizard verify   CLIENT_ID --keystore FILE [--credential ID] [--json]
                                                           prove it works: sign in as it
  dcrwizard token    CLIENT_ID --keystore FILE --scope S   print an access token (a secret!)
  dcrwizard renew    CLIENT_ID --keystore FILE [--credential ID] [--other-abn]
                     [--register-again [--api-key KEY]] [--json]
                                                           use a renewed credential (same client id)
  dcrwizard restore  CLIENT_ID [--api-key-file FILE] [--json] < TOKEN
                                                           hand back a registration access token
                                                           printed when the keychain refused it
                                                           (asked without echo at a terminal)
  dcrwizard recover  [--json]                              list again the registrations the keychain
                                                           holds after the settings folder was lost
  dcrwizard forget   CLIENT_ID [--yes]                     remove from this computer only
  dcrwizard export   CLIENT_ID --out FILE|-                write the three values as JSON (a secret!)
  dcrwizard pending  [--clear ID] [--json]                 registrations that did not finish
  dcrwizard simulate [--listen 127.0.0.1:PORT] [--allow-remote] [--no-lifecycle] --out DIR
  dcrwizard conformance --keystore FILE [--credential ID] --env sandbox|custom
                     [--token-url URL --registration-url URL --registration-client-id ID --scope S]
                     --api-key-file FILE --report FILE.md [--verify-scope S]... [--json]
                                                           for software vendors: what the ATO offers
  dcrwizard version
  dcrwizard licences                                       the licences of the software built into it

The keystore password is read from --password-file FILE, --password-stdin, or the
DCRWIZARD_PASSWORD environment variable; with none of them, from the terminal without echo.
It is never a flag value.

The consumer (API) key comes from --api-key-file FILE (its first line) or the
DCRWIZARD_API_KEY environment variable, which other users of the computer cannot see;
--api-key KEY also works, but shows the key to anyone listing processes.

--setup FILE takes the environment, consumer key, name and support contact from the
software vendor's setup file (docs/SETUP-FILE.md); flags given as well win.

--env practice runs against the built-in ATO simulator; without --keystore it uses the
simulator's demo credential and API key.

Exit codes:
  0  done
  1  bad input, or refused before anything was sent to the ATO
     (expired credential, wrong password, bad flags)
  2  no command, or an unknown one
  3  not registered (or, for check/rename/remove, not changed): the ATO refused,
     or could not be reached (verify, token: the sign-in as the registration was
     refused or could not be made; the registration itself still exists)
  4  registered but NOT stored in the keychain: the values are printed on stdout; keep them
     (check/rename/renew: the ATO issued a new registration access token that could not be
     stored; once the keychain works, hand it back with dcrwizard restore CLIENT_ID)
  5  outcome unknown: the connection was lost after the registration was sent;
     check before trying again (check/rename/renew/remove: a request was sent and
     its answer, which may carry a new registration access token, never came:
     run dcrwizard check CLIENT_ID)
  6  list --expiring: a registration's credential ends within the window
  7  register --verify, renew: registered (or updated) and stored, but the test
     sign-in failed (the registration exists; the message says why)
  8  conformance: a check DCR Wizard depends on did not hold (see the report)
`

// Run dispatches one subcommand.
func Run(ctx context.Context, args []string, st Streams) int {
	if st.Getenv == nil {
		st.Getenv = func(string) string { return "" }
	}
	// Text from outside (server answers, keystores, index.json) passes
	// through what is printed: no control or direction character reaches
	// the terminal as itself; JSON stays valid and escapes them.
	if st.Stdout != nil {
		st.Stdout = safetext.Writer(st.Stdout)
	}
	if st.Stderr != nil {
		st.Stderr = safetext.Writer(st.Stderr)
	}
	if len(args) == 0 {
		fmt.Fprint(st.Stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "inspect":
		return runInspect(ctx, rest, st)
	case "register":
		return runRegister(ctx, rest, st)
	case "list":
		return runList(ctx, rest, st)
	case "show":
		return runShow(ctx, rest, st)
	case "pending":
		return runPending(ctx, rest, st)
	case "check":
		return runCheck(ctx, rest, st)
	case "rename":
		return runRename(ctx, rest, st)
	case "remove":
		return runRemove(ctx, rest, st)
	case "forget":
		return runForget(ctx, rest, st)
	case "export":
		return runExport(ctx, rest, st)
	case "verify":
		return runVerify(ctx, rest, st)
	case "token":
		return runToken(ctx, rest, st)
	case "renew":
		return runRenew(ctx, rest, st)
	case "restore":
		return runRestore(ctx, rest, st)
	case "recover":
		return runRecover(ctx, rest, st)
	case "simulate":
		return runSimulate(ctx, rest, st)
	case "setup-check":
		return runSetupCheck(ctx, rest, st)
	case "setup-new":
		return runSetupNew(ctx, rest, st)
	case "conformance":
		return runConformance(ctx, rest, st)
	case "version", "--version", "-version":
		fmt.Fprintf(st.Stdout, "dcrwizard %s\n", Version)
		return ExitOK
	case "licences", "licenses":
		fmt.Fprint(st.Stdout, notices.Text)
		return ExitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(st.Stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(st.Stderr, "Unknown command %q.\n\n%s", cmd, usage)
		return ExitUsage
	}
}

// parse parses flags that may come before or after positional arguments
// ("show ID --reveal" as well as "show --reveal ID").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, st Streams) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(st.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(st.Stderr, "Usage of dcrwizard %s:\n", name)
		fs.PrintDefaults()
	}
	return fs
}

// flagExit maps a flag parsing error to an exit code.
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitBadInput
}

// passwordSource is the set of password flags shared by commands that open a keystore.
type passwordSource struct {
	file  string
	stdin bool
	// encoding is what read found in the password file when it was not
	// plain ASCII/UTF-8 (decodePasswordFile), for the wrong-password message.
	encoding string
}

func (p *passwordSource) register(fs *flag.FlagSet) {
	fs.StringVar(&p.file, "password-file", "", "read the keystore password from the first line of `FILE`")
	fs.BoolVar(&p.stdin, "password-stdin", false, "read the keystore password from the first line of standard input")
}

var errNoPassword = errors.New("the keystore password was not given: use --password-file FILE, --password-stdin, or the DCRWIZARD_PASSWORD environment variable")

// read returns the password and whether one was given at all. Every wait
// ends when ctx does.
func (p *passwordSource) read(ctx context.Context, st Streams) (string, bool, error) {
	firstLine := func(b []byte) string {
		s, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(s, "\r")
	}
	switch {
	case p.file != "" && p.stdin:
		return "", false, errors.New("use only one of --password-file and --password-stdin")
	case p.file != "":
		b, err := waitFor(ctx, func() ([]byte, error) { return readCapped(p.file, maxPasswordBytes) })
		if err != nil {
			return "", false, fmt.Errorf("could not read the password file: %w", err)
		}
		pw, encoding, err := decodePasswordFile(b)
		if err != nil {
			return "", false, err
		}
		p.encoding = encoding
		return pw, true, nil
	case p.stdin:
		b, err := waitFor(ctx, func() ([]byte, error) { return readAllCapped(st.Stdin, 4096) })
		if err != nil {
			return "", false, fmt.Errorf("could not read the password from standard input: %w", err)
		}
		return firstLine(b), true, nil
	}
	if v := st.Getenv("DCRWIZARD_PASSWORD"); v != "" {
		return v, true, nil
	}
	if st.StdinIsTerminal && st.ReadPassword != nil {
		// ReadPassword ends its own wait with ctx (Main's) and restores
		// the terminal before it returns.
		b, err := st.ReadPassword("Keystore password: ")
		if err != nil {
			return "", false, fmt.Errorf("could not read the password: %w", err)
		}
		return string(b), true, nil
	}
	return "", false, nil
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllCapped(f, limit)
}

func readAllCapped(r io.Reader, limit int64) ([]byte, error) {
	if r == nil {
		return nil, errors.New("no input")
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return b, nil
}

func (st Streams) store() *credstore.Store {
	if st.NewStore != nil {
		return st.NewStore()
	}
	return credstore.New("")
}
