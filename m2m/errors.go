package m2m

import (
	"errors"
	"fmt"
	"strings"
)

// The messages below are shown to users as they are, so they are whole
// sentences in plain English that say what to do. None of them ever holds a
// password or key material; the technical cause, where there is one, is kept
// behind Unwrap for logs and tests.

// ErrWrongPassword: the password does not unlock the file. A wrong password
// usually surfaces as bad padding or an unreadable key after decryption; both
// are reported as this error, never as a damaged file.
var ErrWrongPassword = errors.New("the password is not right for this file. Check Caps Lock and try again; it is the password set when the credential was installed/exported")

// ErrPasswordNeeded: the file is locked and no password was given. It
// matches ErrWrongPassword under errors.Is, so callers that branch on a
// wrong password need no extra case.
var ErrPasswordNeeded error = passwordNeeded{}

type passwordNeeded struct{}

func (passwordNeeded) Error() string {
	return "This file is locked with a password. Enter the password set when the credential was installed/exported."
}

func (passwordNeeded) Is(target error) bool { return target == ErrWrongPassword }

// ErrKeyMismatch: the private key does not belong to the certificate.
var ErrKeyMismatch = errors.New("the private key does not belong to this certificate. Choose the key file that was made together with this certificate, or use the .p12/.pfx or keystore.xml file that holds both")

// ErrKeyFileNeeded: the file holds certificates but no private key (a PEM or
// DER certificate on its own). ParsePEM with a second file fixes it.
var ErrKeyFileNeeded = errors.New("this file holds only the certificate, not its private key. Choose the private key file (.key or .pem) as well, or use the .p12/.pfx or keystore.xml file that holds both")

// ErrCertFileNeeded: the file holds a private key but no certificate.
var ErrCertFileNeeded = errors.New("this file holds only a private key, not its certificate. Choose the certificate file (.pem, .crt or .cer) as well, or use the .p12/.pfx or keystore.xml file that holds both")

// FormatError: the content is not a credential file this package reads.
type FormatError struct {
	Name   string // file name as the user knows it; may be empty
	Reason string // optional plain-English detail, e.g. "The file is empty."
}

func (e *FormatError) Error() string {
	var b strings.Builder
	if e.Name != "" {
		fmt.Fprintf(&b, "%q is not a credential file this program can read.", e.Name)
	} else {
		b.WriteString("This is not a credential file this program can read.")
	}
	if e.Reason != "" {
		b.WriteString(" " + e.Reason)
	}
	b.WriteString(" Choose an ATO keystore.xml, a PKCS#12 .p12/.pfx file, or PEM files.")
	return b.String()
}

// DamagedError: the file is of a known kind but one part of it cannot be
// read. Part names that part ("certificate chain of credential X").
type DamagedError struct {
	Part string
	Err  error // technical cause, for logs; not part of Error()
}

func (e *DamagedError) Error() string {
	part := e.Part
	if part == "" {
		part = "file"
	}
	var u *unsupportedError
	switch {
	case errors.As(e.Err, &u):
		return fmt.Sprintf("The %s is protected in a way this program cannot read. Export the credential again as a PKCS#12 (.p12/.pfx) file or ATO keystore.xml, and choose that file.", part)
	case errors.Is(e.Err, errTooMuchWork):
		return fmt.Sprintf("The %s asks for far more work to unlock than any real credential file, so it was not opened. Copy the file again from where it came from, or export the credential again.", part)
	}
	return fmt.Sprintf("The %s could not be read; the file may be damaged or incomplete. Copy the file again from where it came from, or export the credential again.", part)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// NotFoundError: no credential with the asked id is in the file.
type NotFoundError struct {
	ID        string
	Available []string
}

func (e *NotFoundError) Error() string {
	if len(e.Available) == 0 {
		return "This file holds no credentials. Install or export your M2M credential into it first, then choose the file again."
	}
	list := strings.Join(e.Available, ", ")
	if e.ID == "" {
		return fmt.Sprintf("This file holds several credentials: %s. Choose which one to use.", list)
	}
	return fmt.Sprintf("There is no credential called %q in this file. It holds: %s.", e.ID, list)
}

// WeakKeyError: the credential's key is not an RSA key of at least 2048 bits.
type WeakKeyError struct {
	Bits      int    // RSA modulus size; 0 when the key is not RSA
	Algorithm string // "RSA", or the kind of key found instead (e.g. "ECDSA")
}

func (e *WeakKeyError) Error() string {
	if e.Algorithm != "" && e.Algorithm != "RSA" {
		return fmt.Sprintf("This credential has a %s key; the ATO needs an RSA key of at least 2048 bits. Ask your administrator to issue a new M2M credential.", e.Algorithm)
	}
	return fmt.Sprintf("This credential's key is only %d bits; the ATO needs an RSA key of at least 2048 bits. Ask your administrator to issue a new M2M credential.", e.Bits)
}

// TooLargeError: the file is bigger than MaxFileSize, so it is not a
// credential file (and reading it all could exhaust memory).
type TooLargeError struct {
	Name  string
	Size  int64 // bytes, or -1 when only "more than the limit" is known
	Limit int64 // the limit that applied; 0 means MaxFileSize
}

func (e *TooLargeError) Error() string {
	name := "This file"
	if e.Name != "" {
		name = fmt.Sprintf("%q", e.Name)
	}
	limit := e.Limit
	if limit == 0 {
		limit = MaxFileSize
	}
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	return fmt.Sprintf("%s is too big to be a credential file (they are a few kilobytes; the limit is %s). Check that you chose the right file.", name, size)
}

// fileError keeps a plain message for the user and the OS error for Unwrap.
type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// unsupportedError is a DamagedError cause: the file uses an encryption
// method this package does not implement. Its text never reaches users.
type unsupportedError struct{ what string }

func (e *unsupportedError) Error() string { return "unsupported " + e.what }

// errTooMuchWork: a file asks for more key-derivation rounds than any real
// credential file uses; refusing keeps a hostile file from hanging us.
var errTooMuchWork = errors.New("key derivation iteration count over the limit")

// credentialError says which credential of a multi-credential file an
// error is about; errors.Is/As see the cause through it.
type credentialError struct {
	ID  string
	Err error
}

func (e *credentialError) Error() string {
	return fmt.Sprintf("Credential %q: %s", e.ID, e.Err.Error())
}

func (e *credentialError) Unwrap() error { return e.Err }
