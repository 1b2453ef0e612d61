package flow

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"time"
	"weak"
)

// Pre-connecting: every HTTPS request to a new host costs a TCP round trip
// and a TLS round trip before its own, and the token endpoint and the DCR
// API are on different hosts. While the user reads the Review page (or the
// CLI opens the keystore), Preconnect dials and TLS-handshakes both hosts,
// so pressing Register pays only for the requests themselves. Nothing is
// written on such a connection until a request uses it: a connection is not
// a request, and one never used is closed.

// warmMaxAge is how long a pre-made connection is kept for use: servers
// close idle connections, and a stale one must never carry the DCR POST
// (a failure after the POST is written is "outcome unknown").
const warmMaxAge = 30 * time.Second

type warmConn struct {
	conn *tls.Conn
	made time.Time
}

// warmPool holds pre-made TLS connections for one transport, by host:port.
// It reads the transport's dialer, TLS settings and proxy when it dials (a
// caller may change them after NewHTTPClient), through a weak pointer, so
// that a transport no longer used is freed with its pool.
type warmPool struct {
	tr  weak.Pointer[http.Transport]
	mu  sync.Mutex
	got map[string][]warmConn
	// making is closed when Preconnect's dial to a host:port ends: a
	// request made meanwhile (Register pressed at once) waits for that
	// connection instead of making a second one.
	making map[string]chan struct{}
	now    func() time.Time
}

// pools maps a transport made by NewHTTPClient to its pool.
var pools sync.Map // weak.Pointer[http.Transport] -> *warmPool

// installWarmPool makes tr take pre-made connections first. Only direct
// HTTPS connections are pre-made: through a proxy the transport makes its
// own CONNECT tunnel, which this cannot do on its behalf.
func installWarmPool(tr *http.Transport) {
	key := weak.Make(tr)
	p := &warmPool{tr: key, got: map[string][]warmConn{}, making: map[string]chan struct{}{}, now: time.Now}
	tr.DialTLSContext = p.dialTLS
	pools.Store(key, p)
	runtime.AddCleanup(tr, func(k weak.Pointer[http.Transport]) {
		if v, ok := pools.LoadAndDelete(k); ok {
			v.(*warmPool).close()
		}
	}, key)
}

// dialTLS gives a live pre-made connection to addr, or makes a new one.
func (p *warmPool) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	if c := p.take(addr); c != nil {
		return c, nil
	}
	p.mu.Lock()
	making := p.making[addr]
	p.mu.Unlock()
	if making != nil {
		select {
		case <-making:
			if c := p.take(addr); c != nil {
				return c, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return p.dial(ctx, network, addr)
}

func (p *warmPool) dial(ctx context.Context, network, addr string) (*tls.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	tr := p.tr.Value()
	if tr == nil {
		return nil, errors.New("the HTTP transport was closed")
	}
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	raw, err := dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{}
	if tr.TLSClientConfig != nil {
		cfg = tr.TLSClientConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	cfg.NextProtos = []string{"http/1.1"} // the transport speaks HTTP/1.1 on connections it did not dial
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// take pops the newest live connection for addr, closing stale ones.
func (p *warmPool) take(addr string) net.Conn {
	p.mu.Lock()
	list := p.got[addr]
	delete(p.got, addr)
	p.mu.Unlock()
	var found net.Conn
	for i := len(list) - 1; i >= 0; i-- {
		w := list[i]
		if found == nil && p.now().Sub(w.made) < warmMaxAge && alive(w.conn) {
			found = w.conn
			continue
		}
		w.conn.Close()
	}
	return found
}

// alive reports whether the server has not closed c: a read that times out
// at once means nothing is waiting, which is what an idle live connection
// looks like (TLS 1.3 session tickets are consumed by the read).
func alive(c *tls.Conn) bool {
	if err := c.SetReadDeadline(time.Now().Add(time.Millisecond)); err != nil {
		return false
	}
	var b [1]byte
	_, err := c.Read(b[:])
	_ = c.SetReadDeadline(time.Time{})
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (p *warmPool) put(addr string, c *tls.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got[addr] = append(p.got[addr], warmConn{conn: c, made: p.now()})
}

// close drops every pre-made connection.
func (p *warmPool) close() {
	p.mu.Lock()
	all := p.got
	p.got = map[string][]warmConn{}
	p.mu.Unlock()
	for _, list := range all {
		for _, w := range list {
			w.conn.Close()
		}
	}
}

// Preconnect opens and TLS-handshakes one connection to each host env's
// registration uses (token endpoint, DCR API and, when set, the
// heartbeat), in parallel, for hc to use on the next requests. It sends no
// request. It does nothing for a client not made by NewHTTPClient, for
// plain http:// addresses and where a proxy is configured. It returns when
// the connections are made or ctx ends; failures are left for the real
// requests to report.
func Preconnect(ctx context.Context, hc *http.Client, env Environment) {
	p := poolOf(hc)
	if p == nil {
		return
	}
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, raw := range []string{env.TokenURL, env.RegistrationURL, env.HeartbeatURL} {
		addr, ok := p.directAddr(raw)
		if !ok || seen[addr] {
			continue
		}
		seen[addr] = true
		done := p.startMaking(addr)
		if done == nil {
			continue // another Preconnect is making it
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer done()
			if c, err := p.dial(ctx, "tcp", addr); err == nil {
				p.put(addr, c)
			}
		}()
	}
	wg.Wait()
}

// startMaking notes a dial to addr under way; the func it returns ends it.
// nil when one is under way already.
func (p *warmPool) startMaking(addr string) func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.making[addr] != nil {
		return nil
	}
	ch := make(chan struct{})
	p.making[addr] = ch
	return func() {
		p.mu.Lock()
		delete(p.making, addr)
		p.mu.Unlock()
		close(ch)
	}
}

// ClosePreconnected closes hc's connections that no request used: for a
// wizard page left or a run abandoned.
func ClosePreconnected(hc *http.Client) {
	if p := poolOf(hc); p != nil {
		p.close()
	}
	if hc != nil {
		hc.CloseIdleConnections()
	}
}

func poolOf(hc *http.Client) *warmPool {
	if hc == nil {
		return nil
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		return nil
	}
	p, _ := pools.Load(weak.Make(tr))
	wp, _ := p.(*warmPool)
	return wp
}

// directAddr is raw's host:port when it is an https address the transport
// would dial directly (no proxy).
func (p *warmPool) directAddr(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return "", false
	}
	tr := p.tr.Value()
	if tr == nil {
		return "", false
	}
	if tr.Proxy != nil {
		if pu, err := tr.Proxy(&http.Request{URL: u}); err != nil || pu != nil {
			return "", false
		}
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port), true
}
