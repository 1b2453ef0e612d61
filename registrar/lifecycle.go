package registrar

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// Lifecycle management of a stored registration (RFC 7592): check, rename,
// remove, and export for software that cannot read the keychain. Every call
// that gets a rotated registration access token stores it before returning;
// if that fails the *credstore.NotStoredError carries the new token.

// CheckResult is what the ATO holds for a registration.
type CheckResult struct {
	Record credstore.Record
	// Metadata is the ATO's view (client_name, grant_types, …). It includes
	// ato_api_key: show it, never log it.
	Metadata map[string]any
	// Rotated is true when the ATO issued a new registration access token,
	// now stored.
	Rotated bool
}

// ErrRemovalNotAllowed: the ATO answered 405 to a DELETE; the registration
// still exists there. Forget removes it from this computer only.
var ErrRemovalNotAllowed = errors.New("the ATO does not allow removing this registration from here; it still exists at the ATO")

// Check reads the registration from the ATO.
func (r *Registrar) Check(ctx context.Context, clientID string) (*CheckResult, error) {
	if err := r.skip(OpRead); err != nil {
		return nil, err
	}
	release, err := r.lockRegistration(ctx, clientID)
	if err != nil {
		return nil, err
	}
	defer release()
	rec, vals, err := r.access(ctx, clientID)
	if err != nil {
		return nil, err
	}
	reg, err := r.Flow.Read(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey)
	if err != nil {
		return nil, notOffered(OpRead, err)
	}
	res := &CheckResult{Record: rec, Metadata: reg.Metadata}
	res.Rotated, err = r.keepToken(ctx, rec, vals, reg)
	return res, err
}

// Rename changes the registration's client_name at the ATO, then locally.
// RFC 7592 updates replace the whole metadata, so it reads it first.
func (r *Registrar) Rename(ctx context.Context, clientID, newName string) (credstore.Record, error) {
	newName = CleanName(newName)
	if err := ValidateInstanceName(newName); err != nil {
		return credstore.Record{}, err
	}
	release, err := r.lockRegistration(ctx, clientID)
	if err != nil {
		return credstore.Record{}, err
	}
	defer release()
	rec, vals, err := r.access(ctx, clientID)
	if err != nil {
		return rec, err
	}
	// Before the ATO is asked: the new name must not differ only in case
	// from another registration's.
	if err := r.Store.CheckName(ctx, rec.Environment, newName, rec.ClientID); err != nil {
		return rec, err
	}
	if r.skip(OpRead) != nil || r.skip(OpUpdate) != nil { // a rename reads, then updates
		return rec, &NotOfferedError{Op: OpUpdate, Name: newName}
	}
	cur, err := r.Flow.Read(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey)
	if err != nil {
		return rec, renameNotOffered(notOffered(OpUpdate, err), newName)
	}
	if _, err := r.keepToken(ctx, rec, vals, cur); err != nil {
		return rec, err
	}
	vals.RegistrationAccessToken = cur.RegistrationAccessToken
	md := updateBody(cur, rec)
	md["client_name"] = newName
	keepCertificate(md, rec)
	upd, err := r.Flow.Update(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey, md)
	if err != nil {
		return rec, renameNotOffered(notOffered(OpUpdate, err), newName)
	}
	// The ATO has the new name: a Cancel from here must not keep this
	// computer from following it.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	if _, err := r.keepToken(saveCtx, rec, vals, upd); err != nil {
		return rec, err
	}
	rec.Name = newName
	if err := r.Store.UpdateRecord(saveCtx, rec); err != nil {
		return rec, fmt.Errorf("the ATO has the new name, but this computer's list could not be updated: %w", err)
	}
	return rec, nil
}

