package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/registrar"
)

func TestRenderRegistrations(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	for _, r := range []credstore.Record{
		{
			Name:                  "Front desk PC",
			Environment:           "sandbox",
			ClientID:              "0f8fad5b-d9cb-469f-a165-70867728950e",
			RegistrationClientURI: "https://sandbox.example/idp/v1/relyingparties/0f8fad5b-d9cb-469f-a165-70867728950e",
			IssuedAt:              testNow.AddDate(0, -8, 0),
			Receipt:               "6300000001234",
			CredentialID:          "ABRD:80000000001_TestMachine",
			CredentialABN:         "80000000001",
			CredentialNotAfter:    testNow.AddDate(0, 4, 0), // needs attention
		},
		{
			Name:                  "Practice PC",
			Environment:           practiceName,
			ClientID:              "7c9e6679-7425-40de-944b-e07fc1f90ae7",
			RegistrationClientURI: "http://127.0.0.1:9/idp/v1/relyingparties/7c9e6679-7425-40de-944b-e07fc1f90ae7",
			IssuedAt:              testNow.AddDate(0, 0, -1),
			CredentialID:          "ABRD:80000000001_Demo",
			CredentialNotAfter:    testNow.AddDate(2, 0, 0),
		},
	} {
		if err := h.store.Save(ctx, r, credstore.Values{RegistrationAccessToken: "token-" + r.ClientID}); err != nil {
			t.Fatal(err)
		}
	}
	h.openRegistrations()
	assertRenders(t, h, "8-registrations")
	h.wantText("Renew within 122 days: the credential this registration was made with expires on 2 July 2026, within 6 months.")
}

func TestLifecycleOutcome(t *testing.T) {
	ns := &credstore.NotStoredError{Values: credstore.Values{ClientID: "c", RegistrationAccessToken: "secret-tok"}}
	tests := []struct {
		name string
		act  lifeAction
		err  error
		kind outcomeKind
		want string
	}{
		{"401", actCheck, &flow.Error{Step: flow.StepRead, Status: 401, Kind: flow.KindRefused}, outcomeGone, "no longer knows"},
		{"404", actRename, &flow.Error{Step: flow.StepRead, Status: 404, Kind: flow.KindRefused}, outcomeGone, "no longer knows"},
		{"403", actCheck, &flow.Error{Step: flow.StepRead, Status: 403, Kind: flow.KindRefused, Receipt: "63"}, outcomeRefused, "refused"},
		{"405", actRemove, fmt.Errorf("%w: %w", registrar.ErrRemovalNotAllowed,
			&flow.Error{Step: flow.StepDelete, Status: 405, Kind: flow.KindRefused}), outcomeNotAllowed, "does not allow removing"},
		{"rotated, not stored", actCheck, ns, outcomeNotStored, "could not be saved"},
		{"token gone from keychain", actCheck, &credstore.NotFoundError{ClientID: "c", Item: "registration access token"},
			outcomeMissingLocal, "no longer holds"},
		{"not listed", actCheck, &credstore.NotFoundError{ClientID: "c"}, outcomeFailed, "not saved on this computer"},
		{"cancelled", actRemove, &flow.Error{Step: flow.StepDelete, Kind: flow.KindCancelled, Err: context.Canceled},
			outcomeCancelled, "may have been made there"},
		{"network", actCheck, &flow.Error{Step: flow.StepRead, Kind: flow.KindNetwork, Host: "x"}, outcomeFailed, ""},
		{"plain", actExport, errors.New("disk full"), outcomeFailed, "Disk full."}, // a bare error shown as a sentence
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := lifecycleOutcome(tc.act, tc.err, counterpart{})
			if o.kind != tc.kind || !strings.Contains(o.message, tc.want) {
				t.Errorf("got kind %d %q, want %d %q", o.kind, o.message, tc.kind, tc.want)
			}
			if o.message == "" || strings.Contains(o.message+o.action, "secret-tok") {
				t.Errorf("message %q / %q", o.message, o.action)
			}
		})
	}
	if o := lifecycleOutcome(actCheck, &flow.Error{Status: 403, Kind: flow.KindRefused, Receipt: "6300000009"}, counterpart{}); o.receipt != "6300000009" {
		t.Errorf("receipt %q", o.receipt)
	}
}

