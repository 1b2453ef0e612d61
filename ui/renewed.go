package ui

import (
	"context"
	"dcrwizard/guidance"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// What an update with the renewed credential found, Register again with it
// where the ATO would not update, and Practice's rehearsal of a renewal.

// showRenewed shows an update's outcome. err is nil, an UpdateRefusedError
// or an outcome-unknown error.
func (rn renewal) showRenewed(cred *m2m.Credential, res *registrar.RenewResult, err error) {
	c := rn.c
	old, cp := c.rec, c.cp()
	var out []fyne.CanvasObject
	again := container.NewHBox(c.p.w.kit.newButtonWithIcon("Register again with the renewed credential", theme.ContentAddIcon(),
		func() { rn.registerAgain(cred) }))
	switch {
	case isUnknown(err):
		msg, _ := cp.errorWords(err)
		out = append(out, warnPara("Outcome unknown: the answer from "+cp.the()+" was lost, so this computer does not know whether "+
			"the registration now holds the renewed credential. "+msg),
			para("Do not try the update again yet. First press Check it works and choose the renewed "+
				"keystore: if it works, "+cp.the()+" made the update. The registration itself still exists."))
	case err != nil:
		out = append(out, errPara(guidance.WordsAt(err, cp.who())),
			para("Registering again makes a new registration with the same name and the renewed credential; "+
				"your software must then use its new client ID. The old registration is kept, and you are offered to "+
				"remove it only once the new one works."), again)
	case res.VerifyErr != nil:
		c.rec = res.Record
		c.fill()
		out = append(out, warnPara(cp.The()+" updated the registration with the renewed credential, but the test sign-in "+
			"with it did not work."))
		out = append(out, verificationLines(cp, nil, res.VerifyErr)...)
		out = append(out, para("If it keeps failing, register again with the renewed credential: the old registration is "+
			"kept until the new one works."), again)
	default:
		c.rec = res.Record
		c.state = registrar.StateOf(res.Record, c.p.w.now())
		c.fill()
		out = rn.renewedLines(old, res)
	}
	c.say(out...)
	c.p.w.revealFocused(c.result)
	if err == nil {
		c.p.load() // its status, and Welcome's note, as of the new certificate
	}
}

// renewedLines say a proven update.
func (rn renewal) renewedLines(old credstore.Record, res *registrar.RenewResult) []fyne.CanvasObject {
	c := rn.c
	cp := c.cp()
	out := []fyne.CanvasObject{okPara("Updated at " + cp.the() + " with the renewed credential (valid until " +
		formatDate(res.Record.CredentialNotAfter) + "). The client ID is unchanged, so your software needs nothing new.")}
	out = append(out, verificationLines(cp, res.Verification, nil)...)
	if res.Rotated {
		out = append(out, para(cp.The()+" also issued a new registration access token; it is saved in the keychain."))
	}
	return append(out, oldCredentialPara(old, cp.practice))
}

// registerAgain makes a new registration with the renewed credential; the
// old card is then marked "replaced by" and offers its removal.
func (rn renewal) registerAgain(cred *m2m.Credential) {
	c := rn.c
	old := c.rec
	c.p.run(c, actAgain, "Registering “"+old.Name+"” again with the renewed credential…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			res, err := r.RegisterAgain(ctx, old.ClientID, cred, consumerkey.Key{}, nil)
			if res == nil || res.Result == nil || !res.Result.Stored {
				if err == nil {
					err = errors.New("the new registration was not stored")
				}
				return nil, err
			}
			return func() { rn.showAgain(res, err) }, nil
		})
}

func (rn renewal) showAgain(res *registrar.AgainResult, err error) {
	c := rn.c
	cp := c.cp()
	newID := res.Result.Registration.ClientID
	var out []fyne.CanvasObject
	switch {
	case res.VerifyErr != nil:
		out = append(out, warnPara("A new registration was made and stored (client ID "+newID+"), but its test sign-in "+
			"did not work. This old registration is kept unchanged."))
		out = append(out, verificationLines(cp, nil, res.VerifyErr)...)
	case err != nil:
		msg, _ := cp.errorWords(err)
		out = append(out, warnPara("The new registration (client ID "+newID+") is stored and works, but "+msg))
	default:
		out = append(out,
			okPara("Registered again with the renewed credential. The new client ID is "+newID+
				": set it in your software. The test sign-in with it worked."),
			para("This old registration is kept, marked “replaced by "+newID+"”, until you remove it at "+cp.the()+"."),
			oldCredentialPara(c.rec, cp.practice),
			container.NewHBox(c.p.w.kit.newButtonWithIcon("Remove the old registration at "+cp.the()+"…", theme.DeleteIcon(),
				c.askRemove)))
		c.rec.ReplacedBy = newID
	}
	c.result.Objects = out
	c.result.Refresh()
	c.p.load() // the new card, and this one marked
}

// rehearse makes a renewed demo credential in the practice folder,
// so that "Update with renewed credential" can be rehearsed offline.
func (rn renewal) rehearse() {
	c := rn.c
	pr := c.p.w.practice.p
	if pr == nil || pr.Rehearse == nil {
		return
	}
	dir := pr.Demo.Dir
	c.p.run(c, actRehearse, "Making a renewed practice credential…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			d, err := pr.Rehearse(dir)
			if err != nil {
				return nil, err
			}
			return func() {
				c.p.rehearsed = d.KeystorePath
				c.p.load() // the card now says a renewed credential is available
				c.say(okPara("The practice simulator renewed the demo credential, as RAM would: "+d.KeystorePath+
					" (its password is the demo password, "+d.Password+")."),
					para("The old demo credential was revoked too, as you would revoke the old one in RAM after a real renewal (RAM does not do it for you), so it no longer signs in. Press Update with renewed "+
						"credential to rehearse putting the renewed one in this practice registration."))
			}, nil
		})
}
