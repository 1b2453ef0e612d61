package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"dcrwizard/consumerkey"
	"dcrwizard/registrar"
	"dcrwizard/setupfile"
)

// registerValues joins register's flags with the vendor's setup file (when
// --setup is given): flags win, and the sources say which value came from
// where.
func registerValues(setupPath string, e *endpointFlags, practice *registrar.Practice, key consumerkey.Key, name string, st Streams) (registrar.Applied, error) {
	var setup *registrar.Setup
	if setupPath != "" {
		s, err := registrar.LoadSetup(setupPath)
		if err != nil {
			return registrar.Applied{}, inputError{err}
		}
		setup = s
		// Never silent: a file's own addresses are named before anything is sent.
		if n := s.AddressNotice(); n != "" && e.env == "" {
			fmt.Fprintf(st.Stderr, "Note: %s\n", n)
		}
	}
	g := registrar.Given{
		ConsumerKey: key,
		Name:        name, NameFrom: registrar.FromFlag,
		CAFile: e.caFile, CAFrom: registrar.FromFlag,
	}
	if practice != nil && key.Same(practice.ConsumerKey) {
		g.ConsumerKey = practice.ConsumerKey // reported as the practice key, however given
	}
	switch {
	case e.env != "":
		env, err := e.resolve(practice)
		if err != nil {
			return registrar.Applied{}, err
		}
		g.Env, g.EnvFrom = &env, registrar.FromFlag
		if practice != nil {
			g.EnvFrom = registrar.FromPractice
		}
	case setup != nil:
		env := setup.Env
		if e.override(&env) {
			g.Env, g.EnvFrom = &env, registrar.FromSetup+" and "+registrar.FromFlag
		}
	default:
		// resolve says what is missing.
		_, err := e.resolve(practice)
		return registrar.Applied{}, err
	}
	dir := st.store().Dir()
	a, err := registrar.ApplySetup(setup, g, dir)
	if err != nil {
		return a, inputError{err}
	}
	return a, nil
}

// runSetupCheck checks a vendor's setup file and prints what the wizard
// will show of it. With no FILE, the one beside the program.
func runSetupCheck(_ context.Context, args []string, st Streams) int {
	fset := newFlagSet("setup-check", st)
	var o outputFlag
	o.register(fset)
	pos, err := parse(fset, args)
	if err != nil {
		return flagExit(err)
	}
	rep := o.reporter(st)
	var path string
	switch len(pos) {
	case 0:
		p, ok := registrar.SetupBesideProgram()
		if !ok {
			return rep.fail(inputError{errors.New("give the setup file: dcrwizard setup-check FILE (no " + setupfile.BesideName + " is beside the program)")})
		}
		path = p
	case 1:
		path = pos[0]
	default:
		return rep.fail(inputError{fmt.Errorf("give one setup file, got %d", len(pos))})
	}
	s, err := registrar.LoadSetup(path)
	var se *setupfile.Error
	if errors.As(err, &se) {
		out := setupProblemsJSON{File: path, err: inputError{err}}
		for _, p := range se.Problems {
			out.Problems = append(out.Problems, setupProblem{p.Field, p.Line, p.Message})
		}
		return rep.show(out, ExitBadInput)
	}
	if err != nil {
		return rep.fail(inputError{err})
	}
	if n := s.AddressNotice(); n != "" {
		fmt.Fprintf(st.Stderr, "Note: %s\n", n) // with --json too
	}
	out := setupShownJSON{File: path, OK: true, Headline: s.Headline()}
	for _, r := range s.Summary(registrar.DefaultInstanceName()) {
		out.Shown = append(out.Shown, setupRow{r.Label, r.Value})
	}
	return rep.show(out, ExitOK)
}

// setupProblemsJSON is a setup file with problems: in words, the failure
// (a line each).
type setupProblemsJSON struct {
	File     string         `json:"file"`
	OK       bool           `json:"ok"`
	Problems []setupProblem `json:"problems"`
	err      error
}

type setupProblem struct {
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (out setupProblemsJSON) text(st Streams) { failure(out.err).text(st) }

// setupShownJSON is a good setup file and what the wizard will show of it.
type setupShownJSON struct {
	File     string     `json:"file"`
	OK       bool       `json:"ok"`
	Headline string     `json:"headline"`
	Shown    []setupRow `json:"shown"`
}

type setupRow struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

func (out setupShownJSON) text(st Streams) {
	outf(st.Stdout, "%s is a good setup file. The wizard will show:\n\n  %s\n\n", out.File, out.Headline)
	tw := tabwriter.NewWriter(st.Stdout, 0, 0, 2, ' ', 0)
	for _, r := range out.Shown {
		outf(tw, "  %s\t%s\n", r.Label, r.Value)
	}
	tw.Flush()
	outf(st.Stdout, "\nThe practice chooses only its M2M credential, types its password and presses Register.\n")
}

// runSetupNew writes a setup file template, to stdout or --out FILE.
func runSetupNew(_ context.Context, args []string, st Streams) int {
	fset := newFlagSet("setup-new", st)
	out := fset.String("out", "", "write the template to `FILE` (e.g. Acme.dcrwizard; it must not exist yet) instead of standard output")
	pos, err := parse(fset, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) > 0 {
		return textReporter{st}.fail(inputError{fmt.Errorf("setup-new takes no arguments, got %q; use --out FILE", pos)})
	}
	if *out == "" {
		fmt.Fprint(st.Stdout, setupfile.Template)
		return ExitOK
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return textReporter{st}.fail(inputError{fmt.Errorf("%s exists already; choose another name or remove it first", *out)})
	}
	if err != nil {
		return textReporter{st}.fail(inputError{fmt.Errorf("could not write %s: %w", *out, err)})
	}
	_, werr := f.WriteString(setupfile.Template)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return textReporter{st}.fail(inputError{fmt.Errorf("could not write %s: %w", *out, werr)})
	}
	outf(st.Stderr, "Wrote %s. Replace each <…> with your values (see docs/SETUP-FILE.md), then check it with: dcrwizard setup-check %s\n", *out, *out)
	if send := sendName(*out); send != filepath.Base(*out) {
		outf(st.Stderr, "Send it to practices named %s: that name opens in DCR Wizard with a double-click on Windows, macOS and Linux (a name ending in .json opens in an editor).\n", send)
	}
	return ExitOK
}

// sendName is the name to send a setup file under: path's file name ending
// in setupfile.Extension, the only ending Explorer and Finder can open with
// the program ("Acme.dcrwizard.json", "Acme.json", "Acme" → "Acme.dcrwizard").
func sendName(path string) string {
	name := filepath.Base(path)
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, setupfile.Extension) {
		return name
	}
	for _, ext := range []string{setupfile.JSONExtension, ".json"} {
		if strings.HasSuffix(lower, ext) {
			name = name[:len(name)-len(ext)]
			break
		}
	}
	return name + setupfile.Extension
}

// WizardArgs tells main whether args open the wizard, and with which setup
// file: none, "--setup FILE" ("--setup=FILE"), or a single file named as a
// setup file (*.dcrwizard, *.dcrwizard.json: what "Open with" passes).
func WizardArgs(args []string) (setupPath string, wizard bool) {
	switch {
	case len(args) == 0:
		return "", true
	case len(args) == 2 && args[0] == "--setup":
		return args[1], true
	case len(args) == 1 && strings.HasPrefix(args[0], "--setup="):
		return strings.TrimPrefix(args[0], "--setup="), true
	case len(args) == 1 && setupfile.IsSetupFileName(args[0]):
		return args[0], true
	}
	return "", false
}
