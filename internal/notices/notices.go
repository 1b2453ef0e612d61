// Package notices holds the licences of the software built into DCR Wizard
// (THIRD-PARTY-NOTICES.txt, written by scripts/notices). Their licences ask
// that the notice go with the binary; carried inside it, it goes with every
// form the program ships in: the portable .exe, the MSI, the .deb, the
// macOS app.
package notices

import _ "embed"

// Text is the notices file.
//
//go:embed THIRD-PARTY-NOTICES.txt
var Text string
