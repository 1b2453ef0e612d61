package credstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dcrwizard/internal/oslock"
)

const (
	indexName    = "index.json"
	lockName     = "index.lock"
	pendingDir   = "pending"
	indexVersion = 1
)

// indexFile is index.json. It holds no secrets.
type indexFile struct {
	Version       int      `json:"version"`
	Service       string   `json:"service"`
	Registrations []Record `json:"registrations"`
}

func (ix *indexFile) find(clientID string) (Record, bool) {
	for _, r := range ix.Registrations {
		if r.ClientID == clientID {
			return r, true
		}
	}
	return Record{}, false
}

// put replaces the record with the same client ID or adds it.
func (ix *indexFile) put(rec Record) {
	for i, r := range ix.Registrations {
		if r.ClientID == rec.ClientID {
			ix.Registrations[i] = rec
			return
		}
	}
	ix.Registrations = append(ix.Registrations, rec)
}

func (ix *indexFile) remove(clientID string) {
	ix.Registrations = slices.DeleteFunc(ix.Registrations, func(r Record) bool { return r.ClientID == clientID })
}

// newest returns the most recently stored record with this name in env.
func (ix *indexFile) newest(env, name string) (Record, bool) {
	var best Record
	found := false
	for _, r := range ix.Registrations {
		if r.Environment == env && r.Name == name && (!found || !r.StoredAt.Before(best.StoredAt)) {
			best, found = r, true
		}
	}
	return best, found
}

// sameName lists the client IDs of the registrations named exactly name in
// env, other than clientID.
func (ix *indexFile) sameName(env, name, clientID string) []string {
	var out []string
	for _, r := range ix.Registrations {
		if r.Environment == env && r.Name == name && r.ClientID != clientID {
			out = append(out, r.ClientID)
		}
	}
	return out
}

// caseVariant returns a name of a registration in env (other than
// clientID's) equal to name without case but not exactly.
func (ix *indexFile) caseVariant(env, name, clientID string) (string, bool) {
	for _, r := range ix.Registrations {
		if r.Environment == env && r.ClientID != clientID && r.Name != name && strings.EqualFold(r.Name, name) {
			return r.Name, true
		}
	}
	return "", false
}

