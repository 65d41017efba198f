// Package s3 owns raw message storage in an S3-compatible bucket: the same
// content-addressed blobs as blob.FS (key = SHA-256 hex of the content),
// for several Postroom nodes sharing one bucket. It writes, reads and
// collects; the store keeps the reference counts.
//
// Layout in the bucket:
//
//	blob/ab/cd/<key>  a message (ab, cd: the key's first two byte pairs, so a
//	                  gateway on a filesystem keeps small directories)
//	tmp/<random>      a large Put on its way in, copied to blob/ once its
//	                  hash is known, then removed
//	gc/<key>          a tombstone: a collector is deciding on blob/../<key>
//
// Invariants:
//   - Put returns only after the server acknowledged blob/../<key> with its
//     content and after it has made sure no collector that judged the blob
//     before the write can still delete it (put.go). How durable an
//     acknowledged write is, is the server's promise: AWS S3 and MinIO
//     store it before they answer; versitygw's POSIX backend (the tests')
//     does not fsync, so there it is only as durable as its filesystem.
//   - Every Put writes the object, even when the content is there already:
//     the write refreshes its Last-Modified, which is what protects it for
//     the grace period until the caller's metadata commits (as blob.FS's
//     Put refreshes the file's time). Same content, same key: there is
//     never more than one object per content.
//   - A blob is deleted only by GC, only when it is older than the grace
//     period and the store reports no reference, both checked again after
//     GC has taken the key's tombstone, and within a lease of taking it
//     (gc.go). That, with Put's look at the tombstone after its write, is
//     what keeps a concurrent Put of the same content from being lost.
//
// What it needs of the server: strong read-after-write consistency (AWS S3
// since 2020, MinIO, Ceph, versitygw), and conditional PUTs: "If-None-Match:
// *" refused when the object exists, "If-Match: <etag>" refused when it has
// changed (AWS since 2024, MinIO, versitygw); Open checks both and refuses
// a server without them. The bucket must not be versioned: a versioned
// bucket keeps every overwrite and every deleted blob.
package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"postroom/internal/blob"
)

// Config says where the bucket is.
type Config struct {
	// Endpoint is host[:port] ("s3.eu-central-1.amazonaws.com",
	// "127.0.0.1:7070"), or a URL whose scheme (http, https) then decides
	// TLS instead of UseTLS.
	Endpoint string
	Bucket   string
	Region   string // "" lets the client ask the server
	// AccessKey and SecretKey sign every request (AWS signature v4).
	AccessKey, SecretKey string
	// PathStyle addresses the bucket as endpoint/bucket/key; otherwise the
	// client picks (bucket.endpoint/key for AWS, path style for the rest).
	PathStyle bool
	// UseTLS speaks https to a bare host:port Endpoint.
	UseTLS bool
	// Transport replaces the HTTP transport (a proxy, a private CA; the
	// tests count bytes with it). Nil: the client's default.
	Transport http.RoundTripper
}

// Store is a blob backend on an S3 bucket.
type Store struct {
	c      *minio.Client
	core   minio.Core // raw GETs with a range, for Open's reader
	bucket string
	log    *slog.Logger
	lease  time.Duration // tombstoneLease; shorter in tests
}

var _ blob.Backend = (*Store)(nil)

const (
	blobPrefix = "blob/"
	tmpPrefix  = "tmp/"
	gcPrefix   = "gc/"
)

// Open connects to the bucket, which must exist, and checks that the
// server honours conditional writes (see the package comment).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	host, secure := cfg.Endpoint, cfg.UseTLS
	if u, err := url.Parse(cfg.Endpoint); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		host, secure = u.Host, u.Scheme == "https"
	}
	if host == "" || cfg.Bucket == "" {
		return nil, fmt.Errorf("blob s3: endpoint and bucket are required")
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("blob s3 %s: %w", host, err)
	}
	s := &Store{c: c, core: minio.Core{Client: c}, bucket: cfg.Bucket, log: slog.Default(), lease: tombstoneLease}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob s3 %s bucket %s: %w", host, cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob s3 %s: bucket %s does not exist", host, cfg.Bucket)
	}
	if err := s.checkConditionalPut(ctx); err != nil {
		return nil, fmt.Errorf("blob s3 %s bucket %s: %w", host, cfg.Bucket, err)
	}
	return s, nil
}

