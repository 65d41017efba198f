package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Store says which database holds the metadata (issue 20): the embedded
// SQLite file in the data directory, or a PostgreSQL database that every
// node of a cluster shares.
type Store struct {
	// Driver is "sqlite" (the default) or "postgres".
	Driver string `toml:"driver"`
	// DSN is the PostgreSQL connection string, a libpq URL
	// ("postgres://postroom@db.internal:5432/postroom?sslmode=verify-full");
	// a search_path parameter in it chooses the schema. Only for postgres.
	DSN string `toml:"dsn"`
	// MaxConns caps each node's connection pool (0: the driver's default,
	// or the DSN's pool_max_conns).
	MaxConns int32 `toml:"max_conns"`
}

// Blob says where message files go: the data directory's blobs folder, or
// an S3-compatible bucket every node shares.
type Blob struct {
	// Driver is "fs" (the default) or "s3".
	Driver string `toml:"driver"`
	// Endpoint is host:port, or an http(s):// URL whose scheme decides TLS.
	Endpoint  string `toml:"endpoint"`
	Bucket    string `toml:"bucket"`
	Region    string `toml:"region"`
	AccessKey string `toml:"access_key"`
	SecretKey string `toml:"secret_key"`
	// PathStyle addresses the bucket as endpoint/bucket (most servers but
	// AWS want it).
	PathStyle bool `toml:"path_style"`
}

// Shared reports whether the data lives outside the data directory, so
// that several nodes may serve it.
func (c Config) Shared() bool { return c.Store.Driver == "postgres" }

func (c Config) validateBackends() []error {
	var errs []error
	switch c.Store.Driver {
	case "sqlite":
		if c.Store.DSN != "" {
			errs = append(errs, errors.New("store.dsn: only with driver = \"postgres\""))
		}
	case "postgres":
		if c.Store.DSN == "" {
			errs = append(errs, errors.New("store.dsn: driver = \"postgres\" needs a dsn such as \"postgres://postroom@127.0.0.1:5432/postroom\""))
		} else if strings.Contains(c.Store.DSN, "://") {
			if _, err := url.Parse(c.Store.DSN); err != nil {
				errs = append(errs, fmt.Errorf("store.dsn: not a URL: %v", redactURLError(err)))
			}
		}
		if c.Blob.Driver != "s3" {
			errs = append(errs, errors.New("blob.driver: a shared database needs shared message files: set driver = \"s3\""))
		}
	default:
		errs = append(errs, fmt.Errorf("store.driver %q: want sqlite or postgres", c.Store.Driver))
	}
	if c.Store.MaxConns < 0 {
		errs = append(errs, errors.New("store.max_conns: 0 (default) or more"))
	}
	switch c.Blob.Driver {
	case "fs":
		if c.Blob.Endpoint != "" || c.Blob.Bucket != "" {
			errs = append(errs, errors.New("blob.endpoint, blob.bucket: only with driver = \"s3\""))
		}
	case "s3":
		if c.Blob.Endpoint == "" {
			errs = append(errs, errors.New("blob.endpoint: driver = \"s3\" needs host:port or an https:// URL"))
		} else if !strings.Contains(c.Blob.Endpoint, "://") {
			if _, _, err := net.SplitHostPort(c.Blob.Endpoint); err != nil && strings.Contains(c.Blob.Endpoint, "/") {
				errs = append(errs, fmt.Errorf("blob.endpoint %q: want host[:port] or a URL", c.Blob.Endpoint))
			}
		}
		if c.Blob.Bucket == "" {
			errs = append(errs, errors.New("blob.bucket: driver = \"s3\" needs the bucket's name"))
		}
		if (c.Blob.AccessKey == "") != (c.Blob.SecretKey == "") {
			errs = append(errs, errors.New("blob: set both access_key and secret_key, or neither"))
		}
	default:
		errs = append(errs, fmt.Errorf("blob.driver %q: want fs or s3", c.Blob.Driver))
	}
	return errs
}

// redactURLError keeps a password in a DSN out of the message.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "invalid"
}
