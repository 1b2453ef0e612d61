package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// renewJSON is what renew --json prints.
type renewJSON struct {
	ClientID           string      `json:"client_id"`
	Updated            bool        `json:"updated"`
	CredentialID       string      `json:"credential_id"`
	CredentialSerial   string      `json:"credential_serial"`
	CredentialNotAfter string      `json:"credential_not_after"`
	TokenRotated       bool        `json:"token_rotated,omitempty"`
	Verification       *verifyJSON `json:"verification,omitempty"`
	// With --register-again: the new registration; the old one is kept.
	NewClientID string `json:"new_client_id,omitempty"`
	OldKept     bool   `json:"old_kept,omitempty"`
	// OldCredential: after a proven renewal, the old machine credential
	// stays valid until the practice revokes it in RAM (never "revoked").
	OldCredential string `json:"old_credential,omitempty"`
}

// testFailed: the test sign-in after the change failed (or was stopped).
func (out renewJSON) testFailed() bool { return out.Verification != nil && !out.Verification.Usable }

// renewFlags are renew's flags.
type renewFlags struct {
	k        keystoreFlags
	out      outputFlag
	otherABN bool
	again    bool
	apiKey   string
	caFile   string
	timeout  time.Duration
	setup    string
}

func (f *renewFlags) register(fs *flag.FlagSet) {
	f.k.register(fs)
	fs.BoolVar(&f.otherABN, "other-abn", false, "confirm a renewed credential of another ABN than the registration's")
	fs.BoolVar(&f.again, "register-again", false, "register this installation anew with the renewed credential (when the ATO will not update it); the old registration is kept")
	fs.StringVar(&f.apiKey, "api-key", "", "the consumer (API) `KEY`, for --register-again (or DCRWIZARD_API_KEY)")
	fs.StringVar(&f.caFile, "ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this `DURATION`")
	f.out.register(fs)
	fs.StringVar(&f.setup, "setup", "", "the software vendor's setup `FILE`, for what it says the ATO offers (default: dcrwizard-setup.json beside the program)")
}

