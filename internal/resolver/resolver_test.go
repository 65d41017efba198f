package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

func TestStatic_answersAndNotFound(t *testing.T) {
	ctx := context.Background()
	s := &Static{
		MX:   map[string][]*net.MX{"example.test": {{Host: "mx.example.test.", Pref: 10}}},
		IP:   map[string][]net.IP{"mx.example.test": {net.ParseIP("127.0.0.1")}},
		Fail: map[string]bool{"broken.test": true},
	}
	mx, err := s.LookupMX(ctx, "Example.Test.")
	if err != nil || len(mx) != 1 || mx[0].Host != "mx.example.test." {
		t.Fatalf("MX %v %v", mx, err)
	}
	ips, err := s.LookupIPAddr(ctx, "mx.example.test.")
	if err != nil || !ips[0].IP.Equal(net.ParseIP("127.0.0.1")) {
		t.Fatalf("A %v %v", ips, err)
	}
	if _, err := s.LookupTXT(ctx, "example.test"); !IsNotFound(err) {
		t.Fatalf("missing TXT: %v", err)
	}
	_, err = s.LookupMX(ctx, "broken.test")
	if err == nil || IsNotFound(err) {
		t.Fatalf("temporary failure: %v", err)
	}
	if !IsNotFound(fmt.Errorf("wrapped: %w", &net.DNSError{IsNotFound: true})) || IsNotFound(errors.New("x")) {
		t.Fatal("IsNotFound through wrapping")
	}
}
