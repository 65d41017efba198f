package s3

import (
	"context"
	"os"
	"testing"
	"time"

	"postroom/internal/blob/s3/s3test"
)

// gateway is a running versitygw with the tests' helpers.
type gateway struct{ *s3test.Gateway }

func startGateway(t testing.TB) *gateway { return &gateway{s3test.Start(t)} }

func (g *gateway) config() Config {
	return Config{
		Endpoint:  g.Endpoint(),
		Bucket:    s3test.Bucket,
		Region:    "us-east-1",
		AccessKey: s3test.Access,
		SecretKey: s3test.Secret,
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
	if err := os.Chtimes(g.ObjectPath(name), mod, mod); err != nil {
		t.Fatal(err)
	}
}
