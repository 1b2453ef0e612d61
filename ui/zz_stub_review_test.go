package ui

// practising reports whether the wizard is in Practice mode: the lead
// replaces it with w.draft.Practising() at merge, with zz_stub_review.go.
func practising(w *Wizard) bool { return w.isPractice() || w.practice.wanted }
