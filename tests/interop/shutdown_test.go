package interop

import (
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown: SIGTERM while one client is in the middle of DATA
// and another sits idle after EHLO. The transaction in flight completes
// (250, and the message is stored) or gets 421; the idle client gets 421
// or is closed; new connections are not accepted; the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp"}})
	bob := uniqueAddr("term-bob")
	s.AddUser(t, bob)
	addr := s.Addr(t, "smtp")

	idle := mustDial(t, addr)

	busy := mustDial(t, addr)
	if r := busy.mustCmd(t, "MAIL FROM:<sender@remote.example>"); r.Code != 250 {
		t.Fatalf("MAIL: %s", r)
	}
	if r := busy.mustCmd(t, "RCPT TO:<%s>", bob); r.Code != 250 {
		t.Fatalf("RCPT: %s", r)
	}
	if r := busy.mustCmd(t, "DATA"); r.Code != 354 {
		t.Fatalf("DATA: %s", r)
	}
	id := uniqueID("term")
	msg := dotStuff(buildMessage("sender@remote.example", bob, id, "in flight at SIGTERM", 20000))
	half := len(msg) / 2
	if err := busy.Raw(msg[:half]); err != nil {
		t.Fatal(err)
	}

	// Read the busy connection's replies from now on in the background, so
	// that a 421 sent before we finish writing is not lost.
	replies := make(chan reply, 4)
	go func() {
		defer close(replies)
		for {
			r, err := busy.read()
			if err != nil {
				return
			}
			replies <- r
		}
	}()

	// The transaction is in flight (DATA answered 354, half the message
	// sent, however much of it the server has read yet): stop the server.
	done, err := s.signal(syscall.SIGTERM)
	if err != nil {
		t.Fatal(err)
	}
	// No new sessions once shutdown has begun. The server cannot have
	// finished shutting down: it waits (up to its 30 s grace) for the
	// transaction in flight, whose end we have not sent. So the listener
	// must close while we poll, however slow the machine; the bound only
	// keeps a broken server from hanging the test.
	for deadline := time.Now().Add(25 * time.Second); ; {
		c, err := dialSMTP(addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Errorf("new connections are still greeted with 220 while the server waits for the transaction in flight")
			break
		}
		time.Sleep(50 * time.Millisecond) // between polls
	}

	writeErr := busy.Raw(msg[half:])
	var final reply
	select {
	case r, ok := <-replies:
		if !ok {
			t.Fatalf("in-flight transaction: connection closed without a reply (write error: %v)", writeErr)
		}
		final = r
	case <-time.After(45 * time.Second):
		t.Fatal("in-flight transaction: no reply 45s after SIGTERM")
	}
	switch {
	case final.Code == 250:
		if writeErr != nil {
			t.Fatalf("250 although the end of the message could not be sent: %v", writeErr)
		}
	case final.Code == 421:
	default:
		t.Errorf("in-flight transaction at SIGTERM: got %q, want 250 or 421", final)
	}
	_ = busy.Raw([]byte("QUIT\r\n")) // the reader goroutine owns the replies

	// The idle client: 421 or closed, but the server must not wait for it
	// to leave.
	if r, err := idle.read(); err == nil && r.Code != 421 {
		t.Errorf("idle connection at shutdown: got %q, want 421 or a close", r)
	}

	code, exited := s.waitExit(done, 45*time.Second)
	if !exited {
		t.Fatal("server did not exit within 45s of SIGTERM")
	}
	if code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}

	// With the server stopped, the CLI reads the store directly.
	found := s.FindMessage(t, bob, "", id)
	if final.Code == 250 && found == nil {
		t.Errorf("message acknowledged with 250 during shutdown is not stored")
	}
	if final.Code == 421 && found != nil {
		t.Errorf("message answered 421 was stored anyway: %+v", found)
	}
	s.RequireConsistent(t)
	t.Logf("in-flight transaction ended with %q", final)
}
