package ui

import (
	"context"
	"dcrwizard/consumerkey"
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/internal/winpaths"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
)

// "Update with renewed credential" on a registration card (registrar.Renew:
// the same client id, the new certificate), and, where the ATO will not
// update it, "Register again with the renewed credential"
// (registrar.RegisterAgain). Practice can make a renewed demo credential to
// rehearse it (registrar.Practice.RehearseRenewal).

// renewKeystore is where the renewed credential is looked for first: the
// rehearsal's file for a Practice registration, RAM's keystore-new.xml,
// else the last-used keystore.
func (w *Wizard) renewKeystore(rec credstore.Record) string {
	if p := w.registrations.rehearsed; p != "" && rec.Environment == practiceName {
		return p
	}
	for _, p := range winpaths.RAMKeystores(os.Getenv) {
		if strings.EqualFold(filepath.Base(p), "keystore-new.xml") {
			return p
		}
	}
	return w.app.Preferences().String(prefKeystorePath)
}

func (w *Wizard) askRenew(c *regCard) {
	p := &w.registrations
	if p.running() {
		return
	}
	intro := para(cardWords(c, "After the credential is renewed in RAM, the ATO must be given its new certificate, or "+
		"your software's sign-ins stop working once the old credential is revoked in RAM or expires. This updates the registration at the ATO: its client ID stays the same, "+
		"so your software needs nothing new. Choose the keystore with the renewed credential (RAM usually names it "+
		"keystore-new.xml)."))
	p.cred = w.showCredDialog("Update “"+c.rec.Name+"” with the renewed credential", intro, w.renewKeystore(c.rec), "Update",
		func(path, password string) { w.renewRegistration(c, path, password, false) })
}

// renewRegistration opens the keystore and updates the registration. With
// otherABN the user confirmed a credential of another ABN.
func (w *Wizard) renewRegistration(c *regCard, path, password string, otherABN bool) {
	rec := c.rec
	w.runRegistrationCall(c, actRenew, cardWords(c, "Updating “"+rec.Name+"” at the ATO with the renewed credential…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			ks, err := m2m.Open(path, password)
			if err != nil {
				return nil, fmt.Errorf("the keystore %s could not be opened: %w", filepath.Base(path), err)
			}
			cred, err := pickCredential(rec, ks, registrar.ForRenew)
			if err != nil {
				return nil, err
			}
			res, err := r.Renew(ctx, registrar.RenewInput{ClientID: rec.ClientID, Credential: cred, AllowOtherABN: otherABN}, nil)
			var oa *registrar.OtherABNError
			if errors.As(err, &oa) {
				return func() { w.confirmOtherABN(c, oa, path, password) }, nil
			}
			if err != nil && !isUnknown(err) && !errors.As(err, new(*registrar.UpdateRefusedError)) {
				return nil, err
			}
			return func() { w.showRenewed(c, cred, res, err) }, nil
		})
}

func isUnknown(err error) bool {
	var fe *flow.Error
	return errors.As(err, &fe) && fe.Unknown
}

// confirmOtherABN asks, naming both ABNs, before a credential of another
// business is put in the registration.
func (w *Wizard) confirmOtherABN(c *regCard, e *registrar.OtherABNError, path, password string) {
	c.result.Objects = []fyne.CanvasObject{warnPara(guidance.Words(e))}
	c.result.Refresh()
	d := dialog.NewConfirm("Use a credential of another ABN?",
		"This registration was made for ABN "+formatABN(e.Registered)+", but the credential you chose is for ABN "+
			formatABN(e.Chosen)+".\n\nUpdate it to use the credential of ABN "+formatABN(e.Chosen)+"? Do this only if the "+
			"business's ABN really changed; otherwise cancel and choose the renewed credential of ABN "+formatABN(e.Registered)+".",
		func(ok bool) {
			if ok {
				w.renewRegistration(c, path, password, true)
			}
		}, w.win)
	d.SetConfirmText("Use ABN " + formatABN(e.Chosen))
	d.SetDismissText("Cancel")
	d.Show()
}

