package registrar

import (
	"context"
	"errors"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/atosim/atosimtest"
	"dcrwizard/consumerkey"
	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

// renewFixture is a simulator with opts, a registration made in it with a
// first credential, and a renewed credential (same id and ABN, new key).
type renewFixture struct {
	sim          *atosim.Simulator
	env          flow.Environment
	r            Registrar
	old, renewed *m2m.Credential
	clientID     string
	key          consumerkey.Key
}

func newRenewFixture(t *testing.T, opts atosim.Options) *renewFixture {
	t.Helper()
	f := atosimtest.Start(t, opts)
	ep := f.Endpoints
	env := flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	env.VerifyScope, env.HeartbeatURL = ep.VerifyScope, ep.HeartbeatURL
	now := time.Now()
	old, err := f.Sim.IssueCredential("ABRD:80000000001_Desk", "80000000001", "Desk", now.AddDate(-1, -4, 0), now.AddDate(0, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := f.Sim.IssueCredential(old.ID, old.ABN, old.Name, now.Add(-time.Minute), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	rf := &renewFixture{sim: f.Sim, env: env, old: old, renewed: renewed, key: testKey(t, f.Sim.APIKey()),
		r: Registrar{Flow: &flow.Client{}, Store: realStore(t)}}
	// The old credential has eight months to run: it can still register.
	res, err := rf.r.Register(context.Background(), Input{Env: env, Credential: old, ConsumerKey: rf.key, InstanceName: "Front desk"}, nil)
	if err != nil || !res.Stored {
		t.Fatalf("register: %v", err)
	}
	rf.clientID = res.Registration.ClientID
	return rf
}

func (rf *renewFixture) record(t *testing.T, id string) credstore.Record {
	t.Helper()
	rec, _, err := rf.r.Store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestRenewInPlace(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{RotateTokens: true})
	ctx := context.Background()
	before := rf.record(t, rf.clientID)
	if st := StateOf(before, time.Now().AddDate(0, 7, 0)); st.Status != CredentialRenewNow {
		t.Errorf("a credential with a month to run: %s", st.Status)
	}
	// The renewed credential cannot sign in as the registration yet.
	if _, err := rf.r.Verify(ctx, VerifyInput{Env: rf.env, Credential: rf.renewed, ClientID: rf.clientID}, nil); err == nil {
		t.Fatal("the renewed credential signed in before the update")
	}
	if _, err := rf.r.Renew(ctx, RenewInput{ClientID: rf.clientID, Credential: rf.old}, nil); !errors.Is(err, ErrSameCertificate) {
		t.Errorf("renew with the registered certificate: %v", err)
	}
	res, err := rf.r.Renew(ctx, RenewInput{ClientID: rf.clientID, Credential: rf.renewed, ConsumerKey: rf.key}, nil)
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if res.VerifyErr != nil || res.Verification == nil || res.Verification.HeartbeatURL == "" || !res.Rotated {
		t.Fatalf("renew result %+v (verify %v)", res, res.VerifyErr)
	}
	after := rf.record(t, rf.clientID)
	if after.ClientID != rf.clientID || after.CredentialSerial != rf.renewed.Serial || after.CertificateSHA256 == before.CertificateSHA256 ||
		!after.CredentialNotAfter.Equal(rf.renewed.NotAfter) {
		t.Errorf("record after renew: %+v", after)
	}
	if st := StateOf(after, time.Now()); st.Status != CredentialFine {
		t.Errorf("after renew: %s", st.Status)
	}
	// The old key no longer signs in as it; the rotated token was stored
	// (a check works with what the store holds).
	if _, err := rf.r.Verify(ctx, VerifyInput{Env: rf.env, Credential: rf.old, ClientID: rf.clientID}, nil); err == nil {
		t.Error("the old credential still signs in after the update")
	}
	if _, err := rf.r.Check(ctx, rf.clientID); err != nil {
		t.Errorf("check after renew: %v", err)
	}
	if notes, _ := rf.r.Store.Pending(); len(notes) != 0 {
		t.Errorf("pending notes left: %+v", notes)
	}
}

func TestRenewOtherABNNeedsConfirmation(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{})
	now := time.Now()
	other, err := rf.sim.IssueCredential("ABRD:18123456789_Desk", "18123456789", "Desk", now.Add(-time.Minute), now.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rf.r.Renew(context.Background(), RenewInput{ClientID: rf.clientID, Credential: other}, nil)
	var abn *OtherABNError
	if !errors.As(err, &abn) || abn.Registered != "80000000001" || abn.Chosen != "18123456789" {
		t.Fatalf("renew with another ABN: %v", err)
	}
	if n := len(rf.sim.Requests()); n != 2 { // the registration's token and DCR requests
		t.Errorf("a refused renewal sent something: %d requests", n)
	}
	res, err := rf.r.Renew(context.Background(), RenewInput{ClientID: rf.clientID, Credential: other, AllowOtherABN: true}, nil)
	if err != nil || res.VerifyErr != nil || res.Record.CredentialABN != "18123456789" {
		t.Fatalf("confirmed: %+v %v", res, err)
	}
}

// The ATO will not update: register again; the old one is kept, marked,
// until the user removes it.
func TestRenewRefusedThenRegisterAgain(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{RefuseUpdates: true})
	ctx := context.Background()
	_, err := rf.r.Renew(ctx, RenewInput{ClientID: rf.clientID, Credential: rf.renewed}, nil)
	var refused *UpdateRefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("renew against a server that refuses updates: %v", err)
	}
	if notes, _ := rf.r.Store.Pending(); len(notes) != 0 {
		t.Errorf("a refused update left a pending note: %+v", notes)
	}
	again, err := rf.r.RegisterAgain(ctx, rf.clientID, rf.renewed, rf.key, nil)
	if err != nil || again.Result == nil || !again.Result.Stored || again.VerifyErr != nil || !again.OldMarked {
		t.Fatalf("register again: %+v %v", again, err)
	}
	newID := again.Result.Registration.ClientID
	old := rf.record(t, rf.clientID)
	if old.ReplacedBy != newID || rf.record(t, newID).Name != "Front desk" {
		t.Errorf("old %+v, new id %s", old, newID)
	}
	if len(rf.sim.Clients()) != 2 {
		t.Errorf("the ATO holds %d registrations, want both until the old is removed", len(rf.sim.Clients()))
	}
}

// The answer to the PUT is lost: outcome unknown, the pending note stays,
// nothing is retried.
func TestRenewAnswerLost(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{})
	rf.sim.InjectFault(atosim.Fault{Kind: atosim.FaultDropAfterRegister, Endpoint: atosim.EndpointClient, Nth: 2}) // the read, then the PUT
	_, err := rf.r.Renew(context.Background(), RenewInput{ClientID: rf.clientID, Credential: rf.renewed}, nil)
	var fe *flow.Error
	if !errors.As(err, &fe) || !fe.Unknown || fe.Step != flow.StepUpdate {
		t.Fatalf("renew with the PUT's answer lost: %v", err)
	}
	notes, _ := rf.r.Store.Pending()
	if len(notes) != 1 || notes[0].Action != credstore.PendingRenew || notes[0].ClientID != rf.clientID {
		t.Fatalf("pending notes: %+v", notes)
	}
	puts := 0
	for _, r := range rf.sim.Requests() {
		if r.Method == "PUT" {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d PUTs, want exactly one", puts)
	}
	// The update did reach the simulator: the renewed credential now signs in.
	if _, err := rf.r.Verify(context.Background(), VerifyInput{Env: rf.env, Credential: rf.renewed, ClientID: rf.clientID}, nil); err != nil {
		t.Errorf("verify after the lost answer: %v", err)
	}
}

// A server that leaves x509_certificate out of reads: a rename must put the
// stored certificate back, or the registration would lose it.
func TestRenameKeepsCertificate(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{OmitCertificateOnRead: true})
	if _, err := rf.r.Rename(context.Background(), rf.clientID, "Reception"); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if _, err := rf.r.Verify(context.Background(), VerifyInput{Env: rf.env, Credential: rf.old, ClientID: rf.clientID}, nil); err != nil {
		t.Errorf("the registration lost its certificate in the rename: %v", err)
	}
}

func TestCredentialStates(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		notAfter time.Time
		want     CredentialStatus
	}{
		{now.AddDate(1, 0, 0), CredentialFine},
		{now.AddDate(0, 5, 0), CredentialRenewSoon},
		{now.AddDate(0, 0, 59), CredentialRenewNow},
		{now.Add(-time.Hour), CredentialExpired},
		{time.Time{}, CredentialUnknown},
	} {
		if got := StateOf(credstore.Record{CredentialNotAfter: tt.notAfter}, now).Status; got != tt.want {
			t.Errorf("not after %v: %s, want %s", tt.notAfter, got, tt.want)
		}
	}
}

func TestRenewedCredentialIsFound(t *testing.T) {
	rf := newRenewFixture(t, atosim.Options{})
	rec := rf.record(t, rf.clientID)
	store := &m2m.Store{Credentials: []*m2m.Credential{rf.old, rf.renewed}}
	st := StateWith(rec, time.Now(), store)
	if st.Status != CredentialRenewed || st.Renewed != rf.renewed {
		t.Errorf("state %+v", st)
	}
	if StateWith(rec, time.Now(), &m2m.Store{Credentials: []*m2m.Credential{rf.old}}).Status == CredentialRenewed {
		t.Error("the registered certificate counted as renewed")
	}
}
