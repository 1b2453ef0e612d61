// Package guidance turns a failure into advice a person reads: what
// happened, and what to do next. The packages below it report failures as
// data (flow.Error: step, status, code, the ATO's words) or as lower-case
// error fragments; the sentences are built here, and the front ends (ui,
// cli) show them in their own layout.
package guidance

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
)

// Advice is what a person reads about a failure: Message says what
// happened, Action what to do next ("" when there is nothing to add). Both
// are whole plain-English sentences on one line, with no secret in them.
// An error type that knows its own advice implements it.
type Advice interface {
	Message() string
	Action() string
}

// advice is fixed text and the next steps that go with it.
type advice struct {
	msg, action string
	next        []Next
}

func (a advice) Message() string { return a.msg }
func (a advice) Action() string  { return a.action }
func (a advice) Next() []Next    { return a.next }

// actionOnly is what an error that has an Action but no Message gives.
type actionOnly struct{ advice }

// then is a with next steps added.
func (a advice) then(next ...Next) advice {
	a.next = append(a.next, next...)
	return a
}

// For is the advice for err when the ATO answered (or was to answer): the
// first error in its chain that is a *flow.Error, a credstore refusal or
// knows its own advice (or what to do: an Action) decides; otherwise err's
// own text, as a sentence (Words). For(nil) is nil.
func For(err error) Advice { return ForAt(err, ATO) }

// ForAt is For with who answered named: Practice's simulator is never
// called the ATO.
func ForAt(err error, c Counterpart) Advice {
	if err == nil {
		return nil
	}
	switch a := find(err, c).(type) {
	case nil:
	case actionOnly:
		// The error says what to do but not what happened: its whole
		// chain's text says that.
		return advice{msg: Words(err), action: a.action}
	default:
		return a
	}
	return advice{msg: Words(err)}
}

// find walks err's chain (and joined errors) as errors.As does.
func find(err error, c Counterpart) Advice {
	switch e := err.(type) {
	case *flow.Error:
		g := forFlow(e)
		return advice{safetext.Line(c.fill(g.msg)), safetext.Line(c.fill(g.action)), g.next}
	case Advice:
		return e
	}
	if a, ok := forCredstore(err); ok {
		a.msg, a.action = c.fill(a.msg), c.fill(a.action)
		return a
	}
	if a, ok := err.(interface{ Action() string }); ok {
		// registrar's BusyError and TokenRefusedError.
		return actionOnly{advice{action: a.Action()}}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			return find(next, c)
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if next == nil {
				continue
			}
			if a := find(next, c); a != nil {
				return a
			}
		}
	}
	return nil
}

// Sentence makes an error fragment ("the file is empty") a sentence a
// person reads ("The file is empty."): Go errors are lower case without a
// final full stop, so they can be wrapped; people read sentences.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
