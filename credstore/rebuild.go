package credstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// AccountLister is a Keyring that can list the accounts it holds under a
// service: names only, never a secret. With it a lost or damaged index.json
// is rebuilt from the keychain. The system keychain lists on Linux (Secret
// Service), Windows (Credential Manager) and macOS (`security
// dump-keychain`).
type AccountLister interface {
	Accounts(service string) ([]string, error)
}

// prevName is the previous index.json, kept as a hard link at each write:
// what a missing index is rebuilt from, and the trace that there was one.
const prevName = indexName + ".prev"

// errCannotList: this keychain cannot list its items.
var errCannotList = errors.New("this keychain cannot list its items")

// rebuildNote is what this Store rebuilt since it was opened.
type rebuildNote struct {
	at          time.Time
	restored    bool  // from the previous copy of the index
	keychainErr error // the keychain could not be searched
}

// keepPrevious hard-links index.json as index.json.prev before it is
// replaced: no data is copied, and the old file lives on under that name. A
// file system without hard links (FAT) simply keeps no copy.
func (s *Store) keepPrevious() {
	prev := filepath.Join(s.dir, prevName)
	tmp := prev + ".tmp"
	_ = os.Remove(tmp)
	// Linked under a temp name first: with no index.json (it was just set
	// aside) the last copy stays.
	if os.Link(filepath.Join(s.dir, indexName), tmp) == nil {
		if os.Rename(tmp, prev) != nil {
			_ = os.Remove(tmp)
		}
	}
}

// recoverIndex builds the index when index.json is damaged (damaged holds
// what it had; it was set aside already) or missing (damaged nil). It keeps
// every whole record the damaged file still has, those of the previous copy
// whose token is still in the keychain, and adds every registration whose
// token the keychain holds and the index lacks. rebuilt is false when there
// was nothing to go on: no damaged file, no previous copy and no damaged
// file set aside before — a new settings folder, started empty without
// searching the keychain.
func (s *Store) recoverIndex(ctx context.Context, damaged []byte) (ix *indexFile, rebuilt bool) {
	ix = &indexFile{Version: indexVersion, Service: Service}
	if damaged != nil {
		ix.Registrations = salvage(damaged)
	}
	prev, prevOK := s.readPrevious()
	if damaged == nil && !prevOK && len(s.setAside()) == 0 {
		return ix, false
	}
	note := &rebuildNote{at: s.now().UTC(), restored: prevOK}
	found, err := s.keychainRecords(ctx)
	if err != nil {
		note.keychainErr = err
	}
	onKeychain := map[string]bool{}
	for _, r := range found {
		onKeychain[r.ClientID] = true
	}
	for _, r := range prev {
		// A registration forgotten since the copy was made has no token.
		if _, ok := ix.find(r.ClientID); !ok && (err != nil || onKeychain[r.ClientID]) {
			ix.put(r)
		}
	}
	s.addFound(ix, found)
	// A damaged file set aside is told while it is there (List); a
	// missing index, or a keychain that could not be searched, leaves no
	// such trace: told for as long as this Store lives.
	if damaged == nil || err != nil {
		s.rebuilt = note
	}
	return ix, true
}

// mergeKeychain adds to a readable index the registrations the keychain
// holds and it lacks, while a damaged index is set aside (an older version
// started a new, empty list then). Tried once per Store: a keychain that
// does not answer must not stall every read of the index.
func (s *Store) mergeKeychain(ctx context.Context, ix *indexFile) bool {
	if s.merged || len(s.setAside()) == 0 {
		return false
	}
	s.merged = true
	found, err := s.keychainRecords(ctx)
	if err != nil {
		return false
	}
	return s.addFound(ix, found) > 0
}

// addFound adds the records found in the keychain that ix lacks.
func (s *Store) addFound(ix *indexFile, found []Record) int {
	n := 0
	for _, r := range found {
		if _, ok := ix.find(r.ClientID); !ok {
			ix.put(r)
			n++
		}
	}
	return n
}

// readPrevious reads index.json.prev, if it is there and whole.
func (s *Store) readPrevious() ([]Record, bool) {
	data, err := readRegular(filepath.Join(s.dir, prevName))
	if err != nil {
		return nil, false
	}
	var got indexFile
	if json.Unmarshal(data, &got) != nil || got.Version < 1 {
		return nil, false
	}
	return got.Registrations, true
}

