package guidance

import (
	"crypto/tls"
	"testing"
	"time"

	"dcrwizard/flow"
)

// TestStepWords: each progress event in the words both front ends show
// (the wizard's progress rows, the command line's progress lines), as flow
// said them when events carried their own sentences; outside text escaped.
func TestStepWords(t *testing.T) {
	notAfter := time.Date(2027, 3, 9, 12, 0, 0, 0, time.Local)
	refused := &flow.Error{Step: flow.StepToken, Status: 503, Kind: flow.KindServer, Host: "auth.example"}
	tests := []struct {
		e    flow.Event
		want string
	}{
		{flow.Event{Step: flow.StepSign, State: flow.StateStarted, CredentialID: "ABRD:1_PC"},
			"Signing the request with credential “ABRD:1_PC”…"},
		{flow.Event{Step: flow.StepSign, State: flow.StateDone, CredentialID: "ABRD:1_PC", CredentialSerial: "0a1b", CredentialNotAfter: notAfter},
			"Signed with credential “ABRD:1_PC” (certificate serial 0a1b, valid until 9 March 2027)."},
		{flow.Event{Step: flow.StepToken, State: flow.StateStarted, Host: "auth.example"},
			"Getting an access token from auth.example…"},
		{flow.Event{Step: flow.StepToken, State: flow.StateStarted, Host: "auth.example", Attempt: 2, Attempts: 3, RetryIn: 500 * time.Millisecond, Err: refused},
			refused.Error() + "; trying again in 500ms (attempt 2 of 3)…"},
		{flow.Event{Step: flow.StepToken, State: flow.StateDone, Host: "auth.example", Lifetime: 5 * time.Minute},
			"Got an access token from auth.example (valid for 5 minutes)."},
		{flow.Event{Step: flow.StepVerify, State: flow.StateDone, Host: "auth.example", TLSVersion: tls.VersionTLS12},
			"Got an access token from auth.example. Note: the connection to auth.example used TLS 1.2; the ATO's own servers accept TLS 1.3 only, so the same set-up would fail against them."},
		{flow.Event{Step: flow.StepRegister, State: flow.StateStarted, Host: "api.example", InstanceName: "Front desk"},
			"Registering “Front desk” with api.example…"},
		{flow.Event{Step: flow.StepRegister, State: flow.StateDone, Host: "api.example", InstanceName: "Front desk", ClientID: "abc", Receipt: "63001"},
			"Registered “Front desk”: client id abc, receipt 63001."},
		{flow.Event{Step: flow.StepRegister, State: flow.StateDone, InstanceName: "Front desk", ClientID: "abc"},
			"Registered “Front desk”: client id abc."},
		{flow.Event{Step: flow.StepRegister, State: flow.StateFailed, Err: refused}, refused.Error()},
		{flow.Event{Step: flow.StepRead, State: flow.StateStarted, Host: "api.example"}, "Reading the registration from api.example…"},
		{flow.Event{Step: flow.StepRead, State: flow.StateDone, ClientID: "abc", Rotated: true},
			"Read registration abc (the ATO issued a new registration access token)."},
		{flow.Event{Step: flow.StepUpdate, State: flow.StateStarted, Host: "api.example"}, "Updating the registration at api.example…"},
		{flow.Event{Step: flow.StepUpdate, State: flow.StateDone, ClientID: "abc"}, "Updated registration abc."},
		{flow.Event{Step: flow.StepDelete, State: flow.StateStarted, Host: "api.example"}, "Removing the registration at api.example…"},
		{flow.Event{Step: flow.StepDelete, State: flow.StateDone, Host: "api.example"}, "Removed the registration."},
		{flow.Event{Step: flow.StepHeartbeat, State: flow.StateStarted, Host: "api.example"},
			"Calling the ATO's heartbeat at api.example as the new registration…"},
		{flow.Event{Step: flow.StepHeartbeat, State: flow.StateDone, Host: "api.example"}, "The heartbeat at api.example answered."},
		{flow.Event{Step: flow.StepSave, State: flow.StateStarted, Where: "the macOS Keychain"}, "Saving to the macOS Keychain…"},
		{flow.Event{Step: flow.StepSave, State: flow.StateDone, Where: "the macOS Keychain"}, "Saved to the macOS Keychain"},
		{flow.Event{Step: flow.StepSave, State: flow.StateFailed, Where: "the macOS Keychain"}, "Could not save to the macOS Keychain"},
		// A name from the user, a host or a receipt from outside: one line, escaped.
		{flow.Event{Step: flow.StepRegister, State: flow.StateDone, InstanceName: "PC\n\u202eevil", ClientID: "abc", Receipt: "1\x1b[2J"},
			`Registered “PC\u000a\u202eevil”: client id abc, receipt 1\u001b[2J.`},
	}
	for _, tt := range tests {
		if got := StepWords(tt.e); got != tt.want {
			t.Errorf("StepWords(%s/%s)\n got %q\nwant %q", tt.e.Step, tt.e.State, got, tt.want)
		}
	}
}

// TestRegistrationWarnings: a registration client URI flow did not take as
// given is told with the address kept, in the words both front ends show
// with the registration (the wizard's Done page, register's output).
func TestRegistrationWarnings(t *testing.T) {
	if w := RegistrationWarnings(&flow.Registration{RegistrationClientURI: "https://api.example/register/abc"}); w != nil {
		t.Errorf("warnings for a URI taken as given: %q", w)
	}
	reg := &flow.Registration{RegistrationClientURI: "https://api.example/register/abc", URIReplaced: `https://evil.example/x\u001b[2J`}
	want := []string{`The ATO's answer gave a registration client URI that is not on the registration service's own address (https://evil.example/x\u001b[2J), so DCR Wizard will not send the registration access token there. It kept https://api.example/register/abc instead, the address the ATO uses for every registration. If managing this registration (check, rename, remove) fails, contact the ATO.`}
	if got := RegistrationWarnings(reg); len(got) != 1 || got[0] != want[0] {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
