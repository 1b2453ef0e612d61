package ui

import (
	"net/http"
	"time"

	"fyne.io/fyne/v2"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

// Config is what the program (or a test) gives the wizard.
type Config struct {
	Title   string        // window title; "DCR Wizard" when empty
	Icon    fyne.Resource // app and window icon; may be nil
	Version string        // shown in the support summary

	// Store is where registrations are kept (required).
	Store *credstore.Store
	// NewHTTPClient makes the client for the ATO, trusting caFile as well
	// when it is not empty. Default flow.NewHTTPClient.
	NewHTTPClient func(caFile string, timeout time.Duration) (*http.Client, error)
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// PracticeDir receives Practice mode's demo keystore. Default: a new
	// temporary folder, removed when the window closes.
	PracticeDir string
	// Environments are the choices besides Practice. Default flow.Presets().
	Environments []flow.Environment
	// Timeout bounds each HTTP request. Default 60 seconds.
	Timeout time.Duration
	// DefaultName is the suggested instance name. Default
	// registrar.DefaultInstanceName() (the computer's name).
	DefaultName string
	// SetupPath is a software vendor's setup file to start with (dcrwizard
	// --setup FILE); when empty, dcrwizard-setup.json beside the program is
	// used if there is one (see setup.go).
	SetupPath string

	// For tests: post replaces fyne.Do; tick is the elapsed-time interval.
	post          func(func())
	tick          time.Duration
	startPractice func(dir string) (*practiceRun, error)
	setupBeside   func() (string, bool) // default registrar.SetupBesideProgram
	// workArea is the screen's work area in logical units (default: the
	// primary screen's, see screen_desktop.go).
	workArea func() (fyne.Size, bool)
	// nativeFile replaces the system's file dialog (default: the system's
	// when the window is a native one, else Fyne's).
	nativeFile nativeFileFunc
}

// withDefaults is cfg with every unset field given its default.
func (cfg Config) withDefaults() Config {
	if cfg.Title == "" {
		cfg.Title = "DCR Wizard"
	}
	if cfg.NewHTTPClient == nil {
		cfg.NewHTTPClient = flow.NewHTTPClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Environments == nil {
		cfg.Environments = flow.Presets()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.DefaultName == "" {
		cfg.DefaultName = registrar.DefaultInstanceName()
	}
	if cfg.startPractice == nil {
		cfg.startPractice = startRegistrarPractice
	}
	if cfg.tick <= 0 {
		cfg.tick = time.Second
	}
	return cfg
}
