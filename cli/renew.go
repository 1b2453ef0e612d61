package cli

import (
	"context"
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/flow"
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

// runRenew is `dcrwizard renew CLIENT_ID --keystore FILE`: update the
// registration in place with a renewed credential, or (--register-again)
// register anew when the ATO will not update it.
func runRenew(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("renew", st)
	var k keystoreFlags
	k.register(fs)
	otherABN := fs.Bool("other-abn", false, "confirm a renewed credential of another ABN than the registration's")
	again := fs.Bool("register-again", false, "register this installation anew with the renewed credential (when the ATO will not update it); the old registration is kept")
	apiKey := fs.String("api-key", "", "the consumer (API) `KEY`, for --register-again (or DCRWIZARD_API_KEY)")
	caFile := fs.String("ca-file", "", "extra trusted CA certificates, PEM `FILE` (for networks that inspect TLS)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this `DURATION`")
	asJSON := fs.Bool("json", false, "print JSON")
	setup := fs.String("setup", "", "the software vendor's setup `FILE`, for what it says the ATO offers (default: dcrwizard-setup.json beside the program)")
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		return fail(st, *asJSON, inputError{errors.New("give one client id: dcrwizard renew CLIENT_ID --keystore FILE (see dcrwizard list)")})
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	store := st.store()
	rec, _, err := store.Get(ctx, pos[0])
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	purpose := registrar.ForRenew
	if *again {
		purpose = registrar.ForRegisterAgain
	}
	cred, err := openFor(ctx, st, &k, rec, purpose)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	offered, err := setupOffered(*setup)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	r, err := registrar.New(registrar.Options{CAFile: *caFile, OnHold: noteHold, Store: store, Offered: offered})
	if err != nil {
		return fail(st, *asJSON, inputError{err})
	}
	progress := progressTo(st, *asJSON)

	if *again {
		raw, src := *apiKey, consumerkey.Flag
		if raw == "" {
			raw, src = st.Getenv("DCRWIZARD_API_KEY"), consumerkey.EnvVar
		}
		key, err := consumerkey.New(raw, src)
		if err != nil {
			return fail(st, *asJSON, inputError{fmt.Errorf("--register-again needs the consumer (API) key: %w", err)})
		}
		res, err := r.RegisterAgain(ctx, rec.ClientID, cred, key, progress)
		if res == nil || res.Result == nil {
			return fail(st, *asJSON, err)
		}
		if !res.Result.Stored {
			return reportRegistration(st, *asJSON, res.Result, err, nil, nil)
		}
		out := renewJSON{ClientID: rec.ClientID, NewClientID: res.Result.Registration.ClientID, OldKept: true,
			CredentialID: cred.ID, CredentialSerial: cred.Serial, CredentialNotAfter: cred.NotAfter.UTC().Format(time.RFC3339)}
		code := ExitOK
		out.Verification = verification(res.Verification, res.VerifyErr)
		if res.VerifyErr != nil {
			code = ExitNotUsable
		} else {
			out.OldCredential = registrar.OldCredentialNote(rec)
		}
		if *asJSON {
			printJSON(st, out)
			return code
		}
		outf(st.Stdout, "Registered %q again with the renewed credential: new client id %s.\n", rec.Name, out.NewClientID)
		if res.VerifyErr != nil {
			outf(st.Stderr, "The new registration is stored, but the test sign-in as it failed.\nError: %s\nWhat to do: %s\n", out.Verification.Problem, out.Verification.Action)
			return code
		}
		outf(st.Stdout, "It signs in. Point your software at the new client id, then remove the old registration:\n  dcrwizard remove %s\n%s\n", rec.ClientID, out.OldCredential)
		if err != nil {
			outf(st.Stderr, "Note: %v\n", err)
		}
		return code
	}

	res, err := r.Renew(ctx, registrar.RenewInput{ClientID: rec.ClientID, Credential: cred, AllowOtherABN: *otherABN}, progress)
	var abn *registrar.OtherABNError
	var refused *registrar.UpdateRefusedError
	switch {
	case errors.As(err, &abn):
		return fail(st, *asJSON, inputError{fmt.Errorf("%w (command line: add --other-abn to confirm)", err)})
	case errors.Is(err, registrar.ErrSameCertificate):
		return fail(st, *asJSON, inputError{err})
	case errors.As(err, &refused):
		if *asJSON {
			return fail(st, true, err)
		}
		outf(st.Stderr, "Error: %s\n", refused)
		outf(st.Stderr, "What to do: register again with the renewed credential (the old registration is kept until you remove it):\n  dcrwizard renew %s --keystore FILE --register-again\n", rec.ClientID)
		return ExitRefused
	case err != nil:
		// A rotated token the keychain refused is printed, to hand back.
		return lifecycleFail(st, *asJSON, err)
	}
	out := renewJSON{ClientID: rec.ClientID, Updated: true, CredentialID: res.Record.CredentialID, CredentialSerial: res.Record.CredentialSerial,
		CredentialNotAfter: res.Record.CredentialNotAfter.UTC().Format(time.RFC3339), TokenRotated: res.Rotated,
		Verification: verification(res.Verification, res.VerifyErr)}
	code := ExitOK
	if res.VerifyErr != nil {
		code = ExitNotUsable
	} else {
		out.OldCredential = registrar.OldCredentialNote(rec)
	}
	if *asJSON {
		printJSON(st, out)
		return code
	}
	outf(st.Stdout, "Updated %q with the renewed credential (serial %s, valid until %s). The client id is unchanged: %s.\n",
		rec.Name, out.CredentialSerial, res.Record.CredentialNotAfter.Local().Format("2 January 2006"), rec.ClientID)
	if res.VerifyErr != nil && ctx.Err() != nil {
		// Stopped (Ctrl-C, SIGTERM, --timeout) after the update was kept:
		// only the test is left to do.
		fmt.Fprintf(st.Stderr, "The update was made and is stored; the test sign-in with the renewed credential was stopped before it finished.\n"+
			"Test it with: dcrwizard verify %s --keystore FILE\n", rec.ClientID)
		return code
	}
	if res.VerifyErr != nil {
		outf(st.Stderr, "The update was made, but the test sign-in with the renewed credential failed.\nError: %s\nWhat to do: %s\nIf it keeps failing: dcrwizard renew %s --keystore FILE --register-again\n",
			out.Verification.Problem, out.Verification.Action, rec.ClientID)
		return code
	}
	fmt.Fprintln(st.Stdout, "Your software can sign in with it: nothing else needs changing.")
	fmt.Fprintln(st.Stdout, out.OldCredential)
	return code
}

// verification is a test's outcome as JSON.
func verification(v *flow.Verification, err error) *verifyJSON {
	if v == nil && err == nil {
		return nil
	}
	out := &verifyJSON{}
	if err != nil {
		var fe *flow.Error
		if errors.As(err, &fe) {
			adv := guidance.For(fe)
			out.Problem, out.Action = adv.Message(), withNext(adv)
		} else {
			out.Problem = guidance.Words(err)
		}
		return out
	}
	out.ClientID, out.Usable = v.ClientID, true
	out.TokenLifetime, out.Scope, out.Heartbeat = int(v.TokenLifetime/time.Second), v.Scope, v.HeartbeatURL
	return out
}
