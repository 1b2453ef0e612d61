package registrar

import (
	"errors"
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

// ValidateInstanceName checks a name for this software instance after CleanName.
// Its errors are whole sentences, shown as they are beside the name field
// and on the command line: the one place ST1005 is waived (lint:ignore),
// until they become a typed error that guidance words.
func ValidateInstanceName(name string) error {
	switch {
	case name == "":
		//lint:ignore ST1005 a sentence shown as it is (see above)
		return errors.New("Enter a name for this installation, for example the computer's name, so you can tell your registrations apart.")
	case !utf8.ValidString(name):
		//lint:ignore ST1005 a sentence shown as it is (see above)
		return errors.New("The name has characters that could not be read. Type it again.")
	case utf8.RuneCountInString(name) > MaxNameLength:
		//lint:ignore ST1005 a sentence shown as it is (see above)
		return fmt.Errorf("The name is %d characters long; keep it to %d or fewer.", utf8.RuneCountInString(name), MaxNameLength)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			//lint:ignore ST1005 a sentence shown as it is (see above)
			return errors.New("The name has a character that cannot be shown. Use letters, digits, spaces and simple punctuation.")
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
