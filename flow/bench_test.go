package flow

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"dcrwizard/atosim"
	"dcrwizard/m2m"
)

// Benchmarks of the three ATO steps (make bench; docs/BENCHMARKS.md). The
// BenchmarkFloor* ones measure, in the same run, what a registration cannot
// do without — one RSA-2048 signature, its verification by the simulator,
// and two POSTs over one new loopback connection — so the report can give
// Register as a ratio of that floor rather than as a bare number.

// benchSim is one simulator on loopback and a credential it issued, shared
// by the benchmarks: RSA key generation would dwarf what is measured.
var benchSim = sync.OnceValues(func() (*benchFixture, error) {
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		return nil, err
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	cred, err := sim.IssueCredential("ABRD:80000000001_Bench", "80000000001", "Bench", now.Add(-time.Hour), now.AddDate(2, 0, 0))
	if err != nil {
		return nil, err
	}
	ep := srv.Endpoints()
	return &benchFixture{
		sim: sim, cred: cred,
		env: Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope),
	}, nil
})

type benchFixture struct {
	sim  *atosim.Simulator
	cred *m2m.Credential
	env  Environment
}

func fixture(b *testing.B) *benchFixture {
	b.Helper()
	f, err := benchSim()
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkSignJWT is step 1: build the private-key JWT and sign it.
func BenchmarkSignJWT(b *testing.B) {
	f := fixture(b)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newAssertion(f.cred, f.env, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegister is one whole registration in process: JWT, token
// request and DCR POST against the simulator over loopback HTTP. Each
// iteration uses a new HTTP client, so it opens its own connections as a
// real run does, and a fresh JWT (the simulator refuses a replayed jti).
func BenchmarkRegister(b *testing.B) {
	f := fixture(b)
	req := Request{Env: f.env, Credential: f.cred, ConsumerKey: MustKey(f.sim.APIKey()), InstanceName: "Bench"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		hc, err := NewHTTPClient("", 0)
		if err != nil {
			b.Fatal(err)
		}
		c := &Client{HTTP: hc}
		if _, err := c.Register(ctx, req); err != nil {
			b.Fatal(err)
		}
		hc.CloseIdleConnections()
	}
}

// BenchmarkFloorRSASign is one RSA-2048 PKCS#1 v1.5 signature, as in the JWT.
func BenchmarkFloorRSASign(b *testing.B) {
	f := fixture(b)
	digest := sha256.Sum256([]byte("header.claims"))
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, f.cred.PrivateKey, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorRSAVerify is the simulator's check of that signature.
func BenchmarkFloorRSAVerify(b *testing.B) {
	f := fixture(b)
	digest := sha256.Sum256([]byte("header.claims"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, f.cred.PrivateKey, crypto.SHA256, digest[:])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := rsa.VerifyPKCS1v15(&f.cred.PrivateKey.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorTwoPOSTs is two small POSTs and their answers over one new
// loopback connection, as Register makes them (token, then DCR): the
// transport part of a registration with no work behind it.
func BenchmarkFloorTwoPOSTs(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"x","token_type":"Bearer","expires_in":3600}`))
	}))
	b.Cleanup(srv.Close)
	body := bytes.Repeat([]byte("a"), 1500) // about the size of a JWT-bearing form
	for b.Loop() {
		hc, err := NewHTTPClient("", 0)
		if err != nil {
			b.Fatal(err)
		}
		for range 2 {
			resp, err := hc.Post(srv.URL, "application/x-www-form-urlencoded", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		hc.CloseIdleConnections()
	}
}