// salvage returns the whole registrations a damaged index.json still holds:
// those before the point where it was cut short or broken.
func salvage(data []byte) []Record {
	var out []Record
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return out
		}
		if key != "registrations" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return out
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return out
		}
		for dec.More() {
			var r Record
			if dec.Decode(&r) != nil {
				return out
			}
			if validate(r.Environment, r.ClientID) == nil && !slices.ContainsFunc(out, func(o Record) bool { return o.ClientID == r.ClientID }) {
				out = append(out, r)
			}
		}
		return out
	}
	return out
}

// keychainRecords lists the registrations the keychain holds: one per
// registration access token item, with its registration client URI item and
// the name whose name item points at it. What the keychain does not hold is
// left empty (see LAYOUT.md); Recovered and StoredAt are now.
func (s *Store) keychainRecords(ctx context.Context) ([]Record, error) {
	lister, ok := s.kr.(AccountLister)
	if !ok {
		return nil, errCannotList
	}
	// One bound for the whole search: it runs under index.lock.
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	var accounts []string
	// accounts is read only after call returned f's result.
	if _, err := s.call(ctx, "list", func() (string, error) {
		var err error
		accounts, err = lister.Accounts(Service)
		return "", err
	}); err != nil {
		return nil, err
	}
	found := parseAccounts(accounts)
	now := s.now().UTC()
	byKey := map[clientKey]*Record{}
	var keys []clientKey
	for k := range found.tokens {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b clientKey) int {
		return strings.Compare(a.env+"/"+a.id, b.env+"/"+b.id)
	})
	out := make([]Record, len(keys))
	for i, k := range keys {
		out[i] = Record{Environment: k.env, ClientID: k.id, StoredAt: now, Recovered: now}
		byKey[k] = &out[i]
		if found.uris[k] {
			uri, err := s.kcGet(ctx, URIAccount(k.env, k.id))
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			out[i].RegistrationClientURI = uri
		}
	}
	for _, n := range found.names {
		id, err := s.kcGet(ctx, NameAccount(n.env, n.name))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if r := byKey[clientKey{n.env, id}]; r != nil && r.Name == "" {
			r.Name = n.name
		}
	}
	return out, nil
}

// clientKey names a registration in the keychain; nameKey a name item.
type (
	clientKey struct{ env, id string }
	nameKey   struct{ env, name string }
)

// keychainAccounts is what the keychain's account names say: which
// registrations have a token item and a URI item, and which name items
// there are.
type keychainAccounts struct {
	tokens, uris map[clientKey]bool
	names        []nameKey
}

// parseAccounts sorts account names (LAYOUT.md) into keychainAccounts,
// skipping any it does not know.
func parseAccounts(accounts []string) keychainAccounts {
	found := keychainAccounts{tokens: map[clientKey]bool{}, uris: map[clientKey]bool{}}
	for _, acct := range accounts {
		env, rest, ok := strings.Cut(acct, "/")
		if !ok || env == "" {
			continue
		}
		if client, ok := strings.CutPrefix(rest, "client/"); ok {
			id, field, ok := strings.Cut(client, "/")
			if !ok || validate(env, id) != nil {
				continue
			}
			switch field {
			case "registration_access_token":
				found.tokens[clientKey{env, id}] = true
			case "registration_client_uri":
				found.uris[clientKey{env, id}] = true
			}
			continue
		}
		if n, ok := strings.CutPrefix(rest, "name/"); ok {
			if name, ok := strings.CutSuffix(n, "/client_id"); ok && name != "" {
				found.names = append(found.names, nameKey{env, name})
			}
		}
	}
	return found
}

// Recover adds to the list every registration whose registration access
// token the keychain holds and the list lacks, and returns those it added.
// It is the user's explicit way back after the settings folder was deleted
// whole or replaced (a new Windows profile, a wiped %AppData%): nothing on
// disk then says that registrations are missing, so no command searches the
// keychain by itself (LAYOUT.md). Records added have Recovered set.
func (s *Store) Recover(ctx context.Context) ([]Record, error) {
	var added []Record
	err := s.withIndex(ctx, true, func(ix *indexFile) error {
		found, err := s.keychainRecords(ctx)
		if err != nil {
			return fmt.Errorf("the keychain could not be searched: %w", err)
		}
		for _, r := range found {
			if _, ok := ix.find(r.ClientID); !ok {
				ix.put(r)
				added = append(added, r)
			}
		}
		return nil
	})
	return added, err
}
