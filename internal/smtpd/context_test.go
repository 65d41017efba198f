package smtpd

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"postroom/internal/actor"
	"postroom/internal/deliver"
	"postroom/internal/send"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

// watched wraps the services to record whether every call's context has
// a deadline, and can hold Submit until its context ends (a stuck store).
type watched struct {
	Sending
	Delivery
	mu       sync.Mutex
	calls    []string // calls without a deadline
	n        int
	hold     bool
	entered  chan struct{}
	released chan error
}

func (w *watched) check(name string, ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if _, ok := ctx.Deadline(); !ok {
		w.calls = append(w.calls, name)
	}
}

func (w *watched) NewEnvelope(ctx context.Context, a actor.Actor, from string) (*send.Envelope, error) {
	w.check("NewEnvelope", ctx)
	return w.Sending.NewEnvelope(ctx, a, from)
}

func (w *watched) AddRecipient(ctx context.Context, a actor.Actor, env *send.Envelope, addr string) error {
	w.check("AddRecipient", ctx)
	return w.Sending.AddRecipient(ctx, a, env, addr)
}

func (w *watched) Submit(ctx context.Context, a actor.Actor, env *send.Envelope, t send.Trace, raw []byte) error {
	w.check("Submit", ctx)
	if w.hold {
		close(w.entered)
		<-ctx.Done()
		w.released <- ctx.Err()
		return ctx.Err()
	}
	return w.Sending.Submit(ctx, a, env, t, raw)
}

func (w *watched) ResolveInboundFrom(ctx context.Context, remote, from, addr string, size int64) (*deliver.Recipient, error) {
	w.check("ResolveInboundFrom", ctx)
	return w.Delivery.ResolveInboundFrom(ctx, remote, from, addr, size)
}

func (w *watched) Deliver(ctx context.Context, env *deliver.Envelope, raw []byte) ([]deliver.Result, error) {
	w.check("Deliver", ctx)
	return w.Delivery.Deliver(ctx, env, raw)
}

func watch(s *Server) *watched {
	w := &watched{Sending: s.Send, Delivery: s.Deliver, entered: make(chan struct{}), released: make(chan error, 1)}
	s.Send, s.Deliver = w, w
	return w
}

// Every call of a service from an SMTP command carries a deadline: a stuck
// backend answers 451 instead of holding the connection for ever.
func TestServices_everyCallHasADeadline(t *testing.T) {
	var w *watched
	h := start(t, func(s *Server) { w = watch(s) })
	if err := sendMail(h.dial(RoleMX), "someone@remote.test", []string{"bob@example.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	c := h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	if err := sendMail(c, "alice@example.test", []string{"bob@example.test", "x@remote.test"}, simple, nil); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n != 6 || len(w.calls) != 0 {
		t.Fatalf("%d calls, these without a deadline: %v", w.n, w.calls)
	}
}

// A transaction in flight may finish while the server shuts down, but not
// after the grace: then its work ends with the connections, it does not
// run on unseen.
func TestShutdown_workInFlightEndsWithTheGrace(t *testing.T) {
	var w *watched
	h := start(t, func(s *Server) { w = watch(s) })
	w.hold = true
	c := h.dial(RoleSubmission)
	if err := c.Auth(sasl.NewPlainClient("", "alice@example.test", testbed.Password)); err != nil {
		t.Fatal(err)
	}
	go sendMail(c, "alice@example.test", []string{"bob@example.test"}, simple, nil)
	<-w.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace left
	h.srv.Shutdown(ctx)
	select {
	case err := <-w.released:
		if err == nil {
			t.Fatal("released without an error")
		}
	case <-time.After(30 * time.Second): // work that outlives the server, not a slow machine
		t.Fatal("the submission's work still runs after the shutdown gave up")
	}
	if n := h.count("bob@example.test", store.RoleInbox); n != 0 {
		t.Fatalf("%d delivered", n)
	}
}
