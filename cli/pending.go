package cli

import (
	"context"
	"fmt"
	"time"

	"dcrwizard/credstore"
)

// runPending lists, or clears, the notes of registrations whose outcome this
// computer never saw (see credstore: a registration may exist at the ATO).
func runPending(_ context.Context, args []string, st Streams) int {
	fs := newFlagSet("pending", st)
	var o outputFlag
	o.register(fs)
	clear := fs.String("clear", "", "forget the note `ID` once you have checked with the ATO")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := o.reporter(st)
	if len(pos) > 0 {
		return rep.fail(inputError{fmt.Errorf("pending takes no arguments, got %q", pos)})
	}
	store := st.store()
	if *clear != "" {
		if err := store.ClearPending(*clear); err != nil {
			return rep.fail(inputError{err})
		}
		outf(st.Stderr, "Forgot the note %s.\n", *clear) // with --json too
		return ExitOK
	}
	notes, err := store.Pending()
	if err != nil {
		return rep.fail(inputError{err})
	}
	if notes == nil {
		notes = []credstore.Pending{}
	}
	return rep.show(pendingJSON(notes), ExitOK)
}

// pendingJSON is what pending shows: the notes of unfinished registrations.
type pendingJSON []credstore.Pending

func (notes pendingJSON) text(st Streams) {
	if len(notes) == 0 {
		fmt.Fprintln(st.Stdout, "No unfinished registrations.")
		return
	}
	for _, p := range notes {
		describePending(st, p)
	}
	fmt.Fprintln(st.Stdout, "Once you have checked with the ATO, forget a note with: dcrwizard pending --clear ID")
}

func describePending(st Streams, p credstore.Pending) {
	if p.Unreadable {
		outf(st.Stdout, "%s  a note that could not be read (damaged, or not a plain file); it is kept\n"+
			"    It may stand for a registration that did not finish: before registering again, ask your\n"+
			"    software vendor whether the ATO holds one made from this computer. Then: dcrwizard pending --clear %s\n", p.ID, p.ID)
		return
	}
	outf(st.Stdout, "%s  %q in %s, started %s\n", p.ID, p.Name, p.Environment, p.Started.Local().Format(time.RFC1123))
	if p.Action == credstore.PendingRenew {
		outf(st.Stdout, "    An update of registration %s with renewed credential %q was sent, but its answer was\n"+
			"    never seen: the ATO may hold the old or the new certificate. Check with:\n"+
			"      dcrwizard verify %s --keystore FILE   (the renewed keystore: if it signs in, the update was made)\n",
			p.ClientID, p.CredentialID, p.ClientID)
		return
	}
	if p.ClientID != "" {
		outf(st.Stdout, "    The ATO accepted it: client id %s, registration client URI %s, receipt %s.\n"+
			"    Its values were not saved in the keychain. If you kept them when it finished (they were\n"+
			"    printed, or saved to a file), your software can use them: clear this note. If not, the\n"+
			"    client id still works for your software, but the registration can only be checked, renamed\n"+
			"    or removed by the ATO: do not register again for that.\n"+
			"    To have DCR Wizard keep the printed values after all, once the keychain works:\n"+
			"      dcrwizard restore %s --api-key-file FILE < the-printed-output\n",
			p.ClientID, p.RegistrationClientURI, p.Receipt, p.ClientID)
	} else {
		fmt.Fprintln(st.Stdout, "    The ATO's answer was never seen: it may have registered this instance. Check in the ATO\n"+
			"    portal before registering again.")
	}
}

// warnPending tells list's reader about unfinished registrations.
func warnPending(st Streams, store *credstore.Store) {
	if notes, err := store.Pending(); err == nil && len(notes) > 0 {
		outf(st.Stderr, "Note: %d registration(s) did not finish on this computer; see: dcrwizard pending\n", len(notes))
	}
}
