package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dcrwizard/internal/safetext"
	"dcrwizard/m2m"
)

// drawList lists the credentials of the opened file, each with its verdict.
func (p *credentialPage) drawList() {
	p.radios = nil
	p.list.Objects = nil
	if p.store != nil {
		now := p.w.now()
		n := len(p.store.Credentials)
		switch n {
		case 0:
			p.list.Add(errPara("This file holds no credentials."))
		case 1:
			p.list.Add(subheading("The credential in this file"))
		default:
			usable := 0
			for _, c := range p.store.Credentials {
				if c.Verdict(now).OK() {
					usable++
				}
			}
			if usable == 0 {
				p.list.Add(subheading(fmt.Sprintf("This file holds %d credentials; none can be used", n)))
			} else {
				p.list.Add(subheading(fmt.Sprintf("This file holds %d credentials: choose one", n)))
			}
		}
		for i, c := range p.store.Credentials {
			p.list.Add(p.row(i, c, now))
		}
	}
	p.list.Refresh()
}

// row shows one credential: a choice, its name, ABN, expiry, a
// badge, and for a refused one the reason in full.
func (p *credentialPage) row(i int, c *m2m.Credential, now time.Time) fyne.CanvasObject {
	v := c.Verdict(now)
	full := safetext.Line(c.Name) // from the keystore file
	if full == "" {
		full = safetext.Line(c.ID)
	}
	title := choiceTitle(full)
	var choice fyne.CanvasObject
	if !v.OK() {
		// Not a disabled (faded) choice: the name stays readable, and the
		// badge and reason say why it cannot be chosen.
		p.radios = append(p.radios, nil)
		choice = bold(title)
	} else {
		choice = p.radio(i, title)
	}

	facts := []string{}
	if c.ABN != "" {
		facts = append(facts, "ABN "+formatABN(c.ABN))
	}
	facts = append(facts, "valid until "+formatDate(c.NotAfter))
	if c.ID != "" && safetext.Line(c.ID) != full {
		facts = append(facts, "ID "+safetext.Line(c.ID))
	}
	if title != full {
		facts = append(facts, "full name "+full)
	}
	info := para(strings.Join(facts, " · "))
	row := container.NewVBox(container.NewBorder(nil, nil, nil, verdictBadge(v), choice), info)
	if !v.OK() && v.Message != "" {
		row.Add(errPara(v.Message)) // refused: a stop, not a warning
	}
	return container.NewVBox(row, widget.NewSeparator())
}

// radio is the choice of usable credential i.
func (p *credentialPage) radio(i int, title string) *widget.RadioGroup {
	rg := widget.NewRadioGroup([]string{title}, nil)
	if p.selected() == i {
		rg.SetSelected(title)
	}
	rg.OnChanged = func(s string) {
		if s == "" {
			if p.selected() == i {
				p.pick(-1)
			}
		} else {
			p.pick(i)
			// One choice across the rows: clear the others without
			// calling their OnChanged (Refresh does not).
			for j, other := range p.radios {
				if j != i && other != nil && other.Selected != "" {
					other.Selected = ""
					other.Refresh()
				}
			}
		}
		p.w.refreshNav()
	}
	p.radios = append(p.radios, rg)
	return rg
}

// verdictBadge is the short verdict: icon and word, so colour is not the
// only cue.
func verdictBadge(v m2m.Verdict) fyne.CanvasObject {
	var icon fyne.Resource
	l := widget.NewLabel("")
	switch v.Status {
	case m2m.StatusOK:
		icon, l.Text, l.Importance = theme.ConfirmIcon(), "Fine", widget.SuccessImportance
	case m2m.StatusExpiresSoon:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Expires within 6 months", widget.DangerImportance
	case m2m.StatusExpired:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Expired", widget.DangerImportance
	case m2m.StatusNotYetValid:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Not valid yet", widget.DangerImportance
	default:
		icon, l.Text, l.Importance = theme.NewErrorThemedResource(theme.ErrorIcon()), "Cannot be used", widget.DangerImportance
	}
	l.TextStyle.Bold = true
	return container.NewHBox(widget.NewIcon(icon), l)
}

// formatABN groups an 11-digit ABN the way the ABR prints it.
func formatABN(abn string) string {
	if len(abn) != 11 || strings.Trim(abn, "0123456789") != "" {
		return abn
	}
	return abn[:2] + " " + abn[2:5] + " " + abn[5:8] + " " + abn[8:]
}

// formatDate is a date as Australians write it in prose.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2 January 2006")
}

// openPEMPair reads a certificate file and a key file (each at most
// m2m.MaxFileSize) and opens them together.
func openPEMPair(certPath, keyPath, password string) (*m2m.Store, error) {
	certData, err := readCredentialFile(certPath)
	if err != nil {
		return nil, err
	}
	keyData, err := readCredentialFile(keyPath)
	if err != nil {
		return nil, err
	}
	return m2m.ParsePEM(certData, keyData, password)
}

func readCredentialFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the file %s could not be opened. Check that it exists and that you may read it: %w", filepath.Base(path), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, m2m.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("the file %s could not be read: %w", filepath.Base(path), err)
	}
	if len(data) > m2m.MaxFileSize {
		return nil, &m2m.TooLargeError{Name: filepath.Base(path), Size: -1}
	}
	return data, nil
}

// maxChoiceTitle is the most of a credential's name its row's title shows.
const maxChoiceTitle = 60

// choiceTitle is name cut for a row's title, the ellipsis included: the
// name comes from the file, and a radio button's label does not wrap, so a
// long one would make the window wider than the screen. The row's facts
// give the whole name.
func choiceTitle(name string) string {
	if len([]rune(name)) <= maxChoiceTitle {
		return name
	}
	return safetext.Cut(name, maxChoiceTitle-1)
}
