package cli

import (
	"context"
	"errors"

	"dcrwizard/atosim"
)

func runSimulate(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("simulate", st)
	listen := fs.String("listen", "127.0.0.1:8443", "`ADDRESS` to listen on (loopback unless --allow-remote)")
	out := fs.String("out", "", "`DIR` to write the demo credentials and a README into")
	remote := fs.Bool("allow-remote", false, "allow a --listen address other than loopback (other computers can then reach it)")
	noLifecycle := fs.Bool("no-lifecycle", false, "answer as an ATO that offers no RFC 7592 lifecycle: check gets 404, rename and remove 405")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	if *out == "" {
		return textReporter{st}.fail(inputError{errors.New("choose a folder for the demo credentials with --out DIR")})
	}
	if err := atosim.ServeWithOptions(ctx, atosim.Options{AllowNonLoopback: *remote, NoLifecycle: *noLifecycle}, *listen, *out, st.Stdout); err != nil {
		return textReporter{st}.fail(inputError{err})
	}
	return ExitOK
}
