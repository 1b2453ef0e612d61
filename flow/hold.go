package flow

import (
	"context"
	"net/http/httptrace"
	"sync"
)

// requestContext is the context one request runs under: its own
// StepTimeout, and ctx's end unless cl.holdOnceSent (then the hold decides).
// done releases it; abandoned reports whether the hold abandoned the
// request before it was sent.
func (c *Client) requestContext(ctx context.Context, cl call) (reqCtx context.Context, done func(), abandoned func() bool) {
	if !cl.holdOnceSent {
		reqCtx, cancel := context.WithTimeout(ctx, c.stepTimeout())
		return reqCtx, cancel, func() bool { return false }
	}
	reqCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.stepTimeout())
	h := &hold{cancel: cancel, onHold: c.OnHold, step: cl.step}
	stop := context.AfterFunc(ctx, h.parentDone)
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{GotConn: h.gotConn})
	done = func() {
		cancel()
		h.release()
		stop()
	}
	return reqCtx, done, h.wasAbandoned
}

// hold decides, once, whether a request is abandoned when its caller's
// context ends: before it has a connection, yes (nothing has been sent); from
// then on, no. A connection handed over after the abandon is closed unused,
// so an abandoned request never reaches the server.
type hold struct {
	mu        sync.Mutex
	cancel    context.CancelFunc
	committed bool // has a connection: its answer is waited for
	abandoned bool
	onHold    func(Step, bool)
	step      Step
}

func (h *hold) parentDone() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.committed {
		h.abandoned = true
		h.cancel()
	}
}

func (h *hold) gotConn(info httptrace.GotConnInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.abandoned {
		_ = info.Conn.Close()
		return
	}
	if !h.committed {
		h.committed = true
		if h.onHold != nil {
			h.onHold(h.step, true)
		}
	}
}

func (h *hold) wasAbandoned() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.abandoned
}

func (h *hold) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.committed && h.onHold != nil {
		h.onHold(h.step, false)
	}
}
