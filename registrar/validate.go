package registrar

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength bounds an instance name: it becomes the ATO client_name and
// part of a keychain account, so it must stay short and printable.
const MaxNameLength = 64

// CleanAPIKey removes what a paste from a web page or e-mail tends to bring
// along: spaces, tabs, line breaks and zero-width characters anywhere.
func CleanAPIKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}

// apiKeyPattern is deliberately loose: the ATO's keys are opaque strings of
// letters and digits, and we only want to catch obvious copy mistakes.
var apiKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._~+/=-]+$`)

// ValidateAPIKey checks a consumer (API) key after CleanAPIKey.
func ValidateAPIKey(key string) error {
	switch {
	case key == "":
		return errors.New("Enter the consumer (API) key of your team app. You find it in the ATO API portal under your team app.")
	case len(key) < 16:
		return fmt.Errorf("This consumer (API) key is only %d characters long; ATO keys are longer. Copy the whole key from the API portal.", len(key))
	case len(key) > 256:
		return errors.New("This consumer (API) key is too long. Copy just the key from the API portal, not the text around it.")
	case !apiKeyPattern.MatchString(key):
		return errors.New("This consumer (API) key has characters an ATO key never has. Copy it again from the API portal.")
	}
	return nil
}

// CleanName trims an instance name and folds runs of white space to one space.
func CleanName(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ValidateInstanceName checks a name for this software instance after CleanName.
func ValidateInstanceName(name string) error {
	switch {
	case name == "":
		return errors.New("Enter a name for this installation, for example the computer's name, so you can tell your registrations apart.")
	case !utf8.ValidString(name):
		return errors.New("The name has characters that could not be read. Type it again.")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return fmt.Errorf("The name is %d characters long; keep it to %d or fewer.", utf8.RuneCountInString(name), MaxNameLength)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
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
