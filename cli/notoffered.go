package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// What check, rename and remove do when the ATO does not offer the RFC 7592
// call (registrar.NotOfferedError): say what is true, never "removed" or
// "register again", and do what can be done here.

// notOfferedFlags are the fallbacks' flags: check proves the registration
// by a sign-in when given its credential; rename keeps the name here only
// when the user agrees (--here-only, or yes at the prompt).
type notOfferedFlags struct {
	k        keystoreFlags
	v        verifyFlags
	hereOnly bool
	setup    string
}

func (n *notOfferedFlags) register(fs *flag.FlagSet, cmd string) {
	if cmd == "check" || cmd == "rename" || cmd == "remove" {
		fs.StringVar(&n.setup, "setup", "", "the software vendor's setup `FILE`, for what it says the ATO offers (default: dcrwizard-setup.json beside the program)")
	}
	switch cmd {
	case "check":
		n.k.register(fs)
		n.v.register(fs, false)
	case "rename":
		fs.BoolVar(&n.hereOnly, "here-only", false, "if the ATO does not offer renaming, change the name on this computer only (the ATO keeps the old one)")
	}
}

// notOfferedJSON is what --json prints for an operation the ATO does not offer.
type notOfferedJSON struct {
	ClientID     string      `json:"client_id"`
	NotOffered   string      `json:"not_offered"`
	Message      string      `json:"message"`
	Action       string      `json:"action,omitempty"`
	Name         string      `json:"name,omitempty"`
	RenamedHere  bool        `json:"renamed_here,omitempty"`
	Verification *verifyJSON `json:"verification,omitempty"`
}

// handle deals with err when it is a NotOfferedError; ok is false otherwise.
func (n *notOfferedFlags) handle(ctx context.Context, st Streams, asJSON bool, r *registrar.Registrar, cmd string, rec credstore.Record, err error) (code int, ok bool) {
	op, ok := registrar.NotOffered(err)
	if !ok {
		return 0, false
	}
	out := notOfferedJSON{ClientID: rec.ClientID, NotOffered: string(op), Message: sentence(err.Error())}
	switch cmd {
	case "check":
		return n.check(ctx, st, asJSON, r, rec, out), true
	case "rename":
		return n.rename(ctx, st, asJSON, r, rec, err, out), true
	}
	out.Action = "This computer keeps its values. Leave the registration in place (an unused registration does no harm) or have it removed by other means; to stop listing it on this computer only, run: dcrwizard forget " + rec.ClientID
	return notOfferedReport(st, asJSON, out, ExitRefused), true
}

// check proves the registration by a sign-in as it, when the credential is
// at hand: the one thing that can be proven without an RFC 7592 read.
func (n *notOfferedFlags) check(ctx context.Context, st Streams, asJSON bool, r *registrar.Registrar, rec credstore.Record, out notOfferedJSON) int {
	if n.k.path == "" {
		out.Action = fmt.Sprintf("Do not register again because of this. To prove it works, sign in to the ATO as it with its credential: dcrwizard check %s --keystore FILE (or dcrwizard verify %s --keystore FILE).", rec.ClientID, rec.ClientID)
		return notOfferedReport(st, asJSON, out, ExitRefused)
	}
	cred, err := openFor(ctx, st, &n.k, rec, registrar.ForVerify)
	if err != nil {
		return fail(st, asJSON, err)
	}
	v, err := r.VerifyStored(ctx, rec.ClientID, cred, registrar.VerifyOverrides{VerifyScope: n.v.scope, HeartbeatURL: n.v.heartbeat}, progressTo(st, asJSON))
	out.Verification = verification(v, err)
	if err != nil {
		if !asJSON {
			outf(st.Stderr, "%s\n", out.Message)
		}
		return fail(st, asJSON, err)
	}
	if asJSON {
		return printJSON(st, out)
	}
	outf(st.Stdout, "%s\nSo DCR Wizard proved it another way:\n", out.Message)
	return reportVerification(st, false, rec.Name, v)
}

// rename keeps the new name on this computer only, with the user's consent.
func (n *notOfferedFlags) rename(ctx context.Context, st Streams, asJSON bool, r *registrar.Registrar, rec credstore.Record, err error, out notOfferedJSON) int {
	var no *registrar.NotOfferedError
	newName := ""
	if errors.As(err, &no) {
		newName = no.Name
	}
	out.Name = newName
	if !n.hereOnly && !n.askHereOnly(st, rec, newName, out.Message) {
		out.Action = fmt.Sprintf("Nothing was changed. The name can be changed on this computer only (the ATO keeps %q): dcrwizard rename %s --name %q --here-only", rec.Name, rec.ClientID, newName)
		return notOfferedReport(st, asJSON, out, ExitRefused)
	}
	updated, err := r.RenameHere(ctx, rec.ClientID, newName)
	if err != nil {
		return fail(st, asJSON, inputError{err})
	}
	out.RenamedHere, out.Name = true, updated.Name
	if asJSON {
		return printJSON(st, out)
	}
	outf(st.Stdout, "Renamed %q to %q on this computer only. The ATO does not offer renaming registrations, so it keeps the name %q; the registration itself is unchanged and still works.\n", rec.Name, updated.Name, rec.Name)
	return ExitOK
}

// askHereOnly asks on a terminal whether to change the name here only.
func (n *notOfferedFlags) askHereOnly(st Streams, rec credstore.Record, newName, why string) bool {
	if !st.StdinIsTerminal {
		return false
	}
	fmt.Fprintf(st.Stderr, "%s\nChange the name to %q on this computer only? The ATO keeps %q. Type yes to change it here: ", why, newName, rec.Name)
	line, _ := bufio.NewReader(st.Stdin).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "yes")
}

func notOfferedReport(st Streams, asJSON bool, out notOfferedJSON, code int) int {
	if asJSON {
		printJSON(st, out)
		return code
	}
	fmt.Fprintln(st.Stderr, out.Message)
	if out.Action != "" {
		fmt.Fprintln(st.Stderr, "What to do: "+out.Action)
	}
	return code
}

// apply sets what the vendor's setup file says the ATO offers: the one
// given, else the one beside the program (a practice's usual place). A
// file given that cannot be used is bad input; one found beside the
// program that cannot be used is left alone, as if absent.
func (n *notOfferedFlags) apply(r *registrar.Registrar) error {
	offered, err := setupOffered(n.setup)
	r.Offered = offered
	return err
}

func setupOffered(path string) (registrar.Offered, error) {
	given := path != ""
	if !given {
		var ok bool
		if path, ok = registrar.SetupBesideProgram(); !ok {
			return registrar.Offered{}, nil
		}
	}
	s, err := registrar.LoadSetup(path)
	if err != nil {
		if given {
			return registrar.Offered{}, inputError{err}
		}
		return registrar.Offered{}, nil
	}
	return s.Offered, nil
}
