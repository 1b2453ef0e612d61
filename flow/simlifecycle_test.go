package flow_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"dcrwizard/atosim"
	"dcrwizard/flow"
	"dcrwizard/guidance"
)

func TestSimLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(ctx, f.request("Reception PC"))
	if err != nil {
		t.Fatal(err)
	}
	token := reg.RegistrationAccessToken

	got, err := f.c.Read(ctx, reg.RegistrationClientURI, token, flow.MustKey(f.sim.APIKey()))
	if err != nil {
		t.Fatal(err)
	}
	if got.ClientID != reg.ClientID || got.RegistrationAccessToken != token || got.Metadata["client_name"] != "Reception PC" {
		t.Errorf("read = %+v", got)
	}

	md := got.Metadata
	md["client_name"] = "Reception PC (renamed)"
	upd, err := f.c.Update(ctx, reg.RegistrationClientURI, token, flow.MustKey(f.sim.APIKey()), md)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Metadata["client_name"] != "Reception PC (renamed)" || f.sim.Clients()[0].Name != "Reception PC (renamed)" {
		t.Errorf("update = %+v; simulator has %+v", upd, f.sim.Clients())
	}

	if err := f.c.Delete(ctx, reg.RegistrationClientURI, token, flow.MustKey(f.sim.APIKey())); err != nil {
		t.Fatal(err)
	}
	if len(f.sim.Clients()) != 0 {
		t.Error("still registered after Delete")
	}
	_, err = f.c.Read(ctx, reg.RegistrationClientURI, token, flow.MustKey(f.sim.APIKey()))
	fe := flowError(t, err)
	if fe.Status != 401 || fe.Step != flow.StepRead || guidance.For(fe).Message() != "The ATO no longer recognises this registration or its access token." {
		t.Errorf("read after delete: %+v %q", fe, guidance.For(fe).Message())
	}
	f.noSecrets(t, err, token)
}

func TestSimLifecycleRotation(t *testing.T) {
	ctx := context.Background()
	f := newSim(t, atosim.Options{RotateTokens: true})
	reg, err := f.c.Register(ctx, f.request("PC"))
	if err != nil {
		t.Fatal(err)
	}
	old := reg.RegistrationAccessToken
	got, err := f.c.Read(ctx, reg.RegistrationClientURI, old, flow.MustKey(f.sim.APIKey()))
	if err != nil {
		t.Fatal(err)
	}
	if got.RegistrationAccessToken == "" || got.RegistrationAccessToken == old {
		t.Fatal("the rotated token was not returned")
	}
	if !strings.Contains(f.log.text(), "new registration access token") {
		t.Errorf("rotation not in the log:\n%s", f.log.text())
	}
	// The old token is retired.
	_, err = f.c.Read(ctx, reg.RegistrationClientURI, old, flow.MustKey(f.sim.APIKey()))
	if fe := flowError(t, err); fe.Status != 401 || fe.Kind != flow.KindRefused {
		t.Errorf("old token: %+v", fe)
	}
	// The new one works, and rotates again.
	upd, err := f.c.Update(ctx, reg.RegistrationClientURI, got.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()), got.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	if upd.RegistrationAccessToken == got.RegistrationAccessToken {
		t.Error("update did not return the next token")
	}
	f.noSecrets(t, nil, old, got.RegistrationAccessToken, upd.RegistrationAccessToken)
}

func TestSimDeleteNotAllowed(t *testing.T) {
	ctx := context.Background()
	f := newSim(t, atosim.Options{DisableDelete: true})
	reg, err := f.c.Register(ctx, f.request("PC"))
	if err != nil {
		t.Fatal(err)
	}
	err = f.c.Delete(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()))
	fe := flowError(t, err)
	if fe.Status != 405 || fe.Step != flow.StepDelete || guidance.For(fe).Message() != "The ATO does not offer removing a registration from here, so it still exists at the ATO." || !flow.NotOffered(err) {
		t.Errorf("got %+v %q", fe, guidance.For(fe).Message())
	}
	if len(f.sim.Clients()) != 1 {
		t.Error("the registration went")
	}
}

func TestSimLifecycleFault(t *testing.T) {
	ctx := context.Background()
	f := newSim(t, atosim.Options{})
	reg, err := f.c.Register(ctx, f.request("PC"))
	if err != nil {
		t.Fatal(err)
	}
	f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultHTTPError, Endpoint: atosim.EndpointClient, Nth: 1, Status: 503})
	_, err = f.c.Read(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()))
	if fe := flowError(t, err); fe.Kind != flow.KindServer || fe.Step != flow.StepRead || fe.Status != 503 {
		t.Errorf("got %+v", fe)
	}
	f.sim.InjectFault(atosim.Fault{Kind: atosim.FaultMalformedJSON, Endpoint: atosim.EndpointClient, Nth: 1})
	_, err = f.c.Read(ctx, reg.RegistrationClientURI, reg.RegistrationAccessToken, flow.MustKey(f.sim.APIKey()))
	// A success that cannot be read may have carried a new registration
	// access token: the outcome is unknown, and the message says what to run.
	if fe := flowError(t, err); fe.Kind != flow.KindUnknownOutcome || !fe.Unknown || fe.Status != 200 ||
		!slices.Equal(nextOf(fe), []string{"check-registration " + reg.ClientID}) {
		t.Errorf("got %+v %q %q", fe, guidance.For(fe).Action(), nextOf(fe))
	}
	f.noSecrets(t, err, reg.RegistrationAccessToken)
}
