package cli

import (
	"context"
	"fmt"
)

// runRecover is `dcrwizard recover`: list again the registrations this
// computer's keychain holds and its list lacks, after the settings folder
// was deleted whole or replaced. (A damaged or deleted index.json with its
// folder still there is rebuilt by any command, without asking.)
func runRecover(ctx context.Context, args []string, st Streams) int {
	fs := newFlagSet("recover", st)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(rest) != 0 {
		return fail(st, *asJSON, inputError{fmt.Errorf("recover takes no argument (got %q)", rest[0])})
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	store := st.store()
	added, err := store.Recover(ctx)
	if err != nil {
		return fail(st, *asJSON, err)
	}
	if *asJSON {
		out := make([]recordJSON, 0, len(added))
		for _, r := range added {
			out = append(out, toJSON(r))
		}
		return printJSON(st, map[string]any{"added": out})
	}
	if len(added) == 0 {
		fmt.Fprintln(st.Stdout, "The keychain holds no registration that this computer's list lacks.")
		return ExitOK
	}
	outf(st.Stdout, "Listed again from %s (%d):\n", store.Where(), len(added))
	for _, r := range added {
		name := r.Name
		if name == "" {
			name = "(name unknown)"
		}
		outf(st.Stdout, "  %s  %s  %s\n", name, r.Environment, r.ClientID)
	}
	fmt.Fprintln(st.Stdout, "Their token, address and consumer key were in the keychain; what only the lost list held "+
		"(when each was made, its credential) is unknown. Check each with: dcrwizard check CLIENT_ID")
	return ExitOK
}
