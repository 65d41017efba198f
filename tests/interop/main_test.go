package interop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	// repoRoot is the module root (where go.mod is).
	repoRoot string
	// workDir holds the built binary, the test certificate and the shared
	// server's data; it is removed when the package's tests end.
	workDir string
	// binPath is the postroom binary built once for every test.
	binPath string
	// certFile and keyFile are a self-signed certificate for
	// mail.example.test (and 127.0.0.1), written into every test config.
	certFile, keyFile string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	var err error
	repoRoot, err = findRepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	workDir, err = os.MkdirTemp("", "postroom-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop:", err)
		return 1
	}
	defer os.RemoveAll(workDir)

	binPath = filepath.Join(workDir, "postroom")
	build := exec.Command("go", "build", "-o", binPath, "./cmd/postroom")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: go build ./cmd/postroom: %v\n%s", err, out)
		return 1
	}
	certFile, keyFile, err = writeTestCert(workDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "interop: certificate:", err)
		return 1
	}

	code := m.Run()
	stopSharedServers()
	return code
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// writeTestCert writes a self-signed ECDSA certificate for the test
// hostname. Clients in these tests never verify it, as the brief of a
// self-signed deployment requires.
func writeTestCert(dir string) (certPath, keyPath string, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: testHostname},
		DNSNames:              []string{testHostname, "localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return "", "", err
	}
	certPath = filepath.Join(dir, "cert.pem")
	keyPath = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	return certPath, keyPath, nil
}

// Tools the interop tests drive. Each is looked up once; when missing, an
// install from Debian is tried once (the way scripts/test does it). When
// that fails too, the tests that need it fail in CI (CI=true: a missing
// real client must not pass as a skip) and skip on a developer's machine.
var tools sync.Map // name -> *toolState

type toolState struct {
	once sync.Once
	path string
	err  error
}

func requireTool(tb testing.TB, name, debianPackage string) string {
	tb.Helper()
	v, _ := tools.LoadOrStore(name, &toolState{})
	st := v.(*toolState)
	st.once.Do(func() {
		if p, err := exec.LookPath(name); err == nil {
			st.path = p
			return
		}
		if os.Geteuid() == 0 {
			if _, err := exec.LookPath("apt-get"); err == nil {
				install := func() error {
					cmd := exec.Command("apt-get", "install", "-y", "-qq", debianPackage)
					cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
					return cmd.Run()
				}
				if install() != nil {
					_ = exec.Command("apt-get", "update", "-qq").Run()
					_ = install()
				}
			}
		}
		st.path, st.err = exec.LookPath(name)
	})
	if st.err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not installed and could not be installed (%v); CI needs every real client (scripts/test installs it)", name, st.err)
		}
		tb.Skipf("%s is not installed and could not be installed (%v); scripts/test installs it", name, st.err)
	}
	return st.path
}
