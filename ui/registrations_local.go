package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"dcrwizard/credstore"
	"dcrwizard/registrar"
)

// What the Registrations screen does on this computer only: forget a
// registration, export its values to a file.

// askForget confirms forgetting on this computer only. atoHolds says the
// ATO still has the registration (or may have).
func (c *regCard) askForget(atoHolds bool) {
	w := c.p.w
	if c.p.running() {
		return
	}
	rec := c.rec
	msg := "Forget “" + rec.Name + "” on this computer? Its values are removed from the keychain and it leaves this list."
	switch {
	case !c.p.practiceOnly(rec) && atoHolds:
		msg += "\n\nThe registration stays at the ATO: this does not remove it there. Once forgotten, it can no longer " +
			"be managed from this computer."
	case !c.p.practiceOnly(rec):
		msg += "\n\nIt does not change anything at the ATO."
	default:
		msg += "\n\nNothing else holds it: the Practice simulator kept nothing."
	}
	w.kit.ask("Forget on this computer only?", para(msg), "Forget", "Keep it", c.forget, nil)
}

func (c *regCard) forget() {
	id, name := c.rec.ClientID, c.rec.Name
	c.p.run(c, actForget, "Forgetting “"+name+"” on this computer…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Forget(ctx, id); err != nil {
				return nil, err
			}
			return func() { c.p.gone(id, "“"+name+"” was forgotten on this computer.") }, nil
		})
}

// askExport warns that the file holds a secret, then asks where to write.
func (c *regCard) askExport() {
	w := c.p.w
	if c.p.running() {
		return
	}
	rec := c.rec
	w.kit.confirm("This file will hold a secret",
		para("Export writes the client ID, the registration client URI and the registration access token to a JSON file, "+
			"for software that cannot read the keychain.\n\nThe registration access token is a secret: anyone who gets "+
			"the file can change or delete this registration. Save it only where no one else can read it (it is "+
			"written readable by you only), and delete it once your software has the values."),
		"Choose the file…", "Cancel", func() { w.kit.saveFileDialog(valuesFileName(rec.Name), c.export) })
}

// exportRegistration writes c's values to path (what the save dialog
// chose), readable by the owner only.
func (c *regCard) export(path string) {
	id := c.rec.ClientID
	c.p.run(c, actExport, "Writing "+filepath.Base(path)+"…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			if err := r.Export(ctx, id, path); err != nil {
				var nf *credstore.NotFoundError
				if errors.As(err, &nf) || errors.Is(err, credstore.ErrKeychainUnavailable) {
					return nil, err
				}
				return nil, fmt.Errorf("the file %s could not be written. Choose another folder: %w", filepath.Base(path), err)
			}
			return func() {
				c.say(okPara("Saved to "+path+"."),
					warnPara("It holds the registration access token: keep it where only you can read it, and delete it "+
						"once your software has the values."))
			}, nil
		})
}
