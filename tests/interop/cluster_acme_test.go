package interop

// ACME in a cluster (issue 20, X5): the nodes share the ACME client's
// cache through the store (internal/certs.StoreCache), so the CA's
// challenge is answered by whichever node it reaches and one certificate
// serves every node.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestClusterACME_nodeBAnswersAChallengeAndServesTheSameCertificate: node
// A orders the host name's certificate on its first handshake; pebble
// validates HTTP-01 on node B's http port alone (TLS-ALPN-01 goes to a
// port where nothing listens), so the issuance itself proves that B
// answered A's challenge from the shared store. B then serves A's
// certificate (the same serial: a second order would have a new one),
// and neither node wrote data_dir/acme.
func TestClusterACME_nodeBAnswersAChallengeAndServesTheSameCertificate(t *testing.T) {
	ca := newPebble(t)
	opts := serverOptions{listen: []string{"http", "imaps"}, shared: clusterTables(t), tables: acmeTables(ca)}
	a := newServer(t, opts)
	opts.fresh = true
	b := newServer(t, opts)
	ca.start(t, b.Port(t, "http"), freePort(t))

	first, err := issued(t, a.Addr(t, "imaps"), testHostname, ca.Roots)
	if err != nil {
		t.Fatalf("imaps on node A for %s (pebble validates on node B only): %v", testHostname, err)
	}
	if !hasName(first, testHostname) {
		t.Fatalf("node A's certificate names %v, want %s", first.DNSNames, testHostname)
	}
	onB, err := issued(t, b.Addr(t, "imaps"), testHostname, ca.Roots)
	if err != nil {
		t.Fatalf("imaps on node B: %v", err)
	}
	if onB.SerialNumber.Cmp(first.SerialNumber) != 0 {
		t.Errorf("node B serves certificate %s, not node A's %s: ordered again", onB.SerialNumber, first.SerialNumber)
	}
	for name, s := range map[string]*Server{"A": a, "B": b} {
		if _, err := os.Stat(filepath.Join(s.Data, "acme")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("node %s has a data_dir/acme (%v): the cluster's ACME cache belongs in the store", name, err)
		}
	}
}