// checkConditionalPut tries conditional writes on a probe object: a second
// PUT with If-None-Match: * must be refused, and a PUT with If-Match must
// succeed only with the object's ETag. GC's tombstones are exclusive only
// if the server honours both (gc.go); one that ignores them would let two
// collectors share one.
func (s *Store) checkConditionalPut(ctx context.Context) error {
	name := tmpPrefix + "probe-" + randomName()
	defer s.c.RemoveObject(context.WithoutCancel(ctx), s.bucket, name, minio.RemoveObjectOptions{})
	unsupported := errors.New("the server ignores conditional PUTs (If-None-Match, If-Match); blobs cannot be collected safely on it")
	if ok, err := s.create(ctx, name, "probe"); err != nil || !ok {
		return fmt.Errorf("conditional put probe (%v): %w", ok, err)
	}
	if ok, err := s.create(ctx, name, "probe again"); err != nil || ok {
		return errors.Join(unsupported, err)
	}
	if ok, err := s.swap(ctx, name, "0123456789abcdef0123456789abcdef", "probe swapped"); err != nil || ok {
		return errors.Join(unsupported, err)
	}
	o, err := s.c.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return fmt.Errorf("conditional put probe: %w", err)
	}
	if ok, err := s.swap(ctx, name, o.ETag, "probe swapped"); err != nil || !ok {
		return errors.Join(unsupported, err)
	}
	return nil
}

// create writes a small object only if the name is free. It reports false
// when the name is taken.
func (s *Store) create(ctx context.Context, name, body string) (bool, error) {
	opts := minio.PutObjectOptions{ContentType: "text/plain"}
	opts.SetMatchETagExcept("*")
	return s.putIf(ctx, name, body, opts)
}

// swap replaces a small object only if it is still the one with etag. It
// reports false when the object has changed or is gone.
func (s *Store) swap(ctx context.Context, name, etag, body string) (bool, error) {
	opts := minio.PutObjectOptions{ContentType: "text/plain"}
	opts.SetMatchETag(etag)
	return s.putIf(ctx, name, body, opts)
}

func (s *Store) putIf(ctx context.Context, name, body string, opts minio.PutObjectOptions) (bool, error) {
	_, err := s.c.PutObject(ctx, s.bucket, name, strings.NewReader(body), int64(len(body)), opts)
	if err == nil {
		return true, nil
	}
	// 412, or 409 for a conditional write racing another (AWS), or 404
	// for If-Match on an object that is gone
	switch minio.ToErrorResponse(err).StatusCode {
	case http.StatusPreconditionFailed, http.StatusConflict, http.StatusNotFound:
		return false, nil
	}
	return false, err
}

func blobName(key string) string { return blobPrefix + key[:2] + "/" + key[2:4] + "/" + key }

// keyOf returns the key of a blob/ object name, or "" for anything else.
func keyOf(name string) string {
	key := path.Base(name)
	if !blob.ValidKey(key) || name != blobName(key) {
		return ""
	}
	return key
}

func randomName() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func notFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == "NoSuchKey" || r.StatusCode == http.StatusNotFound
}

// full reports whether a failed write was refused for want of room. The
// codes are the ones S3 servers send for it: versitygw's
// InsufficientStorage (507, its disk's ENOSPC) and QuotaExceeded (its
// EDQUOT, and Ceph RGW's user and bucket quotas), MinIO's
// XMinioStorageFull, and any 507. Not EntityTooLarge: that is one object
// over the server's size limit, and retrying will not help.
func full(err error) bool {
	r := minio.ToErrorResponse(err)
	switch r.Code {
	case "InsufficientStorage", "QuotaExceeded", "XMinioStorageFull":
		return true
	}
	return r.StatusCode == http.StatusInsufficientStorage
}

// Exists reports whether a blob is present. A failed request is logged and
// counts as absent (the signature is blob.FS's, which cannot fail).
func (s *Store) Exists(key string) bool {
	if !blob.ValidKey(key) {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	_, err := s.c.StatObject(ctx, s.bucket, blobName(key), minio.StatObjectOptions{})
	if err != nil && !notFound(err) {
		s.log.Warn("blob s3: exists", "key", key, "err", err)
	}
	return err == nil
}

// requestTimeout bounds the requests made without a caller's context
// (Exists, Open's look at the object). The reader's GETs have none, for a
// slow client may read slowly; the client's default transport still gives
// up on a server that sends no answer's headers within a minute.
const requestTimeout = time.Minute

// Walk calls fn for every stored blob with its Last-Modified, in key order.
// An error from fn stops the walk and is returned.
func (s *Store) Walk(fn func(key string, mod time.Time) error) error {
	return s.walk(context.Background(), func(key string, o minio.ObjectInfo) error {
		return fn(key, o.LastModified)
	})
}

func (s *Store) walk(ctx context.Context, fn func(key string, o minio.ObjectInfo) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn stops the walk
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: blobPrefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("blob s3 list: %w", o.Err)
		}
		if key := keyOf(o.Key); key != "" {
			if err := fn(key, o); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}
