package registrar

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
)

// Restore hands back a registration access token DCR Wizard had to show
// because the keychain would not keep it: a rotated token (check, rename,
// renew: exit 4), or a whole registration whose save failed (register:
// exit 4; or its index entry could not be written, e.g. on a full disk, so
// that its items are in the keychain but it is not listed).

// RestoreInput is a token to hand back.
type RestoreInput struct {
	ClientID string
	Token    string
	// ConsumerKey is needed only when none is kept with the registration
	// (the zero Key uses the kept one).
	ConsumerKey consumerkey.Key
}

// RestoreResult is a token checked with the ATO and stored.
type RestoreResult struct {
	Record credstore.Record
	// Rotated: the ATO issued a new token as it was checked; that one is stored.
	Rotated bool
	// Listed: the registration was missing from this computer's list and
	// was put back from the note of its unfinished save.
	Listed bool
}

// MaxTokenLength bounds a token handed back (a JWT of 1–2 KB; the
// keychains hold at most about 2.5 KB).
const MaxTokenLength = 16 << 10

// ErrNotAToken: what was given cannot be a registration access token.
var ErrNotAToken = errors.New("that is not a registration access token: it is empty, too long, or holds spaces, line breaks or other characters a token never has. Paste the token exactly as DCR Wizard printed it")

// TokenRefusedError: the ATO did not accept the token for this registration
// (not its current token, or another registration's). Nothing was stored.
type TokenRefusedError struct {
	ClientID string
	Err      error
}

func (e *TokenRefusedError) Error() string {
	return "token refused for registration " + e.ClientID
}

// Words is what a person reads about it (guidance.Words shows it).
func (e *TokenRefusedError) Words() string {
	return "The ATO did not accept this token for registration " + e.ClientID + ": it is not the registration's current registration access token " +
		"(an older one the ATO has since replaced, or the token of another registration). Nothing was stored: the keychain keeps what it had."
}

// Action says what to do, for the command line's "What to do".
func (e *TokenRefusedError) Action() string {
	return "Hand back the newest token DCR Wizard printed for this registration. If none works, the registration can no longer be changed from this computer (your software can still sign in with its client ID): contact the ATO, or register this installation again."
}

func (e *TokenRefusedError) Unwrap() error { return e.Err }

