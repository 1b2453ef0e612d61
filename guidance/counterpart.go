package guidance

import (
	"strings"

	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
)

// Counterpart is who answers a registration's calls: the ATO, or Practice's
// built-in simulator playing it, which must never be taken for the ATO.
type Counterpart int

const (
	// ATO: the real ATO (sandbox, production, or custom addresses).
	ATO Counterpart = iota
	// Simulator: Practice mode's built-in simulator.
	Simulator
)

// The is the counterpart at the start of a sentence: "The ATO".
func (c Counterpart) The() string {
	if c == Simulator {
		return "The practice simulator"
	}
	return "The ATO"
}

// Name is the counterpart inside a sentence: "the ATO".
func (c Counterpart) Name() string {
	if c == Simulator {
		return "the practice simulator"
	}
	return "the ATO"
}

// Advice text names the counterpart only through these slots, so that one
// text serves both; a test holds every literal in this package to it.
var slots = []string{"{The ATO's}", "{the ATO's}", "{The ATO}", "{the ATO}"}

// fill puts the counterpart's name in s's slots.
func (c Counterpart) fill(s string) string {
	if !strings.Contains(s, "ATO") {
		return s
	}
	return strings.NewReplacer(
		slots[0], c.The()+"'s", slots[1], c.Name()+"'s",
		slots[2], c.The(), slots[3], c.Name(),
	).Replace(s)
}

// midSentence is a text that starts a sentence put inside one: its first
// letter, or its first slot, in lower case.
func midSentence(s string) string {
	if strings.HasPrefix(s, "{The ") {
		return "{the " + s[len("{The "):]
	}
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// WordsAt is Words with who answered named.
func WordsAt(err error, c Counterpart) string {
	if err == nil {
		return ""
	}
	return Sentence(c.fill(textSlots(err)))
}

// StepWordsAt is StepWords with who answers named: Practice's progress rows
// never say the ATO.
func StepWordsAt(e flow.Event, c Counterpart) string {
	return safetext.Line(c.fill(stepWords(e)))
}
