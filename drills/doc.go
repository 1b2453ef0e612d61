// Package drills holds no code: its tests are fault drills and a secrets
// check that run the real dcrwizard binary (and the registrar in process)
// against the ATO simulator and the real keychain daemon, proving for each
// failure what the user is told, which exit code a script sees, and that
// nothing the ATO accepted is lost. docs/RELIABILITY.md tabulates them.
//
// They run in `make test` (scripts/with-secret-service.sh provides the
// throw-away Secret Service); drills that need it skip without it.
package drills
