// DCR Wizard registers a software instance with the ATO's SSO/IdP through
// OAuth Dynamic Client Registration. With no arguments it opens the wizard;
// with a subcommand it runs the command line (see `dcrwizard help`).
package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"dcrwizard/assets"
	"dcrwizard/cli"
	"dcrwizard/credstore"
	_ "dcrwizard/internal/locale" // before Fyne: see the package comment
	"dcrwizard/internal/winconsole"
	"dcrwizard/ui"
)

// appID matches FyneApp.toml; preferences are stored under it.
const appID = "au.dcrwizard.DCRWizard"

func main() {
	setup, wizard := cli.WizardArgs(os.Args[1:]) // "--setup FILE" opens the wizard too
	if !wizard {
		// Windows: the GUI build has no console of its own; use the one
		// it was typed in (README, "The command line on Windows").
		winconsole.Attach()
		os.Exit(cli.Main(os.Args[1:]))
	}
	a := app.NewWithID(appID)
	icon := fyne.NewStaticResource("window.png", assets.WindowIconPNG)
	ui.New(a, ui.Config{Icon: icon, Version: cli.Version, Store: credstore.New(""), SetupPath: setup}).ShowAndRun()
}
