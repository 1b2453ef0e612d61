package registrar

import (
	"context"
	"testing"
	"time"

	"dcrwizard/credstore"
	"dcrwizard/flow"
	"dcrwizard/m2m"
)

func TestSameRegistration(t *testing.T) {
	p, cred := startPractice(t)
	custom := flow.Custom(p.Env.TokenURL, p.Env.RegistrationURL, p.Env.RegistrationClientID, p.Env.Scope)
	stored := func(env flow.Environment, name string, c *m2m.Credential) credstore.Record {
		rec := credstore.Record{Name: name, Environment: env.Name, ClientID: "c1", StoredAt: time.Now()}
		if _, preset := flow.Lookup(env.Name); !preset {
			rec.Endpoints = endpointsOf(env)
		}
		setCertificate(&rec, c)
		return rec
	}
	renewed := *cred
	leaf := *cred.Certificate
	leaf.Raw = append([]byte{0}, leaf.Raw...)
	renewed.Certificate, renewed.Serial = &leaf, cred.Serial+"1"
	otherEndpoint := custom
	otherEndpoint.RegistrationURL += "/elsewhere"

	base := stored(custom, "Front desk", cred)
	noCert := base
	noCert.CertificateSHA256, noCert.CertificateDER = "", nil
	noCredential := noCert
	noCredential.CredentialSerial, noCredential.CredentialABN = "", ""
	replaced := base
	replaced.ReplacedBy = "c2"
	conformance := base
	conformance.Purpose = credstore.PurposeConformance
	recovered := base
	recovered.Recovered = time.Now()

	for _, tc := range []struct {
		what string
		rec  credstore.Record
		env  flow.Environment
		name string
		cred *m2m.Credential
		want bool
	}{
		{"same everything", base, custom, "Front desk", cred, true},
		{"same name, spaces around it", base, custom, " Front desk ", cred, true},
		{"name differs only in case (refused by CheckName instead)", base, custom, "front desk", cred, false},
		{"another name", base, custom, "Back office", cred, false},
		{"another registration endpoint", base, otherEndpoint, "Front desk", cred, false},
		{"another environment", stored(flow.Sandbox, "Front desk", cred), flow.Production, "Front desk", cred, false},
		{"same preset", stored(flow.Sandbox, "Front desk", cred), flow.Sandbox, "Front desk", cred, true},
		{"renewed credential", base, custom, "Front desk", &renewed, false},
		{"no certificate hash: serial and ABN", noCert, custom, "Front desk", cred, true},
		{"no certificate hash: other serial", noCert, custom, "Front desk", &renewed, false},
		{"credential unknown", noCredential, custom, "Front desk", cred, false},
		{"replaced", replaced, custom, "Front desk", cred, false},
		{"left by a conformance run", conformance, custom, "Front desk", cred, false},
		{"recovered without its credential", recovered, custom, "Front desk", cred, false},
		{"no credential chosen", base, custom, "Front desk", nil, false},
	} {
		if got := SameRegistration(tc.rec, tc.env, tc.name, tc.cred); got != tc.want {
			t.Errorf("%s: SameRegistration = %v, want %v", tc.what, got, tc.want)
		}
	}
}

// Existing reads the real index: a registration made is found, newest first;
// a Practice one never is.
func TestExistingFindsAStoredRegistration(t *testing.T) {
	p, cred := startPractice(t)
	store := realStore(t)
	ctx := context.Background()
	r := Registrar{Flow: &flow.Client{}, Store: store}
	custom := flow.Custom(p.Env.TokenURL, p.Env.RegistrationURL, p.Env.RegistrationClientID, p.Env.Scope)
	in := Input{Env: custom, Credential: cred, ConsumerKey: p.ConsumerKey, InstanceName: "Front desk"}

	if got, err := Existing(ctx, store, custom, "Front desk", cred); err != nil || len(got) != 0 {
		t.Fatalf("before registering: %v %v", got, err)
	}
	var ids []string
	for range 2 {
		res, err := r.Register(ctx, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Registration.ClientID)
	}
	got, err := Existing(ctx, store, custom, "Front desk", cred)
	if err != nil || len(got) != 2 || got[0].ClientID != ids[1] || got[1].ClientID != ids[0] {
		t.Fatalf("Existing = %+v, %v; want %v newest first", got, err, ids)
	}
	if got, _ := Existing(ctx, store, custom, "Back office", cred); len(got) != 0 {
		t.Fatalf("another name matched: %+v", got)
	}

	if _, err := r.Register(ctx, input(p, cred, "Rehearsal"), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := Existing(ctx, store, p.Env, "Rehearsal", cred); len(got) != 0 {
		t.Fatalf("a Practice registration counted: %+v", got)
	}
}
