// Package netdelay is a loopback TCP forwarder that delays each direction
// by a fixed time, as a long network path does: tests and benchmarks use it
// to count connections and round trips on this machine, without a network.
package netdelay

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Forwarder accepts on a loopback port and forwards to a target address,
// holding every chunk of data for OneWay before passing it on.
type Forwarder struct {
	OneWay time.Duration

	ln       net.Listener
	target   string
	accepted atomic.Int64
	mu       sync.Mutex
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
}

// Start forwards a new 127.0.0.1 port to target.
func Start(target string, oneWay time.Duration) (*Forwarder, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Forwarder{OneWay: oneWay, ln: ln, target: target, conns: map[net.Conn]bool{}}
	f.wg.Add(1)
	go f.serve()
	return f, nil
}

// Addr is the forwarder's host:port.
func (f *Forwarder) Addr() string { return f.ln.Addr().String() }

// Accepted is how many connections it has accepted.
func (f *Forwarder) Accepted() int { return int(f.accepted.Load()) }

// DropAll closes every open connection, as a server closing idle ones does.
func (f *Forwarder) DropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
}

// Open is how many forwarded connections are open now.
func (f *Forwarder) Open() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns) / 2
}

// Close stops accepting, drops every connection and waits for its goroutines.
func (f *Forwarder) Close() error {
	err := f.ln.Close()
	f.DropAll()
	f.wg.Wait()
	return err
}

func (f *Forwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.accepted.Add(1)
		up, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		f.track(c, up)
		f.wg.Add(2)
		go f.pipe(up, c)
		go f.pipe(c, up)
	}
}

func (f *Forwarder) track(cs ...net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cs {
		f.conns[c] = true
	}
}

func (f *Forwarder) untrack(cs ...net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cs {
		delete(f.conns, c)
	}
}

type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, each chunk OneWay late, in order. When either end
// closes, both are closed.
func (f *Forwarder) pipe(dst, src net.Conn) {
	defer f.wg.Done()
	queue := make(chan chunk, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ch := range queue {
			if d := time.Until(ch.due); d > 0 {
				time.Sleep(d)
			}
			if _, err := dst.Write(ch.data); err != nil {
				break
			}
		}
		for range queue { // drain after a write error
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{data: append([]byte(nil), buf[:n]...), due: time.Now().Add(f.OneWay)}
		}
		if err != nil { // EOF, or the other direction closed us
			break
		}
	}
	close(queue)
	<-done
	dst.Close()
	src.Close()
	f.untrack(dst, src)
}
