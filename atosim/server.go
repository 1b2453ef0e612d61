package atosim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultListen is where Start listens when given "".
const DefaultListen = "127.0.0.1:0"

// NotLoopbackError is Start's refusal of an address other computers could reach.
type NotLoopbackError struct{ Addr string }

func (e *NotLoopbackError) Error() string {
	return fmt.Sprintf("The simulator only listens on this computer (127.0.0.1 or localhost), not on %q: it accepts practice credentials whose password is published. Allow other addresses explicitly if you really mean it.", e.Addr)
}

// Server is the simulator on a real loopback HTTP server.
type Server struct {
	Sim *Simulator
	URL string // e.g. "http://127.0.0.1:41234"

	srv       *http.Server
	done      chan error
	closeOnce sync.Once
	closeErr  error
}

// Start serves sim at listen ("" means DefaultListen). Addresses that are
// not loopback are refused unless sim's Options.AllowNonLoopback is set.
func Start(sim *Simulator, listen string) (*Server, error) {
	return start(sim, listen, nil)
}

// start serves sim over plain HTTP, or over TLS when tlsCfg is not nil.
func start(sim *Simulator, listen string, tlsCfg *tls.Config) (*Server, error) {
	if listen == "" {
		listen = DefaultListen
	}
	if err := checkListen(listen, sim.opts.AllowNonLoopback); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("the simulator could not listen on %s; pick another port or stop what is using it: %w", listen, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !sim.opts.AllowNonLoopback && !tcp.IP.IsLoopback() {
		_ = ln.Close() // "localhost" resolved to something unexpected
		return nil, &NotLoopbackError{Addr: ln.Addr().String()}
	}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tlsCfg)
	}
	s := &Server{
		Sim: sim,
		URL: scheme + "://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           sim.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    64 << 10,
		},
		done: make(chan error, 1),
	}
	sim.mu.Lock()
	sim.baseURL = s.URL
	sim.mu.Unlock()
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// checkListen refuses a malformed address, and one that is not loopback
// unless allowed.
func checkListen(listen string, allowNonLoopback bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("the listen address %q is not host:port (for example 127.0.0.1:8080): %w", listen, err)
	}
	if !allowNonLoopback && !isLoopbackHost(host) {
		return &NotLoopbackError{Addr: listen}
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoints are the URLs of this server.
func (s *Server) Endpoints() Endpoints { return s.Sim.Endpoints(s.URL) }

// Close stops the server, letting requests in flight finish for a few seconds.
// Closing twice is harmless.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if err != nil {
			err = errors.Join(err, s.srv.Close())
		}
		if serveErr := <-s.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
		if err != nil {
			s.closeErr = fmt.Errorf("the simulator did not stop cleanly: %w", err)
		}
	})
	return s.closeErr
}

// Serve runs the simulator standalone (`dcrwizard simulate`): it listens on
// listen (loopback only), writes the practice files into outDir, prints
// where everything is to out, and serves until ctx is done.
func Serve(ctx context.Context, listen, outDir string, out io.Writer) error {
	return ServeWithOptions(ctx, Options{}, listen, outDir, out)
}

// ServeWithOptions is Serve with simulator options (for example
// AllowNonLoopback, RotateTokens, or fixed APIKeys).
func ServeWithOptions(ctx context.Context, opts Options, listen, outDir string, out io.Writer) error {
	if listen == "" {
		listen = DefaultListen
	}
	if err := checkListen(listen, opts.AllowNonLoopback); err != nil {
		return err // before the slow key generation
	}
	out = &lockedWriter{w: out} // request logs come from server goroutines
	if opts.Logf == nil {
		opts.Logf = func(format string, args ...any) {
			fmt.Fprintf(out, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	sim, err := New(opts)
	if err != nil {
		return err
	}
	srv, err := Start(sim, listen)
	if err != nil {
		return err
	}
	demo, err := sim.WriteDemo(outDir, DemoPassword)
	if err != nil {
		return errors.Join(err, srv.Close())
	}
	e := srv.Endpoints()
	fmt.Fprintf(out, "ATO simulator running at %s (practice only; it never contacts the ATO)\n\n", srv.URL)
	fmt.Fprintf(out, "  Token endpoint:          %s\n", e.TokenURL)
	fmt.Fprintf(out, "  Registration (DCR) URL:  %s\n", e.RegistrationURL)
	fmt.Fprintf(out, "  Registration client id:  %s\n", e.RegistrationClientID)
	fmt.Fprintf(out, "  Scope:                   %s\n", e.Scope)
	fmt.Fprintf(out, "  Consumer (API) key:      %s\n\n", sim.APIKey())
	fmt.Fprintf(out, "Practice credential %q, password %s:\n  %s\n  %s\n  %s\n  (see %s)\n\n",
		demo.CredentialID, demo.Password, demo.KeystorePath, demo.P12Path, demo.PEMPath,
		filepath.Join(demo.Dir, DemoReadmeFile))
	fmt.Fprintf(out, "Press Ctrl-C to stop.\n")
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Simulator stopped.\n")
	return nil
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
