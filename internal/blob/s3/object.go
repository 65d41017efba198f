package s3

import (
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"

	"postroom/internal/blob"
)

// Open implements blob.Store. The reader fetches lazily with ranged GETs:
// a Seek costs nothing, and the Read after it asks for the bytes from the
// new offset on, so an IMAP partial FETCH of a large message transfers
// what it reads (and what the network has buffered), not the message.
// Closing the reader early drops the connection rather than draining it.
func (s *Store) Open(key string) (io.ReadSeekCloser, error) {
	if !blob.ValidKey(key) {
		return nil, blob.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	info, err := s.c.StatObject(ctx, s.bucket, blobName(key), minio.StatObjectOptions{})
	if notFound(err) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob s3 open %s: %w", key, err)
	}
	return &object{s: s, key: key, size: info.Size}, nil
}

// object reads a blob. The content behind a key never changes (it is its
// hash), so reads of one object may come from different GETs, even across
// an overwrite by a Put of the same content.
type object struct {
	s    *Store
	key  string
	size int64
	off  int64 // where the next Read starts

	body    io.ReadCloser // the open GET, if any
	bodyOff int64         // the offset of body's next byte
	cancel  context.CancelFunc
}

func (o *object) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if o.body != nil && o.bodyOff != o.off {
		o.closeBody()
	}
	if o.body == nil {
		if err := o.get(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.off += int64(n)
	o.bodyOff += int64(n)
	if err == io.EOF {
		o.closeBody()
		if o.off < o.size {
			return n, fmt.Errorf("blob s3 read %s: %w at %d of %d", o.key, io.ErrUnexpectedEOF, o.off, o.size)
		}
	} else if err != nil {
		o.closeBody()
		return n, fmt.Errorf("blob s3 read %s: %w", o.key, err)
	}
	return n, err
}

// get starts a GET from off to the end of the object.
func (o *object) get() error {
	var opts minio.GetObjectOptions
	if o.off > 0 {
		if err := opts.SetRange(o.off, 0); err != nil {
			return err
		}
	}
	// the context lives as long as the body; it is not a deadline, for a
	// slow reader (an IMAP client on a slow line) may take its time
	ctx, cancel := context.WithCancel(context.Background())
	body, _, _, err := o.s.core.GetObject(ctx, o.s.bucket, blobName(o.key), opts)
	if err != nil {
		cancel()
		if notFound(err) {
			return fmt.Errorf("blob s3 read %s: %w", o.key, blob.ErrNotFound)
		}
		return fmt.Errorf("blob s3 read %s at %d: %w", o.key, o.off, err)
	}
	o.body, o.bodyOff, o.cancel = body, o.off, cancel
	return nil
}

func (o *object) closeBody() {
	if o.body != nil {
		o.body.Close()
		o.cancel()
		o.body, o.cancel = nil, nil
	}
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	pos, err := blob.SeekPosition(o.off, o.size, offset, whence)
	if err != nil {
		return 0, fmt.Errorf("s3: %w", err)
	}
	o.off = pos // the GET, if any, is replaced at the next Read
	return pos, nil
}

func (o *object) Close() error {
	o.closeBody()
	return nil
}