// caseVariants lists the distinct names in env equal to name without case
// but not exactly.
func (ix *indexFile) caseVariants(env, name string) []string {
	var out []string
	for _, r := range ix.Registrations {
		if r.Environment == env && r.Name != name && strings.EqualFold(r.Name, name) && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// newerIndex reports, under the lock, an index.json that cannot be read or
// comes from a newer version (and so must not be written).
func (s *Store) newerIndex(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := s.lockIndex(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	_, newer, err := s.loadIndex(ctx)
	if err != nil {
		return err
	}
	return newer
}

// readIndex returns a copy of the index.
func (s *Store) readIndex(ctx context.Context) (*indexFile, error) {
	var out *indexFile
	err := s.withIndex(ctx, false, func(ix *indexFile) error {
		out = ix
		return nil
	})
	return out, err
}

// withIndex runs fn on the index under the in-process mutex and the index.lock
// file (another DCR Wizard process may be writing); with write, what fn left
// is written back atomically.
func (s *Store) withIndex(ctx context.Context, write bool, fn func(*indexFile) error) error {
	if s.dirErr != nil {
		return s.dirErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensureDir(s.dir); err != nil {
		return err
	}
	unlock, err := s.lockIndex(ctx)
	if err != nil {
		return err
	}
	defer unlock()

	ix, newer, err := s.loadIndex(ctx)
	if err != nil {
		return err
	}
	if err := fn(ix); err != nil {
		return err
	}
	if !write {
		return nil
	}
	if newer != nil {
		return newer
	}
	return s.writeIndex(ix)
}

// writeIndex writes ix as index.json (the lock held), keeping the file it
// replaces as index.json.prev.
func (s *Store) writeIndex(ix *indexFile) error {
	data, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		return err
	}
	s.keepPrevious()
	if err := writeFileAtomic(s.dir, indexName, append(data, '\n'), s.beforeRename); err != nil {
		return fmt.Errorf("the list of saved registrations (%s) could not be written: %w", filepath.Join(s.dir, indexName), err)
	}
	return nil
}

// loadIndex reads index.json, the lock held. A damaged file is renamed
// aside, never deleted, and the index is rebuilt (recoverIndex) from what it
// still holds, its previous copy and the keychain; so is a missing one that
// left a trace. A rebuilt index is written at once, even by a command that
// only reads, so that the next one finds it. newer is set when the file
// comes from a newer version and must not be overwritten.
func (s *Store) loadIndex(ctx context.Context) (ix *indexFile, newer error, err error) {
	path := filepath.Join(s.dir, indexName)
	// We hold the lock, so any temp file is a leftover of a crash before rename.
	if leftovers, _ := filepath.Glob(filepath.Join(s.dir, indexName+".tmp-*")); len(leftovers) > 0 {
		for _, l := range leftovers {
			_ = os.Remove(l)
		}
	}
	data, err := readRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		ix, rebuilt := s.recoverIndex(ctx, nil)
		s.persistRebuilt(ix, rebuilt)
		return ix, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the list of saved registrations (%s) could not be read: %w", path, err)
	}
	var got indexFile
	if jerr := json.Unmarshal(data, &got); jerr != nil || got.Version < 1 {
		aside := path + ".corrupt-" + time.Now().UTC().Format("20060102T150405.000000000Z")
		if rerr := os.Rename(path, aside); rerr != nil {
			return nil, nil, fmt.Errorf("the list of saved registrations (%s) is damaged and could not be moved aside: %w", path, rerr)
		}
		ix, rebuilt := s.recoverIndex(ctx, data)
		s.persistRebuilt(ix, rebuilt)
		return ix, nil, nil
	}
	if got.Version > indexVersion {
		newer = &NewerIndexError{Path: path, Version: got.Version}
	}
	if got.Service == "" {
		got.Service = Service
	}
	if newer == nil && s.mergeKeychain(ctx, &got) {
		s.persistRebuilt(&got, true)
	}
	return &got, newer, nil
}

// persistRebuilt writes a rebuilt index. If it cannot be written, the
// rebuilt one is still what this command uses (and the next rebuilds it).
func (s *Store) persistRebuilt(ix *indexFile, rebuilt bool) {
	if rebuilt {
		_ = s.writeIndex(ix)
	}
}

// setAside lists damaged index files kept beside the index.
func (s *Store) setAside() []string {
	if s.dirErr != nil {
		return nil
	}
	paths, _ := filepath.Glob(filepath.Join(s.dir, indexName+".corrupt-*"))
	return paths
}

// lockIndex takes index.lock: an OS file lock (flock / LockFileEx) that the
// OS releases when its holder ends, however it ends. It is never taken from
// a live holder, however slow (a save waiting on the keychain): others wait,
// up to the Store's timeout, then are told the list is in use. What the file
// holds does not matter (older versions wrote a PID in it), and it is never
// removed: a waiter may have it open, and on Windows the lock belongs to that
// open handle.
func (s *Store) lockIndex(ctx context.Context) (func(), error) {
	path := filepath.Join(s.dir, lockName)
	start := time.Now()
	wait, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	l, err := oslock.Acquire(wait, path)
	switch {
	case err == nil:
		return func() { _ = l.Release() }, nil
	case errors.Is(err, oslock.ErrBusy) && errors.Is(ctx.Err(), context.Canceled):
		// The caller stopped waiting (Ctrl-C, SIGTERM, Cancel).
		return nil, fmt.Errorf("stopped while waiting for the list of saved registrations (%s), in use by another DCR Wizard window: %w", path, context.Cause(ctx))
	case errors.Is(err, oslock.ErrBusy):
		return nil, &InUseError{Path: path, Waited: time.Since(start)}
	default:
		return nil, fmt.Errorf("the list of saved registrations could not be locked (%s): %w", path, err)
	}
}

// writeFileAtomic writes dir/name through a temp file in the same folder:
// write, fsync, rename, fsync the folder. A crash leaves either the old or the
// new file, never a torn one. Files are 0600.
func writeFileAtomic(dir, name string, data []byte, beforeRename func(tmp string)) (err error) {
	f, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if beforeRename != nil {
		beforeRename(tmp)
	}
	if err = os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the OS allows (not on Windows).
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