func TestRegistrationWordsRename(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"Front office", ""},
		{"  Front   office ", ""},
		{"Reception", "already"},
		{"", "name"},
		{strings.Repeat("x", 65), "65 characters"},
	} {
		if got := renameProblem("Reception", tc.typed); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("renameProblem(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

func TestRegistrationWordsRemoveConfirmation(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		want        bool
	}{
		{"Reception", "Reception", true},
		{"Reception", " Reception ", true},
		{"Reception", "reception", false},
		{"Reception", "Recep", false},
		{"", "", false},
	} {
		if got := removeConfirmed(tc.name, tc.typed); got != tc.want {
			t.Errorf("removeConfirmed(%q, %q) = %v", tc.name, tc.typed, got)
		}
	}
}

func TestRegistrationWordsCredentialStatus(t *testing.T) {
	for _, tc := range []struct {
		notAfter    time.Time
		short, line string
		importance  widget.Importance
		attention   bool
	}{
		{time.Time{}, "Unknown", "", 0, false},
		{testNow.AddDate(2, 0, 0), "Fine", "", 0, false},
		{testNow.AddDate(0, 6, 1), "Fine", "", 0, false},
		{testNow.AddDate(0, 0, 183), "Renew within 183 days", "expires on 1 September 2026, within 6 months", widget.MediumImportance, true},
		{testNow.AddDate(0, 0, 61), "Renew within 61 days", "within 6 months", widget.MediumImportance, true},
		{testNow.AddDate(0, 0, 60), "Renew within 60 days", "Renew it in RAM now", widget.WarningImportance, true},
		{testNow.AddDate(0, 0, -1), "Expired", "expired on 1 March 2026", widget.DangerImportance, true},
	} {
		rec := credstore.Record{ClientID: "c1", CredentialNotAfter: tc.notAfter}
		st := registrar.StateOf(rec, testNow)
		if got := statusShort(st); !strings.HasPrefix(got, tc.short) {
			t.Errorf("statusShort(%v) = %q, want %q", tc.notAfter, got, tc.short)
		}
		lines := statusLines(rec, st, "", "")
		if (tc.line == "") != (len(lines) == 0) || (len(lines) > 0 && (!strings.Contains(lines[0].Text, tc.line) || lines[0].Importance != tc.importance)) {
			t.Errorf("statusLines(%v) = %v, want %q at importance %d", tc.notAfter, lines, tc.line, tc.importance)
		}
		if got := needsAttention(rec, st); got != tc.attention {
			t.Errorf("needsAttention(%v) = %v", tc.notAfter, got)
		}
	}
	rec := credstore.Record{ClientID: "c1", CredentialNotAfter: testNow.AddDate(2, 0, 0), ReplacedBy: "c2"}
	if !needsAttention(rec, registrar.StateOf(rec, testNow)) || !strings.Contains(statusLines(rec, registrar.StateOf(rec, testNow), "", "")[0].Text, "Replaced by c2") {
		t.Error("a replaced registration is not marked")
	}
}

func TestRegistrationWordsATORows(t *testing.T) {
	rows := atoRows(map[string]any{
		"ato_api_key":         "KEY-never-shown",
		"client_secret":       "never-shown",
		"software_api_token":  "never-shown",
		"client_name":         "Reception",
		"client_id":           "c1",
		"grant_types":         []any{"client_credentials"},
		"x509_certificate":    strings.Repeat("A", 900),
		"client_id_issued_at": "2026-03-02T09:30:00.000Z",
		"zeta":                nil,
		"alpha":               1.5,
	})
	var got []string
	for _, r := range rows {
		got = append(got, r[0]+"="+r[1])
	}
	want := []string{"Name at the ATO=Reception", "Client ID=c1", "Registered at=2 March 2026, 9:30 am",
		"Grant types=client_credentials", "Certificate=" + strings.Repeat("A", 60) + "… (900 characters)",
		"alpha=1.5", "zeta=(none)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRegistrationWordsEnvironment(t *testing.T) {
	for _, tc := range []struct {
		rec  credstore.Record
		want string
	}{
		{credstore.Record{Environment: "sandbox"}, flow.Sandbox.Label},
		{credstore.Record{Environment: "production"}, flow.Production.Label},
		{credstore.Record{Environment: practiceName}, "Practice"},
		{credstore.Record{Environment: "custom", RegistrationClientURI: "https://idp.example:8443/x/y"}, "Custom addresses (idp.example:8443)"},
		{credstore.Record{Environment: "custom"}, "Custom addresses"},
		{credstore.Record{Environment: "other"}, "other"},
	} {
		if got := environmentWords(tc.rec); !strings.Contains(got, tc.want) {
			t.Errorf("environmentWords(%q) = %q, want %q", tc.rec.Environment, got, tc.want)
		}
	}
}

func TestRegistrationWordsKeychainPlaces(t *testing.T) {
	rec := credstore.Record{Name: "Front desk PC", Environment: "sandbox", ClientID: "c1"}
	got := keychainPlaces(rec, "/cfg/dcrwizard")
	want := [][2]string{
		{"Registration access token", "sandbox/client/c1/registration_access_token"},
		{"Registration client URI", "sandbox/client/c1/registration_client_uri"},
		{"Client ID, by name", "sandbox/name/Front desk PC/client_id"},
		{"List of registrations", filepath.Join("/cfg/dcrwizard", "index.json")},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if n := len(keychainPlaces(credstore.Record{Environment: "sandbox", ClientID: "c1"}, "")); n != 2 {
		t.Errorf("without a name or folder: %d rows, want 2", n)
	}
}
