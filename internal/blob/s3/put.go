package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"

	"postroom/internal/blob"
)

// partSize is the size of a multipart upload's parts and the most of a
// message Put holds in memory before it knows the message is large: S3's
// smallest part is 5 MiB, and with at most 10,000 parts 8 MiB still allows
// an 80 GB object. A message that fits (nearly all mail) goes up in one
// PUT; a larger one costs about two of these buffers, whatever its size.
const partSize = 8 << 20

// tombstoneLease bounds a collector's work on a key after it took the
// key's tombstone: it deletes the blob within half of it or not at all,
// and a Put that has watched the same tombstone for a whole lease may
// remove it as left behind by a collector that died (gc.go).
const tombstoneLease = time.Minute

// Put implements blob.Store. The content is streamed: a message up to
// partSize is sent in one PUT from memory; a larger one goes up as a
// multipart upload to tmp/ while it is hashed, then is copied by the
// server to its key, and the temporary object is removed.
func (s *Store) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	key, size, err := s.put(ctx, r)
	if err != nil {
		if full(err) {
			err = fmt.Errorf("%w: %w", blob.ErrFull, err)
		}
		return "", 0, fmt.Errorf("blob s3 put: %w", err)
	}
	return key, size, nil
}

func (s *Store) put(ctx context.Context, r io.Reader) (string, int64, error) {
	h := sha256.New()
	in := &hashingReader{r: r, h: h, ctx: ctx}
	head, err := readHead(in)
	if err != nil {
		return "", 0, err
	}
	if n := len(head); n < partSize {
		// the whole message is in memory: write it in one PUT
		key := hex.EncodeToString(h.Sum(nil))
		write := func() error {
			_, err := s.c.PutObject(ctx, s.bucket, blobName(key), bytes.NewReader(head), int64(n),
				minio.PutObjectOptions{ContentType: "message/rfc822", DisableMultipart: true})
			return err
		}
		return key, int64(n), s.settle(ctx, key, write)
	}

	tmp := tmpPrefix + randomName()
	info, err := s.c.PutObject(ctx, s.bucket, tmp, io.MultiReader(bytes.NewReader(head), in), -1,
		minio.PutObjectOptions{ContentType: "message/rfc822", PartSize: partSize})
	// removed whatever happens next; GC removes it if this process dies first
	defer s.c.RemoveObject(context.WithoutCancel(ctx), s.bucket, tmp, minio.RemoveObjectOptions{})
	if err != nil {
		return "", 0, err
	}
	if info.Size != in.n {
		return "", 0, fmt.Errorf("uploaded %d bytes of %d", info.Size, in.n)
	}
	key := hex.EncodeToString(h.Sum(nil))
	write := func() error {
		_, err := s.c.CopyObject(ctx,
			minio.CopyDestOptions{Bucket: s.bucket, Object: blobName(key)},
			minio.CopySrcOptions{Bucket: s.bucket, Object: tmp})
		return err
	}
	return key, in.n, s.settle(ctx, key, write)
}

// readHead reads up to partSize bytes, growing its buffer as they come:
// a message of a few kilobytes costs a buffer of that order, not a part.
func readHead(r io.Reader) ([]byte, error) {
	buf := make([]byte, 0, 64<<10)
	for len(buf) < partSize {
		if len(buf) == cap(buf) {
			bigger := make([]byte, len(buf), min(2*cap(buf), partSize))
			copy(bigger, buf)
			buf = bigger
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// settle writes a blob with write and returns once no collector can delete
// it for the grace period, within which the caller commits its reference.
//
// Why it holds. The write gives the object a fresh Last-Modified, so a
// collector whose second look (gc.go) comes after the write sees a young
// blob and keeps it. The danger is a collector that took the tombstone before
// the write, found the blob old and unreferenced, and deletes it after
// the write. Its tombstone exists from before the write until after its
// delete (it removes the tombstone only then; it cannot be removed by
// another collector, for taking one is exclusive). So settle looks for
// the tombstone after the write: while it is there, settle waits; once it
// is gone, any such delete has happened, and settle looks at the blob: if
// it is gone, it writes it again and starts over. A tombstone that stays
// for a whole lease belongs to a collector that died or gave up (it
// deletes within half a lease of taking it, or not at all): settle
// takes it over and removes it.
func (s *Store) settle(ctx context.Context, key string, write func() error) error {
	for {
		if err := s.retryConflict(ctx, write); err != nil {
			return err
		}
		if err := s.waitTombstone(ctx, key); err != nil {
			return err
		}
		_, err := s.c.StatObject(ctx, s.bucket, blobName(key), minio.StatObjectOptions{})
		if err == nil {
			return nil
		}
		if !notFound(err) {
			return err
		}
		s.log.Info("blob s3: put again after a collector removed it", "key", key)
	}
}

// retryConflict runs an idempotent write again when the server answers 409
// Conflict: another operation on the same key got in the way (AWS's
// OperationAborted; versitygw's POSIX backend when a delete removes the
// key's directory under the write). The write is the same content under
// the same key, so trying again is always right; a few tries, then the
// caller gets the error.
func (s *Store) retryConflict(ctx context.Context, write func() error) error {
	pause := 10 * time.Millisecond
	for try := 1; ; try++ {
		err := write()
		if err == nil || try == 5 || minio.ToErrorResponse(err).StatusCode != http.StatusConflict {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause *= 2
	}
}

// waitTombstone returns once key has no tombstone.
func (s *Store) waitTombstone(ctx context.Context, key string) error {
	var (
		watched string // the ETag of the tombstone being waited for
		since   time.Time
		pause   = 10 * time.Millisecond
	)
	for {
		o, err := s.c.StatObject(ctx, s.bucket, gcPrefix+key, minio.StatObjectOptions{})
		if notFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tombstone: %w", err)
		}
		if o.ETag != watched {
			// another collector's (each writes a random body): a lease of its own
			watched, since = o.ETag, time.Now()
		} else if time.Since(since) >= s.lease {
			if err := s.breakTombstone(ctx, key, watched); err != nil {
				return err
			}
			continue
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// breakTombstone removes an abandoned tombstone: it takes it over first
// (a PUT only if it still has the ETag watched), so that it removes that
// one and never a tombstone another collector has taken since, which
// would let a third take the key beside it.
func (s *Store) breakTombstone(ctx context.Context, key, etag string) error {
	tomb := gcPrefix + key
	taken, err := s.swap(ctx, tomb, etag, randomName())
	if err != nil || !taken {
		return err // not taken: it changed meanwhile; wait for the new one
	}
	s.log.Warn("blob s3: removed a tombstone a collector left behind", "key", key)
	return s.c.RemoveObject(ctx, s.bucket, tomb, minio.RemoveObjectOptions{})
}

// hashingReader hashes and counts what the upload reads, and stops it when
// the caller's context ends.
type hashingReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	ctx context.Context
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if err := hr.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.n += int64(n)
	return n, err
}
