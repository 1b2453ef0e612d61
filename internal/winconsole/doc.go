// Package winconsole connects the Windows GUI build to the console it was
// started from, so `dcrwizard.exe list` typed in cmd or PowerShell prints
// there and can prompt for a password. The .exe is a GUI-subsystem program
// (no black window when double-clicked), so Windows gives it no console of
// its own. Elsewhere Attach does nothing.
package winconsole
