package s3

import (
	"context"
	"fmt"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// gateway is a versitygw process serving a temporary directory (its POSIX
// backend: bucket b's object k is the file root/b/k).
type gateway struct {
	addr string
	root string
}

const (
	testAccess = "postroom-test"
	testSecret = "postroom-test-secret"
	testBucket = "blobs"
)

// versitygwPath finds the binary: on PATH, or where go install puts it
// (scripts/test installs it there, which need not be on PATH).
func versitygwPath(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	// go env knows GOBIN and GOPATH even when set with go env -w
	var dirs []string
	out, _ := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if lines := strings.Split(string(out), "\n"); len(lines) >= 2 {
		if lines[0] != "" {
			dirs = append(dirs, lines[0])
		}
		for _, d := range filepath.SplitList(lines[1]) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	if len(dirs) == 0 {
		dirs = append(dirs, filepath.Join(build.Default.GOPATH, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	msg := fmt.Sprintf("versitygw is not installed (looked on PATH and in %v); scripts/test installs it: GOFLAGS= go install github.com/versity/versitygw/cmd/versitygw@v1.8.0", dirs)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startGateway runs versitygw on a free 127.0.0.1 port with a temporary
// root and an empty bucket; it is killed when the test ends.
func startGateway(t testing.TB) *gateway {
	t.Helper()
	bin := versitygwPath(t)
	var lastErr error
	for range 3 { // the free port may be taken before the gateway binds it
		g, err := tryGateway(t, bin)
		if err == nil {
			return g
		}
		lastErr = err
	}
	t.Fatalf("versitygw did not start: %v", lastErr)
	return nil
}

func tryGateway(t testing.TB, bin string) (*gateway, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	g := &gateway{addr: addr, root: t.TempDir()}
	log, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(bin, "--port", addr, "--access", testAccess, "--secret", testSecret, "--quiet", "posix", g.root)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY=", "ROOT_SECRET_KEY=")
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}

	c, err := minio.New(addr, &minio.Options{
		Creds:        credentials.NewStaticV4(testAccess, testSecret, ""),
		BucketLookup: minio.BucketLookupPath,
		Region:       "us-east-1",
		MaxRetries:   1, // this loop retries
	})
	if err != nil {
		stop()
		return nil, err
	}
	// wait until it answers: the bucket is made by the first request that
	// gets through
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err = c.MakeBucket(ctx, testBucket, minio.MakeBucketOptions{})
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			out, _ := os.ReadFile(log.Name())
			return nil, fmt.Errorf("versitygw exited (%v): %s", werr, out)
		case <-ctx.Done():
			stop()
			return nil, fmt.Errorf("versitygw on %s does not answer: %v", addr, err)
		case <-tick.C:
		}
	}
	t.Cleanup(stop)
	return g, nil
}

func (g *gateway) config() Config {
	return Config{
		Endpoint:  "http://" + g.addr,
		Bucket:    testBucket,
		Region:    "us-east-1",
		AccessKey: testAccess,
		SecretKey: testSecret,
		PathStyle: true,
	}
}

func (g *gateway) open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), g.config())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// age sets an object's Last-Modified, which the POSIX backend takes from
// its file's time (as blob.FS's tests age a file).
func (g *gateway) age(t *testing.T, name string, mod time.Time) {
	t.Helper()
	if err := os.Chtimes(filepath.Join(g.root, testBucket, filepath.FromSlash(name)), mod, mod); err != nil {
		t.Fatal(err)
	}
}
