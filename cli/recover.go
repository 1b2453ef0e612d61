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
	var o outputFlag
	o.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	rep := o.reporter(st)
	if len(rest) != 0 {
		return rep.fail(inputError{fmt.Errorf("recover takes no argument (got %q)", rest[0])})
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	store := st.store()
	added, err := store.Recover(ctx)
	if err != nil {
		return rep.fail(err)
	}
	out := recoveredJSON{Added: make([]recordJSON, 0, len(added)), where: store.Where()}
	for _, r := range added {
		out.Added = append(out.Added, toJSON(r))
	}
	return rep.show(out, ExitOK)
}

// recoveredJSON is what recover shows: the registrations listed again.
type recoveredJSON struct {
	Added []recordJSON `json:"added"`
	where string
}

func (out recoveredJSON) text(st Streams) {
	if len(out.Added) == 0 {
		fmt.Fprintln(st.Stdout, "The keychain holds no registration that this computer's list lacks.")
		return
	}
	outf(st.Stdout, "Listed again from %s (%d):\n", out.where, len(out.Added))
	for _, r := range out.Added {
		name := r.Name
		if name == "" {
			name = "(name unknown)"
		}
		outf(st.Stdout, "  %s  %s  %s\n", name, r.Environment, r.ClientID)
	}
	fmt.Fprintln(st.Stdout, "Their token, address and consumer key were in the keychain; what only the lost list held "+
		"(when each was made, its credential) is unknown. Check each with: dcrwizard check CLIENT_ID")
}