// Remove deletes the registration at the ATO and then on this computer. On
// a 405 it returns ErrRemovalNotAllowed (wrapping the flow error) and keeps
// everything local: forgetting is the user's separate choice (Forget).
func (r *Registrar) Remove(ctx context.Context, clientID string) error {
	if err := r.skip(OpDelete); err != nil {
		return err
	}
	release, err := r.lockRegistration(ctx, clientID)
	if err != nil {
		return err
	}
	defer release()
	_, vals, err := r.access(ctx, clientID)
	if err != nil {
		return err
	}
	if err := r.Flow.Delete(ctx, vals.RegistrationClientURI, vals.RegistrationAccessToken, vals.ConsumerKey); err != nil {
		if flow.NotOffered(err) {
			return &NotOfferedError{Op: OpDelete, Err: err}
		}
		var fe *flow.Error
		if errors.As(err, &fe) && fe.Status == 405 {
			return fmt.Errorf("%w: %w", ErrRemovalNotAllowed, err)
		}
		return err
	}
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	if err := r.Store.Delete(saveCtx, clientID); err != nil {
		return fmt.Errorf("the ATO has removed the registration, but this computer still lists it: %w", err)
	}
	return nil
}

// Forget removes the registration from this computer only.
func (r *Registrar) Forget(ctx context.Context, clientID string) error {
	release, err := r.lockRegistration(ctx, clientID)
	if err != nil {
		return err
	}
	defer release()
	return r.Store.Delete(ctx, clientID)
}

// ErrNoConsumerKey: the registration was stored before DCR Wizard kept the
// consumer (API) key with it, and the ATO's gateway needs that key on every
// call about the registration. Nothing was sent. Ask the user for it once
// (ProvideConsumerKey keeps it), then try again.
var ErrNoConsumerKey = errors.New("this registration was saved without the consumer (API) key the ATO needs for managing it: enter the key it was registered with (the same one as then, from your software vendor) once, and it is kept")

// access is a registration's stored values, refused with ErrNoConsumerKey
// when the key needed for RFC 7592 calls is missing.
func (r *Registrar) access(ctx context.Context, clientID string) (credstore.Record, credstore.Values, error) {
	rec, vals, err := r.Store.Get(ctx, clientID)
	if err == nil && vals.ConsumerKey.IsZero() {
		err = fmt.Errorf("%s (%s): %w", rec.Name, rec.ClientID, ErrNoConsumerKey)
	}
	return rec, vals, err
}

// ProvideConsumerKey keeps the consumer key of a registration stored without
// it (checked when the Key was made). The next call uses it; if the ATO
// refuses it (401-01), provide the right one: it replaces this.
func (r *Registrar) ProvideConsumerKey(ctx context.Context, clientID string, key consumerkey.Key) error {
	if key.IsZero() {
		return &consumerkey.InvalidError{Problem: consumerkey.Empty}
	}
	return r.Store.SetConsumerKey(ctx, clientID, key)
}

// keepToken stores a rotated registration access token. It is the first
// thing done with an RFC 7592 answer, and a Cancel does not stop it: the
// old token may already be dead at the ATO.
func (r *Registrar) keepToken(ctx context.Context, rec credstore.Record, old credstore.Values, reg *flow.Registration) (bool, error) {
	if reg == nil || reg.RegistrationAccessToken == "" || reg.RegistrationAccessToken == old.RegistrationAccessToken {
		return false, nil
	}
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	return true, r.Store.UpdateToken(saveCtx, rec.ClientID, reg.RegistrationAccessToken)
}

// ValuesFile is the JSON an export writes: what a software product needs to
// use and manage the registration.
type ValuesFile struct {
	Warning                 string `json:"warning"`
	Name                    string `json:"name"`
	Environment             string `json:"environment"`
	ClientID                string `json:"client_id"`
	RegistrationAccessToken string `json:"registration_access_token"`
	RegistrationClientURI   string `json:"registration_client_uri"`
	ClientIDIssuedAt        string `json:"client_id_issued_at,omitempty"`
	Receipt                 string `json:"receipt,omitempty"`
	ExportedAt              string `json:"exported_at"`
}

const secretWarning = "This file holds a secret (the registration access token). Keep it where only you can read it, and delete it once your software has the values."

