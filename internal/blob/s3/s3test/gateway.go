// Package s3test starts a real S3 server for tests: versitygw (its POSIX
// backend in a temporary directory) on a free 127.0.0.1 port, with one
// empty bucket. scripts/test installs the binary; under CI=true a missing
// one fails the test.
package s3test

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

// Gateway is a versitygw process serving a temporary directory (its POSIX
// backend: bucket b's object k is the file root/b/k).
type Gateway struct {
	// Addr is the gateway's host:port on 127.0.0.1; Root its directory.
	Addr string
	Root string
}

// The gateway's credentials and its one bucket.
const (
	Access = "postroom-test"
	Secret = "postroom-test-secret"
	Bucket = "blobs"
)

// Path finds the binary: on PATH, or where go install puts it
// (scripts/test installs it there, which need not be on PATH).
func Path(t testing.TB) string {
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

// Start runs versitygw on a free 127.0.0.1 port with a temporary
// root and an empty bucket; it is killed when the test ends.
func Start(t testing.TB) *Gateway {
	t.Helper()
	bin := Path(t)
	var lastErr error
	for range 3 { // the free port may be taken before the gateway binds it
		g, err := try(t, bin)
		if err == nil {
			return g
		}
		lastErr = err
	}
	t.Fatalf("versitygw did not start: %v", lastErr)
	return nil
}

func try(t testing.TB, bin string) (*Gateway, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	g := &Gateway{Addr: addr, Root: t.TempDir()}
	log, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(bin, "--port", addr, "--access", Access, "--secret", Secret, "--quiet", "posix", g.Root)
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
		Creds:        credentials.NewStaticV4(Access, Secret, ""),
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
		err = c.MakeBucket(ctx, Bucket, minio.MakeBucketOptions{})
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

// Endpoint is the gateway's URL (plain HTTP, path-style addressing).
func (g *Gateway) Endpoint() string { return "http://" + g.Addr }

// ObjectPath is the file that holds object name of the bucket, which the
// POSIX backend keeps as root/bucket/name.
func (g *Gateway) ObjectPath(name string) string {
	return filepath.Join(g.Root, Bucket, filepath.FromSlash(name))
}
