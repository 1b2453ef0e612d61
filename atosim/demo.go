package atosim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dcrwizard/m2m"
)

// Demo describes the credential files WriteDemo or WriteCredential made.
type Demo struct {
	Dir          string
	KeystorePath string // keystore.xml (ATO format)
	P12Path      string
	PEMPath      string
	Password     string
	CredentialID string
	ABN          string
	Name         string
}

// The practice credential's identity. The ABN passes the ABN checksum but is
// not a real business's.
const (
	demoABN  = "80000000001"
	demoName = "DCR Wizard Practice"
	demoID   = "ABRD:" + demoABN + "_PracticeMachine"
	// DemoValidity is how long WriteDemo's credential is valid.
	DemoValidity = 2 * 365 * 24 * time.Hour
)

// File names WriteDemo and WriteCredential use.
const (
	DemoKeystoreFile = "keystore.xml"
	DemoP12File      = "practice.p12"
	DemoPEMFile      = "practice.pem"
	DemoReadmeFile   = "README.txt"
)

// WriteDemo issues a practice credential valid for two years and writes it
// with WriteCredential. password "" means DemoPassword.
func (s *Simulator) WriteDemo(dir, password string) (Demo, error) {
	now := s.now()
	cred, err := s.IssueCredential(demoID, demoABN, demoName, now.Add(-time.Hour), now.Add(DemoValidity))
	if err != nil {
		return Demo{}, err
	}
	return s.WriteCredential(dir, cred, password)
}

// WriteCredential writes cred (normally from IssueCredential, with whatever
// validity a rehearsal needs: expired, expiring soon…) to dir as
// keystore.xml, .p12 and PEM, all protected by password ("" means
// DemoPassword), plus README.txt with the endpoints and API key. The files
// are readable by the owner only. A password other than DemoPassword is not
// written into the README.
func (s *Simulator) WriteCredential(dir string, cred *m2m.Credential, password string) (Demo, error) {
	if password == "" {
		password = DemoPassword
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Demo{}, fmt.Errorf("could not create the folder %s for the practice files: %w", dir, err)
	}
	d := Demo{
		Dir:          dir,
		KeystorePath: filepath.Join(dir, DemoKeystoreFile),
		P12Path:      filepath.Join(dir, DemoP12File),
		PEMPath:      filepath.Join(dir, DemoPEMFile),
		Password:     password,
		CredentialID: cred.ID,
		ABN:          cred.ABN,
		Name:         cred.Name,
	}
	ks, err := m2m.MarshalKeystore([]*m2m.Credential{cred}, password)
	if err != nil {
		return Demo{}, fmt.Errorf("could not make the practice keystore: %w", err)
	}
	p12, err := m2m.MarshalPKCS12(cred, password)
	if err != nil {
		return Demo{}, fmt.Errorf("could not make the practice .p12 file: %w", err)
	}
	pemData, err := m2m.MarshalPEM(cred, password)
	if err != nil {
		return Demo{}, fmt.Errorf("could not make the practice PEM file: %w", err)
	}
	s.mu.Lock()
	base := s.baseURL
	s.mu.Unlock()
	files := []struct {
		path string
		data []byte
	}{
		{d.KeystorePath, ks},
		{d.P12Path, p12},
		{d.PEMPath, pemData},
		{filepath.Join(dir, DemoReadmeFile), []byte(s.readme(base, d, cred))},
	}
	for _, f := range files {
		if err := writeFilePrivate(f.path, f.data); err != nil {
			return Demo{}, err
		}
	}
	return d, nil
}

// readme explains the simulator to whoever finds the demo folder.
func (s *Simulator) readme(base string, d Demo, cred *m2m.Credential) string {
	if base == "" {
		base = "http://<address the simulator listens on>"
	}
	password := "the password chosen when these files were made"
	if d.Password == DemoPassword {
		password = DemoPassword + " (published: this credential is for practice only)"
	}
	e := s.Endpoints(base)
	var b strings.Builder
	fmt.Fprintf(&b, "DCR Wizard practice simulator (an ATO look-alike; nothing here reaches the ATO)\n\n")
	fmt.Fprintf(&b, "Token endpoint:          %s\n", e.TokenURL)
	fmt.Fprintf(&b, "Registration (DCR) URL:  %s\n", e.RegistrationURL)
	fmt.Fprintf(&b, "Registration client id:  %s\n", e.RegistrationClientID)
	fmt.Fprintf(&b, "Scope:                   %s\n", e.Scope)
	fmt.Fprintf(&b, "Consumer (API) key:      %s\n\n", s.APIKey())
	fmt.Fprintf(&b, "Practice credential %q (ABN %s, %s)\n", d.CredentialID, d.ABN, d.Name)
	fmt.Fprintf(&b, "valid %s to %s, password: %s\n", cred.NotBefore.UTC().Format(time.DateOnly), cred.NotAfter.UTC().Format(time.DateOnly), password)
	fmt.Fprintf(&b, "  %s  ATO keystore\n  %s  PKCS#12\n  %s  PEM (certificate chain and encrypted key)\n\n",
		DemoKeystoreFile, DemoP12File, DemoPEMFile)
	fmt.Fprintf(&b, "The credential and API key work with this simulator only, and only while it runs:\n")
	fmt.Fprintf(&b, "each start makes a new certificate authority and a new key.\n")
	fmt.Fprintf(&b, "Sandbox test scenarios: client_name %s gives 400 invalid_request, %s gives 401.\n",
		ScenarioInvalidRequest, ScenarioUnauthorised)
	return b.String()
}

// writeFilePrivate writes data to path (mode 0600) through a temporary file
// in the same folder, so a reader never sees half a file.
func writeFilePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}

// DemoRenewedKeystoreFile is where WriteRenewedDemo puts the renewed
// practice credential, named as RAM names a renewed keystore.
const DemoRenewedKeystoreFile = "keystore-new.xml"

// WriteRenewedDemo renews the practice credential as RAM renews a machine
// credential: the same id, ABN and name, a new key and a certificate valid
// for two years from now, written to dir/keystore-new.xml (password ""
// means DemoPassword). With revokeOld, every older certificate of that
// credential this simulator has seen registered is revoked, so a
// registration that was not updated stops signing in, as at the ATO.
func (s *Simulator) WriteRenewedDemo(dir, password string, revokeOld bool) (Demo, error) {
	if password == "" {
		password = DemoPassword
	}
	now := s.now()
	cred, err := s.IssueCredential(demoID, demoABN, demoName, now.Add(-time.Minute), now.Add(DemoValidity))
	if err != nil {
		return Demo{}, err
	}
	if revokeOld {
		s.revokeRegisteredFor(demoABN, cred.Certificate.Raw)
	}
	ks, err := m2m.MarshalKeystore([]*m2m.Credential{cred}, password)
	if err != nil {
		return Demo{}, fmt.Errorf("could not make the renewed practice keystore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Demo{}, fmt.Errorf("could not create the folder %s for the practice files: %w", dir, err)
	}
	d := Demo{Dir: dir, KeystorePath: filepath.Join(dir, DemoRenewedKeystoreFile), Password: password,
		CredentialID: cred.ID, ABN: cred.ABN, Name: cred.Name}
	return d, writeFilePrivate(d.KeystorePath, ks)
}
