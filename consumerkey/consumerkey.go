// Package consumerkey is the ATO consumer (API) key of the vendor's team
// app, sent in the apikey header. It is made once, from what the user or a
// setup file gave, cleaned and checked then, and passed as this type to the
// header, so nothing downstream cleans or checks it again and no format verb
// can print it. It is its own small package, below flow, because flow
// (the header), credstore (the keychain) and registrar all hold it and flow
// may import neither of the others.
package consumerkey

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Source is where a key came from, kept for support ("the key from the
// setup file") and for the choice between a setup file's key and a typed one.
type Source int

const (
	Unknown   Source = iota
	Typed            // typed or pasted into the wizard
	SetupFile        // the vendor's setup file
	KeyFile          // --api-key-file
	EnvVar           // DCRWIZARD_API_KEY
	Keychain         // kept with a registration
	Flag             // --api-key
	Practice         // the Practice simulator's own key
)

func (s Source) String() string {
	switch s {
	case Typed:
		return "typed"
	case SetupFile:
		return "setup file"
	case KeyFile:
		return "key file"
	case EnvVar:
		return "environment variable"
	case Keychain:
		return "keychain"
	case Flag:
		return "command line"
	case Practice:
		return "practice"
	}
	return "unknown"
}

// Key is a cleaned, checked consumer key. The zero Key is "no key". The
// value sits behind a pointer: fmt cannot call Format on a Key in another
// struct's unexported field, and prints a pointer to a string as an
// address whatever the verb, never the key.
type Key struct {
	p   *string
	src Source
}

// Clean removes what a paste from a web page, an e-mail or a file tends to
// bring: white space anywhere (line breaks, tabs, non-breaking spaces) and
// zero-width characters. A key never contains any of them. It is the only
// cleaning of a consumer key; the wizard's field uses it to show the user
// what will be sent.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// pattern is deliberately loose: the ATO's keys are opaque strings of
// letters and digits; this catches obvious copy mistakes only.
var pattern = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)

// Problem says why a key was refused.
type Problem int

const (
	Empty Problem = iota + 1
	TooShort
	TooLong
	BadCharacters
)

// InvalidError refuses a key; its text is a sentence for the user (the
// key itself is never in it).
type InvalidError struct {
	Problem Problem
	Length  int
}

func (e *InvalidError) Error() string {
	switch e.Problem {
	case Empty:
		return "Enter the consumer (API) key your software vendor gave you."
	case TooShort:
		return fmt.Sprintf("This consumer (API) key is only %d characters long; ATO keys are longer. Copy the whole key your software vendor gave you.", e.Length)
	case TooLong:
		return "This consumer (API) key is too long. Copy just the key your software vendor gave you, not the text around it."
	}
	return "This consumer (API) key has characters an ATO key never has. Copy it again from what your software vendor gave you."
}

// Check is New's test of an already cleaned key.
func check(key string) error {
	switch {
	case key == "":
		return &InvalidError{Problem: Empty}
	case len(key) < 16:
		return &InvalidError{Problem: TooShort, Length: len(key)}
	case len(key) > 256:
		return &InvalidError{Problem: TooLong, Length: len(key)}
	case !pattern.MatchString(key):
		return &InvalidError{Problem: BadCharacters, Length: len(key)}
	}
	return nil
}

// New cleans raw and checks it: the one way to make a Key.
func New(raw string, src Source) (Key, error) {
	k := Clean(raw)
	if err := check(k); err != nil {
		return Key{}, err
	}
	return Key{p: &k, src: src}, nil
}

// Valid reports whether raw would make a Key (the wizard's field check).
func Valid(raw string) error {
	_, err := New(raw, Typed)
	return err
}

// IsZero reports "no key".
func (k Key) IsZero() bool { return k.p == nil }

// Source is where the key came from.
func (k Key) Source() Source {
	return k.src
}

// Header is the value of the apikey header: the only way to the key
// itself, for flow and for the keychain boundary.
func (k Key) Header() string {
	if k.p == nil {
		return ""
	}
	return *k.p
}

// Hint is the key's last four characters, for the user to recognise it.
func (k Key) Hint() string {
	v := k.Header()
	if len(v) <= 4 {
		return ""
	}
	return v[len(v)-4:]
}

// Same reports whether two keys are the same key, wherever they came from.
func (k Key) Same(o Key) bool { return k.Header() == o.Header() }

// String is redacted: a key in a log or an error shows its hint only.
func (k Key) String() string {
	if k.p == nil {
		return "(no consumer key)"
	}
	return "(consumer key ending " + k.Hint() + ")"
}

// GoString is redacted too (%#v).
func (k Key) GoString() string { return "consumerkey.Key" + k.String() }

// Format redacts every verb (%s, %v, %q, %x, %+v, %#v, …).
func (k Key) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(k.GoString()))
		return
	}
	_, _ = f.Write([]byte(k.String()))
}

// ErrMarshal: a Key is never written as JSON; write Header() where a file
// must hold the key, on purpose.
var ErrMarshal = errors.New("consumerkey: a consumer key is not marshalled; write Header() explicitly where a file must hold it")

// MarshalJSON refuses, so a struct holding a Key cannot leak it.
func (k Key) MarshalJSON() ([]byte, error) { return nil, ErrMarshal }

// MarshalText refuses too (encoding/xml, yaml, map keys).
func (k Key) MarshalText() ([]byte, error) { return nil, ErrMarshal }