// runRenew is `dcrwizard renew CLIENT_ID --keystore FILE`: update the
// registration in place with a renewed credential, or (--register-again)
// register anew when the ATO will not update it.
func runRenew(ctx context.Context, args []string, st Streams) int {
	var f renewFlags
	fs := newFlagSet("renew", st)
	f.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	rep := f.out.reporter(st)
	if len(pos) != 1 {
		return rep.fail(inputError{errors.New("give one client id: dcrwizard renew CLIENT_ID --keystore FILE (see dcrwizard list)")})
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	rec, cred, r, err := f.open(ctx, st, pos[0])
	if err != nil {
		return rep.fail(err)
	}
	progress := progressTo(st, rep, false)
	if f.again {
		return f.registerAgain(ctx, st, rep, r, rec, cred, progress)
	}
	return f.renew(ctx, rep, r, rec, cred, progress)
}

// open finds the registration, picks the renewed credential for it and
// makes the registrar.
func (f *renewFlags) open(ctx context.Context, st Streams, clientID string) (credstore.Record, *m2m.Credential, *registrar.Registrar, error) {
	store := st.store()
	rec, _, err := store.Get(ctx, clientID)
	if err != nil {
		return rec, nil, nil, inputError{err}
	}
	purpose := registrar.ForRenew
	if f.again {
		purpose = registrar.ForRegisterAgain
	}
	cred, err := openFor(ctx, st, &f.k, rec, purpose)
	if err != nil {
		return rec, nil, nil, err
	}
	offered, err := setupOffered(f.setup)
	if err != nil {
		return rec, nil, nil, err
	}
	r, err := registrar.New(registrar.Options{CAFile: f.caFile, OnHold: noteHold, Store: store, Offered: offered})
	if err != nil {
		return rec, nil, nil, inputError{err}
	}
	return rec, cred, r, nil
}

// renew updates the registration in place (same client id).
func (f *renewFlags) renew(ctx context.Context, rep reporter, r *registrar.Registrar, rec credstore.Record, cred *m2m.Credential, progress func(flow.Event)) int {
	res, err := r.Renew(ctx, registrar.RenewInput{ClientID: rec.ClientID, Credential: cred, AllowOtherABN: f.otherABN}, progress)
	var abn *registrar.OtherABNError
	var refused *registrar.UpdateRefusedError
	switch {
	case errors.As(err, &abn):
		return rep.fail(inputError{fmt.Errorf("%w (command line: add --other-abn to confirm)", err)})
	case errors.Is(err, registrar.ErrSameCertificate):
		return rep.fail(inputError{err})
	case errors.As(err, &refused):
		out := updateRefusedJSON{failure(err), rec.ClientID, refused}
		// Refused by the ATO, or known beforehand from its setup file: 3
		// either way and in both modes, as for check, rename and remove.
		out.ExitCode = ExitRefused
		return rep.show(out, out.ExitCode)
	case err != nil:
		// A rotated token the keychain refused is printed, to hand back.
		return lifecycleFail(rep, err)
	}
	out := renewedJSON{renewJSON: renewJSON{ClientID: rec.ClientID, Updated: true, CredentialID: res.Record.CredentialID, CredentialSerial: res.Record.CredentialSerial,
		CredentialNotAfter: res.Record.CredentialNotAfter.UTC().Format(time.RFC3339), TokenRotated: res.Rotated,
		Verification: verification(res.Verification, res.VerifyErr)},
		name: rec.Name, notAfter: res.Record.CredentialNotAfter, stopped: ctx.Err() != nil}
	code := out.finish(rec)
	return rep.show(out, code)
}

// finish sets what the test's outcome decides: the exit code, and after a
// proven change the note on the old credential.
func (out *renewJSON) finish(rec credstore.Record) int {
	if out.testFailed() {
		return ExitNotUsable
	}
	out.OldCredential = registrar.OldCredentialNote(rec)
	return ExitOK
}

// updateRefusedJSON is the ATO refusing the update: a failure, which in
// words names the way on (register again).
type updateRefusedJSON struct {
	errorJSON
	clientID string
	refused  *registrar.UpdateRefusedError
}

func (out updateRefusedJSON) text(st Streams) {
	outf(st.Stderr, "Error: %s\n", out.refused)
	outf(st.Stderr, "What to do: register again with the renewed credential (the old registration is kept until you remove it):\n  dcrwizard renew %s --keystore FILE --register-again\n", out.clientID)
}

// renewedJSON is a registration updated with the renewed credential.
type renewedJSON struct {
	renewJSON
	name     string
	notAfter time.Time
	stopped  bool // the test was stopped (Ctrl-C, SIGTERM, --timeout) after the update was kept
}

func (out renewedJSON) text(st Streams) {
	outf(st.Stdout, "Updated %q with the renewed credential (serial %s, valid until %s). The client id is unchanged: %s.\n",
		out.name, out.CredentialSerial, out.notAfter.Local().Format("2 January 2006"), out.ClientID)
	if out.testFailed() && out.stopped {
		// Only the test is left to do.
		outf(st.Stderr, "The update was made and is stored; the test sign-in with the renewed credential was stopped before it finished.\n"+
			"Test it with: dcrwizard verify %s --keystore FILE\n", out.ClientID)
		return
	}
	if out.testFailed() {
		outf(st.Stderr, "The update was made, but the test sign-in with the renewed credential failed.\nError: %s\nWhat to do: %s\nIf it keeps failing: dcrwizard renew %s --keystore FILE --register-again\n",
			out.Verification.Problem, out.Verification.Action, out.ClientID)
		return
	}
	fmt.Fprintln(st.Stdout, "Your software can sign in with it: nothing else needs changing.")
	fmt.Fprintln(st.Stdout, out.OldCredential)
}

// registerAgain registers the installation anew with the renewed
// credential; the old registration is kept.
func (f *renewFlags) registerAgain(ctx context.Context, st Streams, rep reporter, r *registrar.Registrar, rec credstore.Record, cred *m2m.Credential, progress func(flow.Event)) int {
	raw, src := f.apiKey, consumerkey.Flag
	if raw == "" {
		raw, src = st.Getenv("DCRWIZARD_API_KEY"), consumerkey.EnvVar
	}
	key, err := consumerkey.New(raw, src)
	if err != nil {
		return rep.fail(inputError{fmt.Errorf("--register-again needs the consumer (API) key: %w", err)})
	}
	res, err := r.RegisterAgain(ctx, rec.ClientID, cred, key, progress)
	if res == nil || res.Result == nil {
		return rep.fail(err)
	}
	if !res.Result.Stored {
		return reportRegistration(rep, res.Result, err, nil, nil)
	}
	out := registeredAgainJSON{renewJSON: renewJSON{ClientID: rec.ClientID, NewClientID: res.Result.Registration.ClientID, OldKept: true,
		CredentialID: cred.ID, CredentialSerial: cred.Serial, CredentialNotAfter: cred.NotAfter.UTC().Format(time.RFC3339),
		Verification: verification(res.Verification, res.VerifyErr)},
		name: rec.Name, note: err}
	code := out.finish(rec)
	return rep.show(out, code)
}

// registeredAgainJSON is the new registration made with the renewed
// credential.
type registeredAgainJSON struct {
	renewJSON
	name string
	note error // a warning about what was kept (the registration is stored)
}

func (out registeredAgainJSON) text(st Streams) {
	outf(st.Stdout, "Registered %q again with the renewed credential: new client id %s.\n", out.name, out.NewClientID)
	if out.testFailed() {
		outf(st.Stderr, "The new registration is stored, but the test sign-in as it failed.\nError: %s\nWhat to do: %s\n", out.Verification.Problem, out.Verification.Action)
		return
	}
	outf(st.Stdout, "It signs in. Point your software at the new client id, then remove the old registration:\n  dcrwizard remove %s\n%s\n", out.ClientID, out.OldCredential)
	if out.note != nil {
		outf(st.Stderr, "Note: %v\n", out.note)
	}
}
