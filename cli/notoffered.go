package cli

import (
	"bufio"
	"context"
	"errors"
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

// notOfferedJSON is what an operation the ATO does not offer shows; in
// words, the message and what to do, on stderr.
type notOfferedJSON struct {
	ClientID     string      `json:"client_id"`
	NotOffered   string      `json:"not_offered"`
	Message      string      `json:"message"`
	Action       string      `json:"action,omitempty"`
	Name         string      `json:"name,omitempty"`
	RenamedHere  bool        `json:"renamed_here,omitempty"`
	Verification *verifyJSON `json:"verification,omitempty"`
}

// notOfferedOf is err as what the ATO does not offer; ok is false when err
// is no NotOfferedError.
func notOfferedOf(rec credstore.Record, err error) (out notOfferedJSON, ok bool) {
	op, ok := registrar.NotOffered(err)
	if !ok {
		return out, false
	}
	return notOfferedJSON{ClientID: rec.ClientID, NotOffered: string(op), Message: sentence(err.Error())}, true
}

func (out notOfferedJSON) text(st Streams) {
	outf(st.Stderr, "%s\n", out.Message)
	if out.Action != "" {
		outf(st.Stderr, "What to do: %s\n", out.Action)
	}
}

// check proves the registration by a sign-in as it, when the credential is
// at hand: the one thing that can be proven without an RFC 7592 read.
func (n *notOfferedFlags) check(ctx context.Context, st Streams, cl call, out notOfferedJSON) int {
	rec := cl.rec
	if n.k.path == "" {
		out.Action = fmt.Sprintf("Do not register again because of this. To prove it works, sign in to the ATO as it with its credential: dcrwizard check %s --keystore FILE (or dcrwizard verify %s --keystore FILE).", rec.ClientID, rec.ClientID)
		return cl.rep.show(out, ExitRefused)
	}
	cred, err := openFor(ctx, st, &n.k, rec, registrar.ForVerify)
	if err != nil {
		return cl.rep.fail(err)
	}
	v, err := cl.r.VerifyStored(ctx, rec.ClientID, cred, registrar.VerifyOverrides{VerifyScope: n.v.scope, HeartbeatURL: n.v.heartbeat}, progressTo(st, cl.rep, false))
	out.Verification = verification(v, err)
	if err != nil {
		f := notProvenJSON{failure(err), out.Message}
		return cl.rep.show(f, f.ExitCode)
	}
	out.Verification.name = rec.Name
	return cl.rep.show(provenJSON{out}, ExitOK)
}

// provenJSON: what the ATO does not offer, and the sign-in that proved
// the registration instead.
type provenJSON struct{ notOfferedJSON }

func (out provenJSON) text(st Streams) {
	outf(st.Stdout, "%s\nSo DCR Wizard proved it another way:\n", out.Message)
	out.Verification.text(st)
}

// notProvenJSON is the failed sign-in that was to prove the registration:
// a failure, in words after why it was tried.
type notProvenJSON struct {
	errorJSON
	why string
}

func (out notProvenJSON) text(st Streams) {
	outf(st.Stderr, "%s\n", out.why)
	out.errorJSON.text(st)
}

// rename keeps the new name on this computer only, with the user's consent.
func (n *notOfferedFlags) rename(ctx context.Context, st Streams, cl call, out notOfferedJSON, err error) int {
	rec := cl.rec
	var no *registrar.NotOfferedError
	newName := ""
	if errors.As(err, &no) {
		newName = no.Name
	}
	out.Name = newName
	if !n.hereOnly && !n.askHereOnly(st, rec, newName, out.Message) {
		out.Action = fmt.Sprintf("Nothing was changed. The name can be changed on this computer only (the ATO keeps %q): dcrwizard rename %s --name %q --here-only", rec.Name, rec.ClientID, newName)
		return cl.rep.show(out, ExitRefused)
	}
	updated, err := cl.r.RenameHere(ctx, rec.ClientID, newName)
	if err != nil {
		return cl.rep.fail(inputError{err})
	}
	out.RenamedHere, out.Name = true, updated.Name
	return cl.rep.show(renamedHereJSON{out, rec.Name}, ExitOK)
}

// renamedHereJSON: renamed on this computer only.
type renamedHereJSON struct {
	notOfferedJSON
	from string
}

func (out renamedHereJSON) text(st Streams) {
	outf(st.Stdout, "Renamed %q to %q on this computer only. The ATO does not offer renaming registrations, so it keeps the name %q; the registration itself is unchanged and still works.\n", out.from, out.Name, out.from)
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
