package ui

import "fyne.io/fyne/v2"

// wizardTheme wraps Fyne's theme (placeholder; see below).
type wizardTheme struct{ fyne.Theme }

func newWizardTheme(base fyne.Theme) fyne.Theme { return &wizardTheme{base} }
