package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"

	"dcrwizard/consumerkey"
	"dcrwizard/registrar"
)

// A registration saved before the consumer key was kept with it: the ATO
// needs the key on every management call, so ask for it once
// (registrar.ProvideConsumerKey keeps it), then run the same call again.

func (c *regCard) askConsumerKey(act lifeAction, status string, work callWork) {
	id, cp := c.rec.ClientID, c.cp()
	// Stays if the dialog is cancelled: why nothing happened.
	c.say(warnPara("Nothing was sent: " + cp.the() + " needs this registration's " +
		"consumer (API) key, which this computer does not have yet."))
	intro := para("This registration was saved before DCR Wizard kept the consumer (API) key with it, and " +
		cp.the() + " needs that key to manage it. Enter the key it was registered with: your software " +
		"vendor gave it (the key is theirs; ask them if you do not have it). It is kept in the keychain with the registration, so you are asked only once.")
	nd := newNameDialog(c.p.w, "The consumer key of “"+c.rec.Name+"”", intro, "Consumer key", "", "Continue", widget.HighImportance,
		func(s string) string {
			if err := consumerkey.Valid(s); err != nil {
				return err.Error()
			}
			return ""
		},
		func(s string) {
			key, err := consumerkey.New(s, consumerkey.Typed)
			if err != nil {
				return // the check above refused it already
			}
			c.p.run(c, act, status, func(ctx context.Context, r *registrar.Registrar) (func(), error) {
				if err := r.ProvideConsumerKey(ctx, id, key); err != nil {
					return nil, err
				}
				return work(ctx, r)
			})
		})
	nd.entry.Password = true // a secret: never shown
	nd.entry.Refresh()
	c.p.dlg = nd
}
