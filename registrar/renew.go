package registrar

import (
	"context"
	"dcrwizard/consumerkey"
	"dcrwizard/guidance"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"unicode"
	"unicode/utf8"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// Renewal: a machine credential lasts two years; renewing it in RAM gives a
// new key and certificate under the same credential name. RAM does not
// revoke the old one: the practice must, once its software works with the
// new one (ato-facts.md §11; OldCredentialNote says so after a renewal).
// The registration at the ATO still holds the old x509_certificate, so it
// stops signing in once the old credential is revoked or expires, unless it
// is updated in place (Renew: an RFC 7592 PUT with the new certificate, same
// client id) or, where the ATO will not update it, made again
// (RegisterAgain).

// RenewInput is a stored registration and the renewed credential, opened.
type RenewInput struct {
	ClientID   string
	Credential *m2m.Credential
	// AllowOtherABN confirms a credential of another business: the caller
	// asked the user, naming both ABNs (see OtherABNError).
	AllowOtherABN bool
	ConsumerKey   consumerkey.Key // for the heartbeat; the zero Key means the stored one
}

// RenewResult is a registration updated in place.
type RenewResult struct {
	Record  credstore.Record // as stored now: the new certificate's details
	Rotated bool             // the ATO issued a new registration access token, stored
	// Verification is the sign-in with the new key; VerifyErr when it failed
	// (then the update itself was made: offer RegisterAgain).
	Verification *flow.Verification
	VerifyErr    error
}

// OtherABNError refuses, unless confirmed, a renewed credential of another
// business than the registration's.
type OtherABNError struct{ Registered, Chosen string }

func (e *OtherABNError) Error() string {
	return fmt.Sprintf("registration of ABN %s, credential of ABN %s", e.Registered, e.Chosen)
}

// Words is what a person reads about it (guidance.Words shows it).
func (e *OtherABNError) Words() string {
	return fmt.Sprintf("This registration belongs to ABN %s, but the credential you chose is for ABN %s. Choose the renewed credential of ABN %s, or confirm that this registration should now use ABN %s.",
		e.Registered, e.Chosen, e.Registered, e.Chosen)
}

// ErrSameCertificate: the credential chosen is the one the registration
// already holds — not a renewed one.
var ErrSameCertificate = errors.New("this registration already holds this credential's certificate: choose the renewed credential (a newer keystore file, often keystore-new.xml)")

// UpdateRefusedError is the ATO refusing to update the registration (400,
// 403 or 405 to the PUT): nothing changed there. The way on is
// RegisterAgain with the renewed credential.
type UpdateRefusedError struct{ Err error }

func (e *UpdateRefusedError) Error() string {
	return "update with the renewed credential refused: " + e.Err.Error()
}

// Words is what a person reads about it (guidance.Words shows it).
func (e *UpdateRefusedError) Words() string {
	return "The ATO did not update the registration with the renewed credential: " + lowerFirst(errorMessage(e.Err)) +
		" You can register this installation again with the renewed credential; the old registration is kept until you remove it."
}
func (e *UpdateRefusedError) Unwrap() error { return e.Err }

// Renew updates a registration in place with a renewed credential: the
// same client id, so the user's software needs nothing new. A pending note
// covers the update; a lost answer to the PUT is "outcome unknown" (the
// *flow.Error says so), never retried. The new credential is then proven
// with a sign-in as the client (Verify).
func (r *Registrar) Renew(ctx context.Context, in RenewInput, onEvent func(flow.Event)) (*RenewResult, error) {
	if r.Flow == nil || r.Store == nil {
		return nil, errors.New("registrar: Flow and Store are required")
	}
	release, err := r.lockRegistration(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	defer release()
	rec, vals, err := r.access(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	if in.ConsumerKey.IsZero() {
		in.ConsumerKey = vals.ConsumerKey
	}
	if err := r.checkRenewal(rec, in); err != nil {
		return nil, err
	}
	env, envErr := EnvironmentOf(rec)
	fc := *r.Flow
	fc.OnEvent = onEvent
	fc.BeforeRegister = nil

	if r.skip(OpRead) != nil || r.skip(OpUpdate) != nil { // renewing in place reads, then updates
		return nil, &UpdateRefusedError{Err: &NotOfferedError{Op: OpUpdate}}
	}
	cur, err := fc.Read(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey)
	if err != nil {
		return nil, renewNotOffered(err)
	}
	rotated, err := r.keepToken(ctx, rec, vals, cur)
	if err != nil {
		return nil, err
	}
	vals.RegistrationAccessToken = cur.RegistrationAccessToken

	md := updateBody(cur, rec)
	md["x509_certificate"] = base64.StdEncoding.EncodeToString(in.Credential.Certificate.Raw)

	var next credstore.Record = rec
	setCertificate(&next, in.Credential)
	pid, err := r.Store.BeginPending(r.renewalNote(rec, next, in.Credential))
	if err != nil {
		return nil, fmt.Errorf("could not note the update before sending it, so nothing was sent: %w", err)
	}
	upd, err := fc.Update(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey, md)
	if err != nil {
		return nil, r.updateFailed(err, pid)
	}
	// The ATO holds the new certificate: from here a Cancel must not stop
	// this computer keeping the record in step with it.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	res := &RenewResult{Rotated: rotated}
	if r2, err := r.keepToken(saveCtx, rec, vals, upd); err != nil {
		return nil, err
	} else if r2 {
		res.Rotated = true
	}
	if err := r.Store.UpdateRecord(saveCtx, next); err != nil {
		return nil, fmt.Errorf("the ATO has the renewed certificate, but this computer's list could not be updated (it still names the old one): %w", err)
	}
	_ = r.Store.ClearPending(pid)
	res.Record = next

	if envErr != nil {
		res.VerifyErr = envErr
		return res, nil
	}
	t := r.verifyNew(ctx, VerifyInput{Env: env, Credential: in.Credential, ClientID: rec.ClientID, ConsumerKey: in.ConsumerKey}, onEvent)
	res.Verification, res.VerifyErr = t.Verification, t.Err
	return res, nil
}

// renewalNote is the pending note of renewing rec in place as next, with
// cred, starting now.
func (r *Registrar) renewalNote(rec, next credstore.Record, cred *m2m.Credential) credstore.Pending {
	return credstore.Pending{
		Name: rec.Name, Environment: rec.Environment, Started: r.now(), CredentialID: cred.ID,
		Action: credstore.PendingRenew, ClientID: rec.ClientID, RegistrationClientURI: rec.RegistrationClientURI,
		CertificateSHA256: next.CertificateSHA256,
	}
}

// updateFailed is the error of a renewal whose update failed, its note pid
// cleared unless the update's outcome is unknown. An update the ATO does not
// offer or refuses is an *UpdateRefusedError (the caller may register again).
func (r *Registrar) updateFailed(err error, pid string) error {
	var fe *flow.Error
	if errors.As(err, &fe) && fe.Unknown {
		return err // the note stays: check before trying again
	}
	_ = r.Store.ClearPending(pid)
	if flow.NotOffered(err) {
		return renewNotOffered(err)
	}
	if errors.As(err, &fe) && (fe.Status == http.StatusBadRequest || fe.Status == http.StatusForbidden || fe.Status == http.StatusMethodNotAllowed) {
		return &UpdateRefusedError{Err: err}
	}
	return err
}

// checkRenewal refuses, before anything is sent, a credential that cannot
// renew this registration.
func (r *Registrar) checkRenewal(rec credstore.Record, in RenewInput) error {
	c := in.Credential
	if c == nil || c.Certificate == nil || c.PrivateKey == nil {
		return errors.New("the renewed credential was not opened with its private key: open it again with its password")
	}
	if v := c.Verdict(r.now()); !v.OK() {
		return errors.New(v.Message)
	}
	if rec.CredentialABN != "" && c.ABN != "" && c.ABN != rec.CredentialABN && !in.AllowOtherABN {
		return &OtherABNError{Registered: rec.CredentialABN, Chosen: c.ABN}
	}
	var probe credstore.Record
	setCertificate(&probe, c)
	if rec.CertificateSHA256 != "" && probe.CertificateSHA256 == rec.CertificateSHA256 {
		return ErrSameCertificate
	}
	return nil
}

// AgainResult is a registration made again for one the ATO would not update.
type AgainResult struct {
	Result       *Result // the new registration (Stored tells whether it was kept)
	Verification *flow.Verification
	VerifyErr    error
	// OldMarked: the old registration's record now says "replaced by" the
	// new one; it is kept until the user removes it (Remove).
	OldMarked bool
}

// RegisterAgain registers the installation anew with the renewed
// credential, under the old registration's name and environment (the zero
// key means the consumer key stored with the old one). Only once
// the new one is stored and proven by a sign-in is the old one marked
// "replaced by"; it is never removed here: the caller offers that.
func (r *Registrar) RegisterAgain(ctx context.Context, oldClientID string, cred *m2m.Credential, key consumerkey.Key, onEvent func(flow.Event)) (*AgainResult, error) {
	old, oldVals, err := r.Store.Get(ctx, oldClientID)
	if err != nil {
		return nil, err
	}
	if key.IsZero() {
		key = oldVals.ConsumerKey // the vendor's key does not change with the credential
	}
	env, err := registrationEnvironment(old)
	if err != nil {
		return nil, err
	}
	res, t, err := r.RegisterAndVerify(ctx, Input{Env: env, Credential: cred, ConsumerKey: key, InstanceName: old.Name, Vendor: old.Vendor}, onEvent, nil)
	out := &AgainResult{Result: res}
	if t == nil {
		return out, err
	}
	out.Verification, out.VerifyErr = t.Verification, t.Err
	if out.VerifyErr != nil {
		return out, nil
	}
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	old.ReplacedBy = res.Registration.ClientID
	if err := r.Store.UpdateRecord(saveCtx, old); err != nil {
		return out, fmt.Errorf("the new registration is stored and works, but the old one could not be marked as replaced: %w", err)
	}
	out.OldMarked = true
	return out, nil
}

// registrationEnvironment is where a stored registration was made: a preset
// by name, else its kept endpoints (which must include the DCR endpoint).
func registrationEnvironment(rec credstore.Record) (flow.Environment, error) {
	env, err := EnvironmentOf(rec)
	if err != nil {
		return env, err
	}
	if env.RegistrationURL == "" || env.RegistrationClientID == "" || env.Scope == "" {
		return env, fmt.Errorf("registration %s was stored without the addresses needed to register again: register with dcrwizard register --env custom: %w", rec.ClientID, ErrNoTokenEndpoint)
	}
	return env, nil
}

// errorMessage is an error's plain message: a *flow.Error's advice.
func errorMessage(err error) string {
	var no *NotOfferedError
	if errors.As(err, &no) {
		return no.Error() + "."
	}
	var fe *flow.Error
	if errors.As(err, &fe) {
		return guidance.For(fe).Message()
	}
	return guidance.Text(err)
}

// lowerFirst lowers the first letter of a sentence that is to follow a colon.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
