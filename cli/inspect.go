package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"dcrwizard/m2m"
)

// keystoreFlags are the flags that choose a credential.
type keystoreFlags struct {
	path, keyPath, credential string
	pw                        passwordSource
}

func (k *keystoreFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&k.path, "keystore", "", "the M2M credential `FILE`: ATO keystore.xml, .p12/.pfx, or PEM")
	fs.StringVar(&k.keyPath, "key", "", "PEM private key `FILE`, when the key is not in the --keystore file")
	fs.StringVar(&k.credential, "credential", "", "the credential `ID` (alias) inside the keystore; needed when it holds several")
	k.pw.register(fs)
}

// load opens the keystore with the password from its source.
func (k *keystoreFlags) load(ctx context.Context, st Streams) (*m2m.Store, error) {
	if k.path == "" {
		return nil, inputError{errors.New("choose the credential file with --keystore FILE")}
	}
	// A pipe, device or folder is no credential file, and opening a pipe
	// would wait for a writer that may never come.
	for _, p := range []string{k.path, k.keyPath} {
		if fi, err := os.Stat(p); p != "" && err == nil && !fi.Mode().IsRegular() {
			return nil, inputError{fmt.Errorf("%s is not a file (it is a pipe, device or folder): choose the credential file itself", p)}
		}
	}
	pw, given, err := k.pw.read(ctx, st)
	if err != nil {
		return nil, inputError{err}
	}
	store, err := waitFor(ctx, func() (*m2m.Store, error) { return k.open(pw, given) })
	if errors.Is(err, errInterrupted) {
		return nil, inputError{err}
	}
	return store, err
}

// open reads and decrypts the credential file.
func (k *keystoreFlags) open(pw string, given bool) (*m2m.Store, error) {
	var err error
	var store *m2m.Store
	if k.keyPath != "" {
		certPEM, err := readCapped(k.path, m2m.MaxFileSize)
		if err != nil {
			return nil, inputError{fmt.Errorf("could not read %s: %w", k.path, err)}
		}
		keyPEM, err := readCapped(k.keyPath, m2m.MaxFileSize)
		if err != nil {
			return nil, inputError{fmt.Errorf("could not read %s: %w", k.keyPath, err)}
		}
		store, err = m2m.ParsePEM(certPEM, keyPEM, pw)
		if err != nil {
			return nil, inputError{err}
		}
	} else {
		store, err = m2m.Open(k.path, pw)
	}
	if err != nil {
		if errors.Is(err, m2m.ErrWrongPassword) && !given {
			return nil, inputError{errNoPassword}
		}
		if errors.Is(err, m2m.ErrWrongPassword) && k.pw.encoding != encodingPlain {
			return nil, inputError{fmt.Errorf("%w %s", err, wrongPasswordNote(k.pw.encoding))}
		}
		return nil, inputError{err}
	}
	return store, nil
}

// loadOne opens the keystore and chooses its credential (pick).
func (k *keystoreFlags) loadOne(ctx context.Context, st Streams) (*m2m.Credential, error) {
	store, err := k.load(ctx, st)
	if err != nil {
		return nil, err
	}
	return k.pick(store)
}

// pick chooses the credential named by --credential, or the only one.
func (k *keystoreFlags) pick(store *m2m.Store) (*m2m.Credential, error) {
	if k.credential != "" {
		c, err := store.Get(k.credential)
		if err != nil {
			return nil, inputError{err}
		}
		return c, nil
	}
	if len(store.Credentials) == 1 {
		return store.Credentials[0], nil
	}
	return nil, inputError{fmt.Errorf("this keystore holds %d credentials; choose one with --credential ID (run 'dcrwizard inspect' to list them): %v",
		len(store.Credentials), store.IDs())}
}

// credentialJSON is the inspect output of one credential.
type credentialJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ABN       string `json:"abn"`
	Serial    string `json:"serial"`
	SHA1      string `json:"sha1_fingerprint"`
	NotBefore string `json:"not_before"`
	NotAfter  string `json:"not_after"`
	Verdict   string `json:"verdict"`
	Message   string `json:"message,omitempty"`
}

func describe(c *m2m.Credential, now time.Time) credentialJSON {
	v := c.Verdict(now)
	return credentialJSON{
		ID: c.ID, Name: c.Name, ABN: c.ABN, Serial: c.Serial, SHA1: c.SHA1,
		NotBefore: c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:  c.NotAfter.UTC().Format(time.RFC3339),
		Verdict:   string(v.Status), Message: v.Message,
	}
}

// inspectJSON is what inspect shows: the keystore and its credentials.
type inspectJSON struct {
	File        string           `json:"file"`
	Format      string           `json:"format"`
	Credentials []credentialJSON `json:"credentials"`
}

func runInspect(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("inspect", st)
	var k keystoreFlags
	var o outputFlag
	k.register(fs)
	o.register(fs)
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	rep := o.reporter(st)
	store, err := k.load(ctx, st)
	if err != nil {
		return rep.fail(err)
	}
	creds := store.Credentials
	if k.credential != "" {
		c, err := k.pick(store)
		if err != nil {
			return rep.fail(err)
		}
		creds = []*m2m.Credential{c}
	}
	now := time.Now()
	out := inspectJSON{File: k.path, Format: string(store.Format)}
	for _, c := range creds {
		out.Credentials = append(out.Credentials, describe(c, now))
	}
	return rep.show(out, ExitOK)
}

func (out inspectJSON) text(st Streams) {
	outf(st.Stdout, "%s — %s, %d credential(s)\n\n", out.File, out.Format, len(out.Credentials))
	for _, c := range out.Credentials {
		tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
		outf(tw, "ID\t%s\n", c.ID)
		outf(tw, "Name\t%s\n", c.Name)
		outf(tw, "ABN\t%s\n", c.ABN)
		outf(tw, "Serial\t%s\n", c.Serial)
		outf(tw, "SHA-1 fingerprint\t%s\n", c.SHA1)
		outf(tw, "Valid from\t%s\n", c.NotBefore)
		outf(tw, "Valid until\t%s\n", c.NotAfter)
		outf(tw, "Verdict\t%s\n", c.Verdict)
		if c.Message != "" {
			outf(tw, "\t%s\n", c.Message)
		}
		tw.Flush()
		fmt.Fprintln(st.Stdout)
	}
}
