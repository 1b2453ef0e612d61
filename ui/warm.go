package ui

import (
	"context"
	"net/http"
	"sync"
	"time"

	"dcrwizard/flow"
)

// Pre-connecting (issue 20): while the Review page is shown, the client the
// run will use is made and connected to the environment's hosts
// (flow.Preconnect: TCP and TLS only, never a request), so that pressing
// Register pays only for the requests. Leaving Review, closing the window
// or the end of the run closes what no request used (flow.ClosePreconnected).

// warmClient is one run's HTTP client, made off the UI goroutine (it reads
// the CA file) and pre-connected while Review is shown.
type warmClient struct {
	env     flow.Environment
	caFile  string
	timeout time.Duration

	ready chan struct{} // closed once hc or err is set
	hc    *http.Client
	err   error

	stop     context.CancelFunc // ends a Warm still dialing
	coolOnce sync.Once
}

// client waits for the client to be made.
func (c *warmClient) client() (*http.Client, error) {
	<-c.ready
	return c.hc, c.err
}

// cool closes the connections no request used. Safe from any goroutine,
// more than once; it waits for the client only if it is being made.
func (c *warmClient) cool() {
	c.coolOnce.Do(func() {
		c.stop()
		go func() {
			if hc, err := c.client(); err == nil {
				flow.ClosePreconnected(hc)
			}
		}()
	})
}

// matches reports whether c was made for this environment and CA file.
func (c *warmClient) matches(env flow.Environment, caFile string, timeout time.Duration) bool {
	return c.caFile == caFile && c.timeout == timeout && c.env.TokenURL == env.TokenURL &&
		c.env.RegistrationURL == env.RegistrationURL && c.env.HeartbeatURL == env.HeartbeatURL
}

// startWarm makes a client and pre-connects it in the background.
func startWarm(env flow.Environment, caFile string, timeout time.Duration,
	newClient func(string, time.Duration) (*http.Client, error)) *warmClient {
	ctx, stop := context.WithCancel(context.Background())
	c := &warmClient{env: env, caFile: caFile, timeout: timeout, ready: make(chan struct{}), stop: stop}
	go func() {
		c.hc, c.err = newClient(caFile, timeout)
		close(c.ready)
		if c.err == nil {
			flow.Preconnect(ctx, c.hc, env)
		}
	}()
	return c
}

// warmUp pre-connects for the Review page's environment, keeping a client
// already made for the same one.
func (p *reviewPage) warmUp(env flow.Environment, caFile string) {
	if p.running() {
		return
	}
	if env.TokenURL == "" {
		p.cool()
		return
	}
	timeout := p.w.cfg.Timeout
	if p.warm != nil && p.warm.matches(env, caFile, timeout) {
		return
	}
	p.cool()
	p.warm = startWarm(env, caFile, timeout, p.w.cfg.NewHTTPClient)
}

// cool closes the Review page's pre-made connections (Back, another page,
// the window closing).
func (p *reviewPage) cool() {
	if p.warm != nil {
		p.warm.cool()
		p.warm = nil
	}
}

// takeWarm hands the pre-connected client to a run, or makes one when the
// run's environment or CA file is not the one Review warmed: the run then
// owns it and cools it when over.
func (p *reviewPage) takeWarm(env flow.Environment, caFile string) *warmClient {
	c := p.warm
	p.warm = nil
	timeout := p.w.cfg.Timeout
	if c != nil && c.matches(env, caFile, timeout) {
		return c
	}
	if c != nil {
		c.cool()
	}
	return startWarm(env, caFile, timeout, p.w.cfg.NewHTTPClient)
}
