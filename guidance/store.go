package guidance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"dcrwizard/credstore"
)

// Words is err as a person reads it: its whole chain's text, each of
// credstore's errors in it told in whole sentences (storeWords) and each of
// flow's refused inputs with what to do (inputWords), made a sentence. The
// front ends show it wherever they show an error's own text.
func Words(err error) string {
	if err == nil {
		return ""
	}
	return Sentence(Text(err))
}

// Text is err's chain text with each of credstore's errors and flow's
// refused inputs in it (their Error() is a short fragment for logs and
// wrapping) replaced by what a person reads about it. Wrapping ("rename:
// …") stays as it is. Without either in the chain it is err.Error().
func Text(err error) string {
	return atoNamed(textSlots(err))
}

// textSlots is Text with the counterpart still in its slots ("{the
// ATO}"), for advice that names who answered itself.
func textSlots(err error) string {
	if err == nil {
		return ""
	}
	return replaceWords(err.Error(), err)
}

// atoNamed fills s's slots with the ATO: the words of an error or event
// that no counterpart was given for. They name the ATO through the slots
// all the same, so that advice that knows it answered Practice's
// simulator can fill them with that instead (Counterpart.fill).
func atoNamed(s string) string { return ATO.fill(s) }

// Worded is an error whose Error() is a fragment and that knows the
// sentences a person reads about it (registrar's errors, which this
// package cannot import): Text shows them in its place.
type Worded interface {
	error
	Words() string
}

// replaceWords puts the words of each credstore error and flow input error
// in err's chain (not looking inside one: its words tell its cause) in
// place of its fragment in s.
func replaceWords(s string, err error) string {
	words, ok := storeWords(err)
	if !ok {
		words, ok = inputWords(err)
	}
	if w, isW := err.(Worded); !ok && isW {
		words, ok = w.Words(), true
	}
	if ok {
		frag := err.Error()
		if i := strings.LastIndex(s, frag); i >= 0 && frag != "" {
			return s[:i] + words + s[i+len(frag):]
		}
		return s
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			return replaceWords(s, next)
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if next != nil {
				s = replaceWords(s, next)
			}
		}
	}
	return s
}

// storeWords is what err, when it is one of credstore's errors itself (not
// wrapping one), says to a person: what happened and, where the person can
// do something about it, what to do.
func storeWords(err error) (string, bool) {
	switch err {
	case credstore.ErrKeychainUnavailable:
		return "your computer's keychain could not be reached. Unlock it (or sign in to your computer again) and try again", true
	case credstore.ErrNotFound:
		return "that registration is not saved on this computer", true
	case credstore.ErrTooBig:
		return "a value is too long for this computer's keychain", true
	case credstore.ErrReadBack:
		return "the keychain did not give back what was saved in it, so the save cannot be trusted", true
	}
	switch e := err.(type) {
	case *credstore.KeychainError:
		return keychainWords(e), true
	case *credstore.TooBigError:
		return fmt.Sprintf("The %s is too long for %s: it needs %d %s and at most %d fit.", e.Item, e.Where, e.Size, e.Unit, e.Limit), true
	case *credstore.NotFoundError:
		return notFoundWords(e), true
	case *credstore.NotStoredError:
		return notStoredWords(e), true
	case *credstore.IndexRecoveredError:
		return indexRecoveredWords(e), true
	case *credstore.NewerIndexError:
		return fmt.Sprintf("The list of saved registrations (%s) was written by a newer version of DCR Wizard (format %d). Update DCR Wizard to change it.", e.Path, e.Version), true
	case *credstore.NameItemError:
		return fmt.Sprintf("The registration is saved. Only the keychain entry that finds the newest registration by its name (%q in %s) could not be updated: %s. Programs that look a registration up by name may find an older one; look it up by client ID instead.", e.Name, e.Environment, strings.TrimSuffix(endStop(textSlots(e.Err)), ".")), true
	case *credstore.NameCaseError:
		return fmt.Sprintf("A registration named %q already exists in %s. Names that differ only in capital letters count as the same name (Windows cannot tell them apart), so use %q exactly to add another registration under that name, or choose a different name.", e.Existing, e.Environment, e.Existing), true
	case *credstore.NotReadyError:
		msg := "Nothing was sent to {the ATO}: the registration could not be kept, because " + lowerFirst(endStop(textSlots(e.Err)))
		if !e.Keychain {
			msg += " Fix this, then register."
		}
		return msg, true
	case *credstore.InUseError:
		return fmt.Sprintf("The list of saved registrations (%s) is in use by another DCR Wizard window: it was still busy after %s. Close the other window (or wait for its command to finish) and try again.", e.Path, roundWait(e.Waited)), true
	case *credstore.NotRegularError:
		return fmt.Sprintf("%s is not a plain file (%s), so DCR Wizard does not read it: reading it could wait for ever. Move it out of the way (it is not one DCR Wizard wrote) and try again.", e.Path, e.Kind()), true
	case *credstore.UnsafeFolderError:
		return fmt.Sprintf("DCR Wizard's settings folder (%s) can be changed by other users of this computer (mode %04o) and belongs to another user, so DCR Wizard will not use it: someone else could replace the list of registrations. Ask whoever manages this computer to give it to you with mode 0700 (chmod 700), or remove it.", e.Path, e.Mode), true
	}
	return "", false
}

