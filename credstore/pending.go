package credstore

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Pending notes a registration about to be sent to the ATO. It holds no
// secrets. One left over at start-up means a registration may exist at the ATO
// that this computer never saw: show it to the user.
type Pending struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Environment  string    `json:"environment"`
	Started      time.Time `json:"started"`
	CredentialID string    `json:"credential_id,omitzero"`
	// Action is what was about to be sent: "" for a new registration,
	// PendingRenew for an update of registration ClientID with a renewed
	// credential (CredentialID, CertificateSHA256: the new one).
	Action            string `json:"action,omitzero"`
	CertificateSHA256 string `json:"certificate_sha256,omitzero"`

	// Set by MarkAccepted once the ATO has answered: what it returned that is
	// not secret, so that a process killed before the keychain write still
	// leaves the client id behind.
	Accepted              time.Time `json:"accepted,omitzero"`
	ClientID              string    `json:"client_id,omitzero"`
	RegistrationClientURI string    `json:"registration_client_uri,omitzero"`
	Receipt               string    `json:"receipt,omitzero"`

	// Unreadable: the note's file could not be read as a note (damaged,
	// or not a plain file); only ID is known. It is listed, never dropped:
	// it may stand for a registration the ATO accepted.
	Unreadable bool `json:"-"`
}

// PendingRenew marks a pending note of a renewal (an RFC 7592 update).
const PendingRenew = "renew"

var pendingIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (s *Store) pendingPath(id string) (string, error) {
	if s.dirErr != nil {
		return "", s.dirErr
	}
	if !pendingIDPattern.MatchString(id) {
		return "", fmt.Errorf("%q is not a pending-registration ID", id)
	}
	return filepath.Join(s.dir, pendingDir, id+".json"), nil
}

// BeginPending writes a pending record (durably, before the DCR request is
// sent) and returns its ID. p.ID and p.Started are filled in when empty.
func (s *Store) BeginPending(p Pending) (string, error) {
	if p.ID == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		p.ID = hex.EncodeToString(b[:])
	}
	if p.Started.IsZero() {
		p.Started = s.now()
	}
	path, err := s.pendingPath(p.ID)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := s.ensureDir(s.dir); err != nil {
		return "", err
	}
	if err := s.ensureDir(dir); err != nil {
		return "", err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(dir, p.ID+".json", append(data, '\n'), nil); err != nil {
		return "", fmt.Errorf("a note of the registration about to be sent could not be written (%s): %w", path, err)
	}
	return p.ID, nil
}

// MarkAccepted rewrites pending record p.ID (durably) with the ATO's
// non-secret answer: client id, registration client URI and receipt.
// Accepted is filled in when empty.
func (s *Store) MarkAccepted(p Pending) error {
	if p.ID == "" {
		return errors.New("MarkAccepted needs the ID BeginPending returned")
	}
	if p.Accepted.IsZero() {
		p.Accepted = s.now()
	}
	_, err := s.BeginPending(p)
	return err
}

// ClearPending removes a pending record; one already gone is not an error.
func (s *Store) ClearPending(id string) error {
	path, err := s.pendingPath(id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the note of a finished registration could not be removed (%s): %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// Pending lists pending records, oldest first. A record that cannot be read
// is still listed, with only its ID, rather than hidden.
func (s *Store) Pending() ([]Pending, error) {
	if s.dirErr != nil {
		return nil, s.dirErr
	}
	dir := filepath.Join(s.dir, pendingDir)
	// Whoever can write in these folders could plant notes: only read
	// private ones (made so when they are ours).
	for _, d := range []string{s.dir, dir} {
		if _, err := os.Stat(d); err == nil {
			if err := secureDir(d); err != nil {
				return nil, err
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the notes of unfinished registrations (%s) could not be read: %w", dir, err)
	}
	var out []Pending
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || !pendingIDPattern.MatchString(id) {
			continue // temp files of a write in progress, or not ours
		}
		p := Pending{ID: id, Unreadable: true}
		// Never a FIFO or device: the open must not wait.
		if data, err := readRegular(filepath.Join(dir, e.Name())); err == nil {
			var got Pending
			if json.Unmarshal(data, &got) == nil {
				p = got
				p.ID = id // the file name is what ClearPending takes
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Pending) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}
