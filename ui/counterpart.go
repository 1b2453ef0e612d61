package ui

import (
	"dcrwizard/credstore"
	"dcrwizard/guidance"
	"dcrwizard/ui/journey"
)

// counterpart is who answers a registration's calls: the ATO, or Practice's
// simulator playing it, which must never be taken for the ATO. Messages take
// it as a parameter ("Asking %s about…", cp.the()), never by rewording a
// sentence written for the ATO.
type counterpart struct{ practice bool }

// counterpartFor is the counterpart of a stored registration's environment.
func counterpartFor(envName string) counterpart {
	return counterpart{practice: journey.IsPractice(envName)}
}

// the is the counterpart in a sentence: "the ATO".
func (c counterpart) the() string {
	if c.practice {
		return "the practice simulator"
	}
	return "the ATO"
}

// The starts a sentence: "The ATO".
func (c counterpart) The() string {
	if c.practice {
		return "The practice simulator"
	}
	return "The ATO"
}

// theirs is the possessive: "the ATO's".
func (c counterpart) theirs() string { return c.the() + "'s" }

// receipt names the receipt number it gives.
func (c counterpart) receipt() string {
	if c.practice {
		return "Receipt (from the practice simulator)"
	}
	return "ATO receipt number"
}

// who is the counterpart as guidance names it.
func (c counterpart) who() guidance.Counterpart {
	if c.practice {
		return guidance.Simulator
	}
	return guidance.ATO
}

// errorWords is a failure's message and next action, said of c.
func (c counterpart) errorWords(err error) (msg, action string) {
	return errorWordsAt(c, err, credstore.Vendor{})
}
