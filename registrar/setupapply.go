package registrar

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"dcrwizard/consumerkey"
	"dcrwizard/flow"
	"dcrwizard/setupfile"
)

// From names where a value of a registration came from, for register
// --json's "sources" and the support summary.
const (
	FromSetup    = "setup file"
	FromFlag     = "command line"
	FromKeyFile  = "key file"          // --api-key-file
	FromEnvVar   = "DCRWIZARD_API_KEY" // the environment variable
	FromTyped    = "typed"
	FromPractice = "practice"
	FromDefault  = "default"
)

// Given is what the user chose themselves; an empty value (nil Env) was not
// given and is taken from the setup file. Each From says how it was given;
// the consumer key says so itself (Key.Source).
type Given struct {
	Env            *flow.Environment
	EnvFrom        string
	ConsumerKey    consumerkey.Key
	Name, NameFrom string
	CAFile, CAFrom string
}

// keySource is a key's source in register --json's "sources" words.
func keySource(s consumerkey.Source) string {
	switch s {
	case consumerkey.SetupFile:
		return FromSetup
	case consumerkey.Flag:
		return FromFlag
	case consumerkey.KeyFile:
		return FromKeyFile
	case consumerkey.EnvVar:
		return FromEnvVar
	case consumerkey.Practice:
		return FromPractice
	}
	return FromTyped
}

// Sources says where each value of a registration came from.
type Sources struct {
	Environment string `json:"environment"`
	ConsumerKey string `json:"consumer_key"`
	Name        string `json:"name"`
	CAFile      string `json:"ca_file,omitempty"`
	Vendor      string `json:"vendor,omitempty"`
}

// Applied is a registration's input with a setup file applied.
type Applied struct {
	Input   Input
	CAFile  string
	Sources Sources
}

// ApplySetup joins what the user gave with the setup file s (which may be
// nil): what was given wins, the rest comes from the file, and the name
// falls back to the computer's. caDir receives the file's CA certificates.
// The result is checked with the rules typed input gets.
func ApplySetup(s *Setup, g Given, caDir string) (Applied, error) {
	var a Applied
	switch {
	case g.Env != nil:
		a.Input.Env, a.Sources.Environment = *g.Env, g.EnvFrom
	case s != nil:
		a.Input.Env, a.Sources.Environment = s.Env, FromSetup
	default:
		return a, errors.New("choose the environment: sandbox, production, practice or custom")
	}
	switch {
	case !g.ConsumerKey.IsZero():
		a.Input.ConsumerKey, a.Sources.ConsumerKey = g.ConsumerKey, keySource(g.ConsumerKey.Source())
	case s != nil:
		a.Input.ConsumerKey, a.Sources.ConsumerKey = s.consumerKey, FromSetup
	}
	switch {
	case g.Name != "":
		a.Input.InstanceName, a.Sources.Name = CleanName(g.Name), g.NameFrom
	case s != nil && s.NameTemplate != "":
		a.Input.InstanceName, a.Sources.Name = s.SuggestedName(DefaultInstanceName()), FromSetup
	default:
		a.Input.InstanceName, a.Sources.Name = DefaultInstanceName(), FromDefault
	}
	switch {
	case g.CAFile != "":
		a.CAFile, a.Sources.CAFile = g.CAFile, g.CAFrom
	case s != nil && s.CAPEM != "" && a.Sources.Environment == FromSetup:
		// The file's CA belongs to its own addresses only.
		p, err := s.WriteCAFile(caDir)
		if err != nil {
			return a, err
		}
		a.CAFile, a.Sources.CAFile = p, FromSetup
	}
	if s != nil {
		a.Input.Vendor, a.Sources.Vendor = s.Vendor, FromSetup
	}
	// The trust rules, with the CA this run will trust.
	if err := a.Input.Env.Check(a.CAFile != ""); err != nil {
		return a, err
	}
	if a.Input.ConsumerKey.IsZero() {
		return a, &consumerkey.InvalidError{Problem: consumerkey.Empty}
	}
	if err := ValidateInstanceName(a.Input.InstanceName); err != nil {
		return a, err
	}
	return a, nil
}

// SetupBesideProgram finds dcrwizard-setup.json beside the program: next
// to the .exe or the Linux binary, or in a macOS app bundle's Resources.
func SetupBesideProgram() (string, bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	for _, c := range besideCandidates(exe, runtime.GOOS) {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, true
		}
	}
	return "", false
}

// besideCandidates are the places looked at, in order, for the program exe.
func besideCandidates(exe, goos string) []string {
	var out []string
	add := func(exe string) {
		dir := filepath.Dir(exe)
		if goos == "darwin" && filepath.Base(dir) == "MacOS" && filepath.Base(filepath.Dir(dir)) == "Contents" {
			out = append(out, filepath.Join(filepath.Dir(dir), "Resources", setupfile.BesideName))
		}
		out = append(out, filepath.Join(dir, setupfile.BesideName))
	}
	add(exe)
	if real, err := filepath.EvalSymlinks(exe); err == nil && real != exe {
		add(real) // installed as a link, e.g. /usr/local/bin/dcrwizard
	}
	return out
}
