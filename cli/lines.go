package cli

import (
	"fmt"
	"io"

	"dcrwizard/guidance"
	"dcrwizard/internal/safetext"
)

// outf is fmt.Fprintf for text output. Values come from outside (a
// server's answer, a keystore, index.json, a setup file) and one of them
// holding a newline would print a line of its own ("Registered … in
// production."): every string, error or Stringer argument is written as one
// line, newline, CR and tab as \uXXXX (safetext.Line). Line breaks belong
// to the format only. %q already writes them escaped and is left as it is.
// (Streams' writers escape every other control character on top.)
func outf(w io.Writer, format string, args ...any) {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = oneLine{v, v}
		case error:
			args[i] = oneLine{v, guidance.Text(v)} // credstore's errors in words
		case fmt.Stringer:
			args[i] = oneLine{v, v.String()}
		}
	}
	fmt.Fprintf(w, format, args...)
}

// oneLine is an argument of outf: its text made one line for %s and %v,
// the value itself for any other verb.
type oneLine struct {
	value any
	text  string
}

func (o oneLine) Format(f fmt.State, verb rune) {
	if verb == 's' || verb == 'v' {
		fmt.Fprintf(f, fmt.FormatString(f, verb), safetext.Line(o.text))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), o.value)
}
