package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/consumerkey"
	"dcrwizard/registrar"
)

// A registration saved before the consumer key was kept with it: the ATO
// needs the key on every management call, so ask for it once
// (registrar.ProvideConsumerKey keeps it), then run the same call again.

func (w *Wizard) askConsumerKey(c *regCard, act lifeAction, status string,
	work func(ctx context.Context, r *registrar.Registrar) (func(), error)) {
	id := c.rec.ClientID
	// Stays if the dialog is cancelled: why nothing happened.
	c.result.Objects = []fyne.CanvasObject{warnPara(cardWords(c, "Nothing was sent: the ATO needs this registration's "+
		"consumer (API) key, which this computer does not have yet."))}
	c.result.Refresh()
	intro := para(cardWords(c, "This registration was saved before DCR Wizard kept the consumer (API) key with it, and "+
		"the ATO needs that key to manage it. Enter the key it was registered with: your software "+
		"vendor gave it (the key is theirs; ask them if you do not have it). It is kept in the keychain with the registration, so you are asked only once."))
	nd := w.showNameDialog("The consumer key of “"+c.rec.Name+"”", intro, "Consumer key", "", "Continue", widget.HighImportance,
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
			w.runRegistrationCall(c, act, status, func(ctx context.Context, r *registrar.Registrar) (func(), error) {
				if err := r.ProvideConsumerKey(ctx, id, key); err != nil {
					return nil, err
				}
				return work(ctx, r)
			})
		})
	nd.entry.Password = true // a secret: never shown
	nd.entry.Refresh()
	w.registrations.dlg = nd
}