// Export writes a registration's three values to path (mode 0600).
func (r *Registrar) Export(ctx context.Context, clientID, path string) error {
	rec, vals, err := r.getTurn(ctx, clientID)
	if err != nil {
		return err
	}
	return WriteValuesFile(path, rec, vals, r.now())
}

// getTurn reads a registration's values in its turn: a check, rename or
// renewal elsewhere may be rotating its token, and an export read before
// that ends would hand the software a token that no longer works.
func (r *Registrar) getTurn(ctx context.Context, clientID string) (credstore.Record, credstore.Values, error) {
	release, err := r.lockRegistration(ctx, clientID)
	if err != nil {
		return credstore.Record{}, credstore.Values{}, err
	}
	defer release()
	return r.Store.Get(ctx, clientID)
}

// ExportTo writes a registration's values as JSON to w (the command line's
// standard output, for a pipe into the software that needs them).
func (r *Registrar) ExportTo(ctx context.Context, clientID string, w io.Writer) error {
	rec, vals, err := r.getTurn(ctx, clientID)
	if err != nil {
		return err
	}
	data, err := valuesJSON(rec, vals, r.now())
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// ErrNotRegularFile refuses an export over something that is not a plain
// file: replacing a device, pipe, folder or link would misplace the secret
// (as root, /dev/stdout would become a file holding the token).
var ErrNotRegularFile = errors.New("is not a plain file (a device, pipe, folder or link): choose a new file name, or --out - to write to standard output")

// WriteValuesFile writes the values as JSON, readable by the owner only,
// through a temp file and rename so a half-written file never stands in
// for a good one. The wizard uses it too when the keychain refused. The
// temp file is removed on every path; on Linux it has no name until it is
// complete, so even a kill leaves nothing behind.
func WriteValuesFile(path string, rec credstore.Record, vals credstore.Values, now time.Time) error {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s %w", path, ErrNotRegularFile)
	}
	data, err := valuesJSON(rec, vals, now)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := writeUnnamed(dir, path, data); err != errNoUnnamed {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".dcrwizard-export-*")
	if err != nil {
		return fmt.Errorf("could not write in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // gone after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("could not protect the file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}

// updateBody is an RFC 7592 update's metadata: what the read returned (an
// update replaces the whole registration), with this registration's client_id.
func updateBody(cur *flow.Registration, rec credstore.Record) map[string]any {
	md := make(map[string]any, len(cur.Metadata)+2)
	for k, v := range cur.Metadata {
		md[k] = v
	}
	md["client_id"] = rec.ClientID
	return md
}

// keepCertificate puts the registered certificate back into an RFC 7592
// update when the read left it out: an update replaces the whole metadata,
// and a PUT without x509_certificate would drop the one thing the ATO
// checks sign-ins against.
func keepCertificate(md map[string]any, rec credstore.Record) {
	if v, ok := md["x509_certificate"].(string); ok && v != "" {
		return
	}
	if _, jwks := md["jwks_uri"]; jwks || len(rec.CertificateDER) == 0 {
		return
	}
	md["x509_certificate"] = base64.StdEncoding.EncodeToString(rec.CertificateDER)
}

// valuesJSON is the export's content.
func valuesJSON(rec credstore.Record, vals credstore.Values, now time.Time) ([]byte, error) {
	f := ValuesFile{
		Warning: secretWarning, Name: rec.Name, Environment: rec.Environment,
		ClientID: vals.ClientID, RegistrationAccessToken: vals.RegistrationAccessToken,
		RegistrationClientURI: vals.RegistrationClientURI, Receipt: rec.Receipt,
		ExportedAt: now.UTC().Format(time.RFC3339),
	}
	if f.ClientID == "" {
		f.ClientID = rec.ClientID
	}
	if !rec.IssuedAt.IsZero() {
		f.ClientIDIssuedAt = rec.IssuedAt.UTC().Format(time.RFC3339)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