// showRenewed shows an update's outcome. err is nil, an UpdateRefusedError
// or an outcome-unknown error.
func (w *Wizard) showRenewed(c *regCard, cred *m2m.Credential, res *registrar.RenewResult, err error) {
	old := c.rec
	box := c.result
	box.Objects = nil
	practice := c.rec.Environment == practiceName
	words := func(s string) string { return practiceWords(practice, s) }
	again := func() {
		box.Add(container.NewHBox(w.newButtonWithIcon("Register again with the renewed credential", theme.ContentAddIcon(),
			func() { w.registerAgain(c, cred) })))
	}
	switch {
	case isUnknown(err):
		msg, _ := errorWords(err)
		box.Add(warnPara(words("Outcome unknown: the answer from the ATO was lost, so this computer does not know whether " +
			"the registration now holds the renewed credential. " + msg)))
		box.Add(para(words("Do not try the update again yet. First press Test the connection and choose the renewed " +
			"keystore: if the test works, the ATO made the update. The registration itself still exists.")))
	case err != nil:
		box.Add(errPara(words(guidance.Words(err))))
		box.Add(para(words("Registering again makes a new registration with the same name and the renewed credential; " +
			"your software must then use its new client ID. The old registration is kept, and you are offered to " +
			"remove it only once the new one works.")))
		again()
	case res.VerifyErr != nil:
		c.rec = res.Record
		w.fillCard(c)
		box.Objects = nil
		box.Add(warnPara(words("The ATO updated the registration with the renewed credential, but the test sign-in " +
			"with it did not work.")))
		for _, l := range verificationLines(practice, nil, res.VerifyErr) {
			box.Add(l)
		}
		box.Add(para(words("If it keeps failing, register again with the renewed credential: the old registration is " +
			"kept until the new one works.")))
		again()
	default:
		c.rec = res.Record
		c.state = registrar.StateOf(res.Record, w.now())
		w.fillCard(c)
		box.Objects = nil
		box.Add(okPara(words("Updated at the ATO with the renewed credential (valid until " + formatDate(res.Record.CredentialNotAfter) +
			"). The client ID is unchanged, so your software needs nothing new.")))
		for _, l := range verificationLines(practice, res.Verification, nil) {
			box.Add(l)
		}
		if res.Rotated {
			box.Add(para(words("The ATO also issued a new registration access token; it is saved in the keychain.")))
		}
		box.Add(oldCredentialPara(old, practice))
	}
	box.Refresh()
	w.relayout()
	w.revealFocused(box)
	if err == nil {
		w.loadRegistrations() // its status, and Welcome's note, as of the new certificate
	}
}

// registerAgain makes a new registration with the renewed credential; the
// old card is then marked "replaced by" and offers its removal.
func (w *Wizard) registerAgain(c *regCard, cred *m2m.Credential) {
	old := c.rec
	w.runRegistrationCall(c, actAgain, cardWords(c, "Registering “"+old.Name+"” again with the renewed credential…"),
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			res, err := r.RegisterAgain(ctx, old.ClientID, cred, consumerkey.Key{}, nil)
			if res == nil || res.Result == nil || !res.Result.Stored {
				if err == nil {
					err = errors.New("the new registration was not stored")
				}
				return nil, err
			}
			return func() { w.showAgain(c, res, err) }, nil
		})
}

func (w *Wizard) showAgain(c *regCard, res *registrar.AgainResult, err error) {
	practice := c.rec.Environment == practiceName
	words := func(s string) string { return practiceWords(practice, s) }
	newID := res.Result.Registration.ClientID
	box := c.result
	box.Objects = nil
	switch {
	case res.VerifyErr != nil:
		box.Add(warnPara(words("A new registration was made and stored (client ID " + newID + "), but its test sign-in " +
			"did not work. This old registration is kept unchanged.")))
		for _, l := range verificationLines(practice, nil, res.VerifyErr) {
			box.Add(l)
		}
	case err != nil:
		msg, _ := errorWords(err)
		box.Add(warnPara(words("The new registration (client ID " + newID + ") is stored and works, but " + msg)))
	default:
		box.Add(okPara(words("Registered again with the renewed credential. The new client ID is " + newID +
			": set it in your software. The test sign-in with it worked.")))
		box.Add(para(words("This old registration is kept, marked “replaced by " + newID + "”, until you remove it at the ATO.")))
		box.Add(oldCredentialPara(c.rec, practice))
		box.Add(container.NewHBox(w.newButtonWithIcon("Remove the old registration at the ATO…", theme.DeleteIcon(),
			func() { w.askRemove(c) })))
		c.rec.ReplacedBy = newID
	}
	box.Refresh()
	w.loadRegistrations() // the new card, and this one marked
}

// rehearseRenewal makes a renewed demo credential in the practice folder,
// so that "Update with renewed credential" can be rehearsed offline.
func (w *Wizard) rehearseRenewal(c *regCard) {
	pr := w.practice.p
	if pr == nil || pr.Rehearse == nil {
		return
	}
	dir := pr.Demo.Dir
	w.runRegistrationCall(c, actRehearse, "Making a renewed practice credential…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			d, err := pr.Rehearse(dir)
			if err != nil {
				return nil, err
			}
			return func() {
				w.registrations.rehearsed = d.KeystorePath
				w.loadRegistrations() // the card now says a renewed credential is available
				c.result.Objects = []fyne.CanvasObject{
					okPara("The practice simulator renewed the demo credential, as RAM would: " + d.KeystorePath +
						" (its password is the demo password, " + d.Password + ")."),
					para("The old demo credential was revoked too, as you would revoke the old one in RAM after a real renewal (RAM does not do it for you), so it no longer signs in. Press Update with renewed " +
						"credential to rehearse putting the renewed one in this practice registration."),
				}
				c.result.Refresh()
				w.relayout()
			}, nil
		})
}