func keychainWords(e *credstore.KeychainError) string {
	var b strings.Builder
	where := ""
	if e.Where != "" {
		where = " (" + e.Where + ")"
	}
	if errors.Is(e.Err, keyring.ErrSetDataTooBig) {
		return "Your computer's keychain" + where + " refused a value as too long."
	}
	b.WriteString("Your computer's keychain could not be reached" + where)
	switch {
	case e.TimedOut:
		fmt.Fprintf(&b, ": it did not answer within %s; it may be waiting for you to unlock it.", roundWait(e.Timeout))
	case e.Err != nil:
		b.WriteString(": " + endStop(textSlots(e.Err)))
	default:
		b.WriteString(".")
	}
	b.WriteString(" Unlock the keychain (or sign in to your computer again).")
	if e.Linux {
		b.WriteString(" On Linux a keyring service such as GNOME Keyring or KWallet must be running.")
	}
	return b.String()
}

func notFoundWords(e *credstore.NotFoundError) string {
	who := e.Who()
	if e.Item != "" {
		return fmt.Sprintf("The keychain no longer holds the %s for registration %s. It may have been removed outside DCR Wizard.", e.Item, who)
	}
	return fmt.Sprintf("Registration %s is not saved on this computer.", who)
}

func notStoredWords(e *credstore.NotStoredError) string {
	msg := "The registration details could not be saved in the keychain."
	if e.InKeychain {
		msg = "The registration access token and registration client URI were saved in " + e.Where +
			" and read back, but the list of saved registrations (index.json) could not be updated, so DCR Wizard will not list this registration."
	}
	if e.Err != nil {
		msg += " " + endStop(textSlots(e.Err))
	}
	return msg + " Copy the client ID, registration access token and registration client URI shown now and keep them somewhere safe: DCR Wizard cannot show them again."
}

func indexRecoveredWords(e *credstore.IndexRecoveredError) string {
	var b strings.Builder
	switch {
	case len(e.Paths) > 0:
		fmt.Fprintf(&b, "The list of saved registrations was damaged. It was kept as %s, and the list was rebuilt from what could still be read, its previous copy and the keychain.", strings.Join(e.Paths, ", "))
	case e.Restored:
		b.WriteString("The list of saved registrations (index.json) was missing, and was rebuilt from its previous copy and from the keychain.")
	default:
		b.WriteString("The list of saved registrations was rebuilt from the keychain after it was lost or damaged.")
	}
	if n := len(e.Recovered); n > 0 {
		what := "registration was"
		if n > 1 {
			what = "registrations were"
		}
		fmt.Fprintf(&b, " %d %s found only in the keychain: DCR Wizard knows its environment, client ID and address, and its name when the keychain had it, but not the credential, receipt or date it was registered with. Checking, renaming and removing still work.", n, what)
	}
	if e.KeychainErr != nil {
		b.WriteString(" The keychain could not be searched (" + strings.TrimSuffix(endStop(textSlots(e.KeychainErr)), ".") + "), so registrations saved before may be missing from this list; they are still in the keychain. Unlock it and look again.")
	}
	return b.String()
}

// roundWait is d to the second, or to the millisecond when under one.
func roundWait(d time.Duration) time.Duration {
	if r := d.Round(time.Second); r != 0 {
		return r
	}
	return d.Round(time.Millisecond)
}

// endStop ends s with a full stop, keeping its first letter as it is.
func endStop(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// lowerFirst is s to follow "because": its first letter lower case, except
// in a name or an acronym.
func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "DCR") {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s // an acronym
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}