// Restore checks a token against the ATO (an RFC 7592 read with it) and
// stores it — or the token the ATO issues in its place as it is read. A
// registration missing from the list but named by a pending note (its save
// failed after the ATO accepted it) is listed again.
func (r *Registrar) Restore(ctx context.Context, in RestoreInput) (*RestoreResult, error) {
	token, err := cleanToken(in.Token)
	if err != nil {
		return nil, err
	}
	release, err := r.lockRegistration(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	defer release()
	rec, vals, note, err := r.restoreTarget(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	key := vals.ConsumerKey
	if !in.ConsumerKey.IsZero() {
		key = in.ConsumerKey
	}
	if key.IsZero() {
		return nil, fmt.Errorf("%s (%s): %w", rec.Name, rec.ClientID, ErrNoConsumerKey)
	}
	uri := vals.RegistrationClientURI
	if uri == "" {
		uri = rec.RegistrationClientURI
	}
	reg, err := r.Flow.Read(ctx, uri, token, key)
	var fe *flow.Error
	if errors.As(err, &fe) && fe.Status == 401 {
		return nil, &TokenRefusedError{ClientID: rec.ClientID, Err: err}
	}
	if err != nil {
		return nil, err
	}
	if reg.ClientID != rec.ClientID {
		return nil, &TokenRefusedError{ClientID: rec.ClientID, Err: fmt.Errorf("the ATO answered for client id %q", reg.ClientID)}
	}
	// From here the token given may be dead (rotated by this read): the
	// one to keep is reg's, and a Cancel must not stop keeping it.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SaveTimeout)
	defer cancel()
	res := &RestoreResult{Record: rec, Rotated: reg.RegistrationAccessToken != token}
	if note == nil {
		if err := r.Store.UpdateToken(saveCtx, rec.ClientID, reg.RegistrationAccessToken); err != nil {
			return nil, err
		}
		if !key.Same(vals.ConsumerKey) {
			if err := r.Store.SetConsumerKey(saveCtx, rec.ClientID, key); err != nil {
				return res, fmt.Errorf("the token is stored, but the consumer (API) key could not be kept with it: %w", err)
			}
		}
		return res, nil
	}
	recordCertificate(&rec, reg)
	err = r.Store.Save(saveCtx, rec, credstore.Values{ClientID: rec.ClientID, RegistrationAccessToken: reg.RegistrationAccessToken,
		RegistrationClientURI: uri, ConsumerKey: key})
	var nameErr *credstore.NameItemError
	if err != nil && !errors.As(err, &nameErr) {
		return nil, err
	}
	_ = r.Store.ClearPending(note.ID)
	res.Record, res.Listed = rec, true
	return res, nil
}

// restoreTarget finds the registration a token is handed back for: in the
// list (its token item may be missing), or else in the pending note of a
// registration the ATO accepted whose save did not finish.
func (r *Registrar) restoreTarget(ctx context.Context, clientID string) (credstore.Record, credstore.Values, *credstore.Pending, error) {
	rec, vals, err := r.Store.Get(ctx, clientID)
	var nf *credstore.NotFoundError
	switch {
	case err == nil:
		return rec, vals, nil, nil
	case !errors.As(err, &nf):
		return rec, vals, nil, err
	case nf.Item != "":
		// Listed, but the keychain lost the token: the URI is in the list.
		key, kerr := r.Store.KeptConsumerKey(ctx, rec.Environment, rec.ClientID)
		if kerr != nil {
			return rec, vals, nil, kerr
		}
		return rec, credstore.Values{ClientID: rec.ClientID, RegistrationClientURI: rec.RegistrationClientURI, ConsumerKey: key}, nil, nil
	}
	notes, perr := r.Store.Pending()
	if perr != nil {
		return rec, vals, nil, errors.Join(err, perr)
	}
	for _, p := range notes {
		if p.ClientID == clientID && p.Action == "" && p.RegistrationClientURI != "" {
			rec := credstore.Record{Name: p.Name, Environment: p.Environment, ClientID: p.ClientID,
				RegistrationClientURI: p.RegistrationClientURI, Receipt: p.Receipt, CredentialID: p.CredentialID, IssuedAt: p.Accepted}
			key, kerr := r.Store.KeptConsumerKey(ctx, rec.Environment, rec.ClientID)
			if kerr != nil {
				return rec, vals, nil, kerr
			}
			return rec, credstore.Values{ClientID: rec.ClientID, RegistrationClientURI: rec.RegistrationClientURI, ConsumerKey: key}, &p, nil
		}
	}
	return rec, vals, nil, fmt.Errorf("%w (no note of an unfinished registration names it either: see dcrwizard pending)", err)
}

// recordCertificate keeps, in a record put back from a pending note, the
// certificate the ATO holds: an update sends it back, and a renewal is told
// apart from it.
func recordCertificate(rec *credstore.Record, reg *flow.Registration) {
	b64, _ := reg.Metadata["x509_certificate"].(string)
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(der) == 0 {
		return
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return
	}
	sum := sha256.Sum256(der)
	rec.CertificateDER, rec.CertificateSHA256 = der, hex.EncodeToString(sum[:])
	rec.CredentialSerial, rec.CredentialNotAfter = cert.SerialNumber.String(), cert.NotAfter
	if !reg.IssuedAt.IsZero() {
		rec.IssuedAt = reg.IssuedAt
	}
}

// cleanToken trims what a paste brings along and refuses what cannot be a
// token: a JWT is printable ASCII without spaces.
func cleanToken(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxTokenLength {
		return "", ErrNotAToken
	}
	for _, c := range s {
		if c > unicode.MaxASCII || !unicode.IsPrint(c) || unicode.IsSpace(c) {
			return "", ErrNotAToken
		}
	}
	return s, nil
}
