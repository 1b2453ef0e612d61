package registrar

import (
	"fmt"

	"dcrwizard/atosim"
	"dcrwizard/consumerkey"
	"dcrwizard/flow"
)

// Practice is the offline rehearsal: the built-in ATO simulator on a
// loopback port and a demo credential made for it.
type Practice struct {
	Env         flow.Environment
	Demo        atosim.Demo
	ConsumerKey consumerkey.Key
	server      *atosim.Server
}

// StartPractice starts the simulator on 127.0.0.1 and writes its demo
// credential (password atosim.DemoPassword) into dir.
func StartPractice(dir string) (*Practice, error) {
	sim, err := atosim.New(atosim.Options{})
	if err != nil {
		return nil, fmt.Errorf("could not start Practice mode: %w", err)
	}
	srv, err := atosim.Start(sim, "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("could not start Practice mode: %w", err)
	}
	demo, err := sim.WriteDemo(dir, atosim.DemoPassword)
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("could not write the Practice credential: %w", err)
	}
	key, err := consumerkey.New(sim.APIKey(), consumerkey.Practice)
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("could not start Practice mode: %w", err)
	}
	ep := srv.Endpoints()
	env := flow.Practice(ep.TokenURL, ep.RegistrationURL, ep.RegistrationClientID, ep.Scope)
	// Practice rehearses the test of a new registration too.
	env.VerifyScope, env.HeartbeatURL = ep.VerifyScope, ep.HeartbeatURL
	return &Practice{
		Env:         env,
		Demo:        demo,
		ConsumerKey: key,
		server:      srv,
	}, nil
}

// SetLifecycle switches the practice simulator's RFC 7592 calls on or off,
// to rehearse an ATO that offers no check, rename or remove.
func (p *Practice) SetLifecycle(offered bool) { p.server.Sim.SetLifecycle(offered) }

// Close stops the simulator.
func (p *Practice) Close() error { return p.server.Close() }

// RehearseRenewal renews the practice credential as RAM would: a new key and
// certificate under the same name, written to dir/keystore-new.xml with the
// demo password. The old certificate is revoked as well, as the practice
// will do in RAM once its software works with the new one (RAM itself does
// not): a practice registration then stops signing in until it is updated
// (Renew), as a real one would. Rehearsal only: the simulator is this
// process's.
func (p *Practice) RehearseRenewal(dir string) (atosim.Demo, error) {
	d, err := p.server.Sim.WriteRenewedDemo(dir, p.Demo.Password, true)
	if err != nil {
		return d, fmt.Errorf("could not make the renewed practice credential: %w", err)
	}
	return d, nil
}
