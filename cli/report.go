package cli

import (
	"encoding/json"
	"flag"
)

// How a command's result is shown. A command builds its result as data —
// a struct whose exported fields are its --json shape — and hands it to the
// reporter chosen once from --json: the JSON reporter prints the struct on
// stdout, the text reporter has the result word itself (result.text). A
// failure is a result too (errorJSON). No command branches on --json.

// result is what a command shows.
type result interface {
	// text words the result for a person: the result on stdout, warnings
	// and notes on stderr; every outside value through outf (one line,
	// never raw).
	text(st Streams)
}

// reporter shows a command's result, as text or as JSON.
type reporter interface {
	// show shows res and returns code (ExitBadInput instead of ExitOK when
	// the JSON could not be written).
	show(res result, code int) int
	// fail shows err as a failure (errorJSON) and returns its exit code.
	fail(err error) int
	// watched is true when a person follows the run on a terminal: progress
	// lines go to stderr then (never with --json, which a script reads).
	watched() bool
}

// rawJSON is a result that makes its own JSON, printed as it is.
type rawJSON interface{ rawJSON() ([]byte, error) }

// outputFlag is --json.
type outputFlag struct{ json bool }

func (o *outputFlag) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print JSON")
}

// reporter is the reporter --json chose; call it once the flags are parsed.
func (o outputFlag) reporter(st Streams) reporter {
	if o.json {
		return jsonReporter{st}
	}
	return textReporter{st}
}

// textReporter words results for a person.
type textReporter struct{ st Streams }

func (t textReporter) show(res result, code int) int {
	res.text(t.st)
	return code
}

func (t textReporter) fail(err error) int {
	out := failure(err)
	return t.show(out, out.ExitCode)
}

func (t textReporter) watched() bool { return t.st.StderrIsTerminal }

// jsonReporter prints results as JSON on stdout, for scripts.
type jsonReporter struct{ st Streams }

func (j jsonReporter) show(res result, code int) int {
	if r, ok := res.(rawJSON); ok {
		data, err := r.rawJSON()
		if err != nil {
			// Words, then: the findings must reach the user some way.
			return textReporter(j).fail(err)
		}
		_, _ = j.st.Stdout.Write(data)
		return code
	}
	if c := printJSON(j.st, res); c != ExitOK && code == ExitOK {
		return c
	}
	return code
}

func (j jsonReporter) fail(err error) int {
	out := failure(err)
	return j.show(out, out.ExitCode)
}

func (j jsonReporter) watched() bool { return false }

func printJSON(st Streams, v any) int {
	enc := json.NewEncoder(st.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		outf(st.Stderr, "could not write output: %v\n", err)
		return ExitBadInput
	}
	return ExitOK
}
