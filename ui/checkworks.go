package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"dcrwizard/flow"
	"dcrwizard/internal/safetext"
	"dcrwizard/m2m"
	"dcrwizard/registrar"
	"dcrwizard/ui/journey"
)

// Check it works: the one check on a registration card. It asks the ATO
// what it holds (RFC 7592 read) and signs in as the registration, as the
// practice's software would, and ends in one plain sentence; what was
// found is behind Technical details.
//
// The keystore's password is asked once, before anything is sent. Only a
// sign-in proves the registration usable (the read proves only that the
// ATO still lists it, and an ATO that does not offer the read is proven by
// the sign-in alone), so the password is needed for every check that can
// end in "your software can sign in"; asking it first is one interruption
// instead of a dialog popping up after a wait, and a wrong password is
// found before the ATO is asked anything.

// checkKeystore is the keystore the check starts with: the last-used one,
// or Practice's demo keystore for a Practice registration.
func (c *regCard) checkKeystore() string {
	w := c.p.w
	path := w.app.Preferences().String(prefKeystorePath)
	if journey.IsPractice(c.rec.Environment) && w.practice.p != nil && path == "" {
		path = w.practice.p.Demo.KeystorePath
	}
	return path
}

// askCheck asks for the keystore with the registration's credential.
func (c *regCard) askCheck() {
	p := c.p
	if p.running() {
		return
	}
	cp := c.cp()
	intro := para("This signs in to " + cp.the() + " as this registration, with the credential it holds, as your software " +
		"would, and asks " + cp.the() + " what it holds. It changes nothing at " + cp.the() + " or on this computer. " +
		"Choose the keystore with that credential (or, after an update, the renewed one).")
	p.cred = newCredDialog(p.w, "Check that “"+c.rec.Name+"” works", intro, c.checkKeystore(), "Check",
		c.checkWorks)
}

// worksFound is what a check found: the ATO's answer (nil when it does
// not offer the read: notOffered), and the sign-in's.
type worksFound struct {
	held       *registrar.CheckResult
	notOffered bool
	bySetup    bool // the vendor's setup file said so: the read was not sent
	signIn     *flow.Verification
	signInErr  error
}

func (c *regCard) checkWorks(path, password string) {
	rec, cp := c.rec, c.cp()
	c.p.run(c, actCheck, "Checking “"+rec.Name+"” with "+cp.the()+"…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			ks, err := m2m.Open(path, password)
			if err != nil {
				return nil, fmt.Errorf("the keystore %s could not be opened: %w", filepath.Base(path), err)
			}
			cred, err := pickCredential(rec, ks, registrar.ForVerify)
			if err != nil {
				return nil, err
			}
			var f worksFound
			f.held, err = r.Check(ctx, rec.ClientID)
			var no *registrar.NotOfferedError
			if errors.As(err, &no) {
				f.notOffered, f.bySetup = true, no.Err == nil // proven by the sign-in instead
			} else if err != nil {
				return nil, err // gone, refused, unreachable: its own advice (showOutcome)
			}
			f.signIn, f.signInErr = r.VerifyStored(ctx, rec.ClientID, cred, registrar.VerifyOverrides{}, nil)
			return func() { c.showWorks(f) }, nil
		})
}

// worksSentence is the check's one sentence when the sign-in worked.
func worksSentence(cp counterpart) string {
	return "Your software can sign in to " + cp.the() + " — checked just now."
}

// showWorks ends the check in one sentence; the details are behind
// Technical details, opened on request.
func (c *regCard) showWorks(f worksFound) {
	cp := c.cp()
	var out []fyne.CanvasObject
	if f.signInErr != nil {
		out = signInFailed(cp, f.signInErr)
	} else {
		out = []fyne.CanvasObject{okPara(worksSentence(cp))}
	}
	if f.held != nil {
		if w := c.nameDiffers(f.held.Metadata); w != nil {
			out = append(out, w) // something to act on: not hidden
		}
	}
	out = append(out, c.p.w.kit.newDisclosure("Technical details", c.worksDetails(f)).Container)
	c.say(out...)
	c.p.w.revealFocused(c.result) // the answer, not left below the fold
}

// worksDetails is what the check found, for the curious and for support.
func (c *regCard) worksDetails(f worksFound) fyne.CanvasObject {
	cp := c.cp()
	box := container.NewVBox()
	if f.held != nil {
		box.Add(para(heldSentence(cp)))
		box.Add(c.heldFacts(f.held))
	} else if f.notOffered {
		msg := notOfferedWords(registrar.OpRead, cp).message
		if f.bySetup {
			msg += " Your software vendor's setup file says so, so it was not asked."
		}
		box.Add(para(msg + " The sign-in proved the registration instead."))
	}
	if f.signIn != nil {
		if s := signInFacts(cp, f.signIn); s != "" {
			box.Add(para(s))
		}
	}
	return box
}

// heldSentence says who holds the registration; a Practice one is not at the ATO.
func heldSentence(cp counterpart) string {
	if cp.practice {
		return "The practice simulator holds this practice registration. It is not at the ATO: the ATO knows nothing of it."
	}
	return "The ATO holds this registration."
}

// heldFacts is the ATO's answer: a few facts, the token's news, and the
// raw answer behind Details for support.
func (c *regCard) heldFacts(res *registrar.CheckResult) fyne.CanvasObject {
	cp := c.cp()
	grid := container.New(layout.NewFormLayout())
	for _, row := range checkedFacts(c.rec, res.Metadata) {
		grid.Add(bold(row[0]))
		grid.Add(valuePara(row[1]))
	}
	token := para("The registration access token in the keychain is still the current one.")
	if res.Rotated {
		token = para(cp.The() + " issued a new registration access token. It is now saved in the keychain in place of " +
			"the old one, which no longer works. If other software on this computer keeps its own copy, export the " +
			"values again for it.")
	}
	rows, name := atoRows(res.Metadata), c.rec.Name
	support := c.p.w.kit.newButtonWithIcon("Details for support", theme.InfoIcon(), func() { showATODetails(c.p.w, cp, name, rows) })
	return container.NewVBox(grid, token, container.NewHBox(support))
}

// nameDiffers warns when the name at the ATO is not the one kept here.
func (c *regCard) nameDiffers(md map[string]any) fyne.CanvasObject {
	atoName, _ := md["client_name"].(string)
	if atoName == "" || atoName == c.rec.Name {
		return nil
	}
	cp := c.cp()
	return warnPara("The name at " + cp.the() + " (“" + safetext.Line(atoName) + "”) is not the name on this computer (“" +
		safetext.Line(c.rec.Name) + "”). It was probably changed elsewhere. Use Rename to set the one you want in both places.")
}

// confirmHeld asks the ATO whether it holds the registration (the read
// alone, no password): for a registration the unfinished-registrations
// note found stored, whose first question is whether the ATO has it.
func (c *regCard) confirmHeld() {
	id, cp := c.rec.ClientID, c.cp()
	c.p.run(c, actCheck, "Asking "+cp.the()+" about “"+c.rec.Name+"”…",
		func(ctx context.Context, r *registrar.Registrar) (func(), error) {
			res, err := r.Check(ctx, id)
			if err != nil {
				return nil, err
			}
			return func() {
				out := []fyne.CanvasObject{okPara(heldSentence(cp) + " Press Check it works to prove " +
					"your software can sign in with it.")}
				if w := c.nameDiffers(res.Metadata); w != nil {
					out = append(out, w)
				}
				c.say(append(out, c.p.w.kit.newDisclosure("Technical details", c.heldFacts(res)).Container)...)
			}, nil
		})
}
