package registrar

import (
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength bounds an instance name: it becomes the ATO client_name and
// part of a keychain account, so it must stay short and printable.
const MaxNameLength = 64

// CleanName trims an instance name and folds runs of white space to one space.
func CleanName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// NameProblem is what is wrong with an installation name.
type NameProblem string

const (
	NameEmpty       NameProblem = "empty"
	NameUnreadable  NameProblem = "unreadable" // not valid UTF-8
	NameTooLong     NameProblem = "too-long"
	NameUnprintable NameProblem = "unprintable"
)

// NameError is a name ValidateInstanceName refuses. Error() is a fragment;
// Words is what a person reads beside the name field and on the command
// line (guidance.Words shows it).
type NameError struct {
	Problem NameProblem
	Length  int // NameTooLong: the name's length in characters
}

func (e *NameError) Error() string {
	if e.Problem == NameTooLong {
		return fmt.Sprintf("name too long: %d characters, at most %d", e.Length, MaxNameLength)
	}
	return "installation name " + string(e.Problem)
}

// Words is what a person reads about it.
func (e *NameError) Words() string {
	switch e.Problem {
	case NameEmpty:
		return "Enter a name for this installation, for example the computer's name, so you can tell your registrations apart."
	case NameUnreadable:
		return "The name has characters that could not be read. Type it again."
	case NameTooLong:
		return fmt.Sprintf("The name is %d characters long; keep it to %d or fewer.", e.Length, MaxNameLength)
	}
	return "The name has a character that cannot be shown. Use letters, digits, spaces and simple punctuation."
}

// ValidateInstanceName checks a name for this software instance after
// CleanName: nil or a *NameError.
func ValidateInstanceName(name string) error {
	switch {
	case name == "":
		return &NameError{Problem: NameEmpty}
	case !utf8.ValidString(name):
		return &NameError{Problem: NameUnreadable}
	case utf8.RuneCountInString(name) > MaxNameLength:
		return &NameError{Problem: NameTooLong, Length: utf8.RuneCountInString(name)}
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return &NameError{Problem: NameUnprintable}
		}
	}
	return nil
}

// DefaultInstanceName suggests the computer's name, which is what support
// staff ask for first when a practice has several machines.
func DefaultInstanceName() string {
	host, err := os.Hostname()
	if err != nil {
		return "DCR Wizard"
	}
	host, _, _ = strings.Cut(host, ".")
	host = CleanName(host)
	if ValidateInstanceName(host) != nil {
		return "DCR Wizard"
	}
	return host
}
