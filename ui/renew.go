package ui

import (
	"context"
	"dcrwizard/guidance"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dcrwizard/flow"
	"dcrwizard/internal/winpaths"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// "Update with renewed credential" on a registration card (registrar.Renew:
// the same client id, the new certificate), and, where the ATO will not
// update it, "Register again with the renewed credential"
// (registrar.RegisterAgain). Practice can make a renewed demo credential to
// rehearse it (registrar.Practice.RehearseRenewal).

// renewal is a card's update with a renewed credential, and what follows it.
type renewal struct{ c *regCard }

// keystore is where the renewed credential is looked for first: the
// rehearsal's file for a Practice registration, RAM's keystore-new.xml,
// else the last-used keystore.
func (rn renewal) keystore() string {
	c := rn.c
	if p := c.p.rehearsed; p != "" && journey.IsPractice(c.rec.Environment) {
		return p
	}
	for _, p := range winpaths.RAMKeystores(os.Getenv) {
		if strings.EqualFold(filepath.Base(p), "keystore-new.xml") {
			return p
		}
	}
	return c.p.w.app.Preferences().String(prefKeystorePath)
}

// ask asks for the keystore with the renewed credential.
func (rn renewal) ask() {
	c := rn.c
	p, cp := c.p, c.cp()
	if p.running() {
		return
	}
	intro := para("After the credential is renewed in RAM, " + cp.the() + " must be given its new certificate, or " +
		"your software's sign-ins stop working once the old credential is revoked in RAM or expires. This updates the registration at " + cp.the() + ": its client ID stays the same, " +
		"so your software needs nothing new. Choose the keystore with the renewed credential (RAM usually names it " +
		"keystore-new.xml).")
	p.cred = newCredDialog(p.w, "Update “"+c.rec.Name+"” with the renewed credential", intro, rn.keystore(), "Update",
		func(path, password string) { rn.renew(path, password, false) })
}

// renew opens the keystore and updates the registration. With
// otherABN the user confirmed a credential of another ABN.
func (rn renewal) renew(path, password string, otherABN bool) {
	c := rn.c
	rec := c.rec
	c.p.run(c, actRenew, "Updating “"+rec.Name+"” at "+c.cp().the()+" with the renewed credential…",
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
				return func() { rn.confirmOtherABN(oa, path, password) }, nil
			}
			if err != nil && !isUnknown(err) && !errors.As(err, new(*registrar.UpdateRefusedError)) {
				return nil, err
			}
			return func() { rn.showRenewed(cred, res, err) }, nil
		})
}

func isUnknown(err error) bool {
	var fe *flow.Error
	return errors.As(err, &fe) && fe.Unknown
}

// confirmOtherABN asks, naming both ABNs, before a credential of another
// business is put in the registration.
func (rn renewal) confirmOtherABN(e *registrar.OtherABNError, path, password string) {
	c := rn.c
	c.say(warnPara(guidance.Words(e)))
	c.p.w.kit.ask("Use a credential of another ABN?",
		para("This registration was made for ABN "+formatABN(e.Registered)+", but the credential you chose is for ABN "+
			formatABN(e.Chosen)+".\n\nUpdate it to use the credential of ABN "+formatABN(e.Chosen)+"? Do this only if the "+
			"business's ABN really changed; otherwise cancel and choose the renewed credential of ABN "+formatABN(e.Registered)+"."),
		"Use ABN "+formatABN(e.Chosen), "Cancel", func() { rn.renew(path, password, true) }, nil)
}
