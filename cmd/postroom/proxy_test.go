package main

import (
	"io"
	"log/slog"
	"net"
	"testing"

	"postroom/internal/proxyproto"
)

// Every listener reads PROXY headers once balancers are configured, and
// none does when none is.
func TestBehindBalancer(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		name      string
		balancers []string
		wrapped   bool
	}{
		{"smtp", []string{"10.0.0.5"}, true},
		{"submissions", []string{"10.0.0.0/24"}, true},
		{"imaps", []string{"10.0.0.5"}, true},
		{"pop3", []string{"10.0.0.5"}, true},
		{"http", []string{"10.0.0.5"}, true},
		{"https", []string{"10.0.0.5"}, true},
		{"imap", nil, false},
	} {
		nl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l, err := behindBalancer(tc.balancers, tc.name, nl, log)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, ok := l.(*proxyproto.Listener); ok != tc.wrapped {
			t.Errorf("%s with %q: PROXY protocol %v, want %v", tc.name, tc.balancers, ok, tc.wrapped)
		}
		l.Close()
	}
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := behindBalancer([]string{"lb.example"}, "smtp", nl, log); err == nil {
		t.Error("a host name was taken for a balancer's address")
	}
	if _, err := nl.Accept(); err == nil {
		t.Error("the listener is open after the error")
	}
}
