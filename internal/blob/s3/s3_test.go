package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"postroom/internal/blob"
	"postroom/internal/blob/blobtest"
	"postroom/internal/blob/s3/s3test"
)

type refSet map[string]bool

func (r refSet) BlobReferenced(_ context.Context, key string) (bool, error) { return r[key], nil }

type refFunc func(key string) bool

func (r refFunc) BlobReferenced(_ context.Context, key string) (bool, error) { return r(key), nil }

// content returns n bytes that differ from seed to seed.
func content(seed uint64, n int) []byte {
	b := make([]byte, n)
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	rand.NewChaCha8(s).Read(b)
	return b
}

func put(t *testing.T, s *Store, b []byte) string {
	t.Helper()
	key, size, err := s.Put(context.Background(), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(b)) {
		t.Fatalf("size %d, want %d", size, len(b))
	}
	sum := sha256.Sum256(b)
	if key != hex.EncodeToString(sum[:]) {
		t.Fatalf("key %s is not the content's SHA-256", key)
	}
	return key
}

func readAll(t *testing.T, s *Store, key string) []byte {
	t.Helper()
	r, err := s.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// names lists the bucket's object names under prefix.
func names(t *testing.T, s *Store, prefix string) []string {
	t.Helper()
	var out []string
	for o := range s.c.ListObjects(context.Background(), s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		out = append(out, o.Key)
	}
	return out
}

func walked(t *testing.T, s *Store) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	if err := s.Walk(func(key string, mod time.Time) error { m[key] = mod; return nil }); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blobtest.Backend {
		g := startGateway(t)
		return blobtest.Backend{Backend: g.open(t), Age: func(t *testing.T, key string, mod time.Time) {
			g.age(t, blobName(key), mod)
		}}
	})
}

// A small message goes up in one PUT, a 20 MB one through tmp/ in parts;
// both read back whole, under their SHA-256, with nothing left in tmp/.
func TestPut_roundTripSmallAndLarge(t *testing.T) {
	s := startGateway(t).open(t)
	for _, b := range [][]byte{
		[]byte("Subject: 안녕\r\n\r\nbody\r\n"),
		{},
		content(1, partSize),   // exactly one part: the multipart path
		content(2, 20_000_000), // 20 MB: three parts
	} {
		key := put(t, s, b)
		if got := readAll(t, s, key); !bytes.Equal(got, b) {
			t.Fatalf("%d bytes read back as %d, different", len(b), len(got))
		}
		if !s.Exists(key) {
			t.Fatalf("Exists(%s) false after Put", key)
		}
	}
	if tmp := names(t, s, tmpPrefix); len(tmp) != 0 {
		t.Fatalf("temporary objects left: %v", tmp)
	}
	if gc := names(t, s, gcPrefix); len(gc) != 0 {
		t.Fatalf("tombstones left: %v", gc)
	}
}

func TestPut_sameContentStoredOnce(t *testing.T) {
	s := startGateway(t).open(t)
	for _, b := range [][]byte{[]byte("same"), content(3, partSize+1)} {
		if a, b := put(t, s, b), put(t, s, b); a != b {
			t.Fatal("keys differ")
		}
	}
	if got := walked(t, s); len(got) != 2 {
		t.Fatalf("%d objects, want 2: %v", len(got), got)
	}
}

func TestPut_concurrentSameContent(t *testing.T) {
	s := startGateway(t).open(t)
	small, large := []byte("the same message, many times"), content(4, partSize+100)
	var wg sync.WaitGroup
	keys := make([]string, 10)
	errs := make([]error, len(keys))
	for i := range keys {
		b := small
		if i%5 == 0 {
			b = large
		}
		wg.Go(func() { keys[i], _, errs[i] = s.Put(context.Background(), bytes.NewReader(b)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
		if keys[i] != keys[1] && keys[i] != keys[0] {
			t.Fatalf("put %d: key %s", i, keys[i])
		}
	}
	if got := walked(t, s); len(got) != 2 {
		t.Fatalf("%d objects, want 2", len(got))
	}
	if !bytes.Equal(readAll(t, s, keys[0]), large) || !bytes.Equal(readAll(t, s, keys[1]), small) {
		t.Fatal("content differs")
	}
	if tmp := names(t, s, tmpPrefix); len(tmp) != 0 {
		t.Fatalf("temporary objects left: %v", tmp)
	}
}

// countingDialer counts the bytes the client reads off its connections.
type countingDialer struct{ n atomic.Int64 }

func (d *countingDialer) transport() *http.Transport {
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{c, &d.n}, nil
	}}
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// IMAP's partial FETCH reads a part at an offset: Seek and Read must fetch
// that range, not the message.
func TestOpen_seekThenReadFetchesTheRange(t *testing.T) {
	g := startGateway(t)
	b := content(5, 20_000_000)
	key := put(t, g.open(t), b)

	var d countingDialer
	cfg := g.config()
	cfg.Transport = d.transport()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := d.n.Load()
	for _, c := range []struct {
		off    int64
		whence int
		at     int64
		n      int
	}{
		{15_000_000, io.SeekStart, 15_000_000, 64 << 10},
		{100, io.SeekCurrent, 15_000_000 + 64<<10 + 100, 1000},
		{-10, io.SeekEnd, 20_000_000 - 10, 10},
		{3, io.SeekStart, 3, 5000},
	} {
		pos, err := r.Seek(c.off, c.whence)
		if err != nil || pos != c.at {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", c.off, c.whence, pos, err, c.at)
		}
		got := make([]byte, c.n)
		if _, err := io.ReadFull(r, got); err != nil {
			t.Fatalf("read %d at %d: %v", c.n, c.at, err)
		}
		if !bytes.Equal(got, b[c.at:c.at+int64(c.n)]) {
			t.Fatalf("read %d at %d: wrong bytes", c.n, c.at)
		}
	}
	if n, err := r.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Fatalf("read on: %d, %v", n, err)
	}
	r.Seek(0, io.SeekEnd)
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("read at the end: %d, %v", n, err)
	}
	// 80 KB asked for; the headers of four answers and what the
	// connections buffered come on top, far from the 20 MB of the object
	if got := d.n.Load() - before; got > 2<<20 {
		t.Fatalf("%d bytes received for 80 KB of reads", got)
	}
	t.Logf("bytes received for 4 ranged reads of 80 KB in all: %d", d.n.Load()-before)
}

func TestWalk_listsEveryBlobWithItsTime(t *testing.T) {
	g := startGateway(t)
	s := g.open(t)
	want := map[string]bool{}
	for i := range 5 {
		want[put(t, s, content(uint64(10+i), 100))] = true
	}
	old := time.Date(2020, 2, 29, 12, 0, 0, 0, time.UTC)
	for k := range want {
		g.age(t, blobName(k), old)
		break
	}
	// what is not a blob is not listed
	if _, err := s.create(context.Background(), tmpPrefix+"x", "x"); err != nil {
		t.Fatal(err)
	}
	got := walked(t, s)
	if len(got) != len(want) {
		t.Fatalf("walked %d, want %d", len(got), len(want))
	}
	olds := 0
	for k, mod := range got {
		if !want[k] {
			t.Fatalf("walked %s, not put", k)
		}
		if mod.Equal(old) {
			olds++
		} else if time.Since(mod) > time.Hour || time.Until(mod) > time.Hour {
			t.Fatalf("%s: time %v", k, mod)
		}
	}
	if olds != 1 {
		t.Fatalf("%d with the time set, want 1", olds)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.Walk(func(string, time.Time) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("a walk stopped at once: %v after %d", err, n)
	}
}

// A Put that finished before the collector's second look made the blob
// young again: it stays.
func TestGC_putBeforeTheSecondLookKeepsTheBlob(t *testing.T) {
	g := startGateway(t)
	s := g.open(t)
	b := []byte("put again before the second look")
	key := put(t, s, b)
	g.age(t, blobName(key), time.Now().Add(-2*time.Hour))
	calls := 0
	refs := refFunc(func(string) bool {
		if calls++; calls == 1 {
			put(t, s, b) // after the listing, before the tombstone
		}
		return false
	})
	res, err := s.GC(context.Background(), refs, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 0 || !s.Exists(key) {
		t.Fatalf("result %+v, exists %v", res, s.Exists(key))
	}
}

// requestLog tells the test which requests a Store has sent.
type requestLog struct {
	mu   sync.Mutex
	seen []string // "METHOD /path"
	hook func(method, path string)
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.seen = append(l.seen, r.Method+" "+r.URL.Path)
	hook := l.hook
	l.mu.Unlock()
	if hook != nil {
		hook(r.Method, r.URL.Path)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (l *requestLog) count(method, path string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.seen {
		if s == method+" "+path {
			n++
		}
	}
	return n
}

// The race that matters: the collector has judged the blob old and
// unreferenced under its tombstone; a Put of the same content writes now
// and returns, the collector deletes. The Put must see the tombstone, wait
// for it, find the blob gone and write it again.
func TestGC_putDuringTheCollectorsDecisionWritesAgain(t *testing.T) {
	g := startGateway(t)
	gcStore := g.open(t)
	b := []byte("put while the collector decides")
	key := put(t, gcStore, b)
	g.age(t, blobName(key), time.Now().Add(-2*time.Hour))

	log := &requestLog{}
	cfg := g.config()
	cfg.Transport = log
	putter, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tombPath := "/" + s3test.Bucket + "/" + gcPrefix + key
	sawTomb := make(chan struct{})
	var once sync.Once
	log.hook = func(method, path string) {
		if method == http.MethodHead && path == tombPath {
			once.Do(func() { close(sawTomb) })
		}
	}

	putDone := make(chan struct{})
	var putErr error
	calls := 0
	refs := refFunc(func(string) bool {
		if calls++; calls == 2 { // the second look: the tombstone is taken
			go func() {
				defer close(putDone)
				_, _, putErr = putter.Put(context.Background(), bytes.NewReader(b))
			}()
			// the Put has written and is looking at the tombstone (or
			// has returned without looking: then the blob is lost)
			select {
			case <-sawTomb:
			case <-putDone:
			}
		}
		return false
	})
	res, err := gcStore.GC(context.Background(), refs, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	<-putDone
	if putErr != nil {
		t.Fatal(putErr)
	}
	if res.Removed != 1 {
		t.Fatalf("the collector did not delete (result %+v): the test did not make the race", res)
	}
	if !gcStore.Exists(key) {
		t.Fatal("blob lost after a Put that returned")
	}
	if n := log.count(http.MethodPut, "/"+s3test.Bucket+"/"+blobName(key)); n != 2 {
		t.Fatalf("the Put wrote %d times, want 2 (once before the delete, once after)", n)
	}
	if !bytes.Equal(readAll(t, gcStore, key), b) {
		t.Fatal("content differs")
	}
}

// Random interleavings of a collection and a Put of the same content.
func TestGC_concurrentPutOfSameContentSurvives(t *testing.T) {
	g := startGateway(t)
	s := g.open(t)
	for round := range 50 {
		b := []byte("content " + strings.Repeat("x", round))
		key := put(t, s, b)
		g.age(t, blobName(key), time.Now().Add(-2*time.Hour))
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := s.GC(context.Background(), refSet{}, time.Hour); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if _, _, err := s.Put(context.Background(), bytes.NewReader(b)); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		if !s.Exists(key) {
			t.Fatalf("round %d: blob lost after a Put that returned", round)
		}
	}
}

// A tombstone its collector left (it died) holds a Put of that content a
// lease, no more: the Put takes it over and removes it.
func TestPut_abandonedTombstoneIsRemovedAfterALease(t *testing.T) {
	g := startGateway(t)
	s := g.open(t)
	s.lease = 200 * time.Millisecond
	b := []byte("its collector died")
	sum := sha256.Sum256(b)
	key := hex.EncodeToString(sum[:])
	if ok, err := s.create(context.Background(), gcPrefix+key, "dead collector"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	start := time.Now()
	put(t, s, b)
	if waited := time.Since(start); waited < s.lease {
		t.Fatalf("the Put returned after %v, before the lease ran out", waited)
	}
	if gc := names(t, s, gcPrefix); len(gc) != 0 {
		t.Fatalf("tombstones left: %v", gc)
	}
}

// GC removes what crashed writers and collectors left, once older than the
// grace period, and takes over an old tombstone to decide on its blob.
func TestGC_sweepsLeftovers(t *testing.T) {
	g := startGateway(t)
	s := g.open(t)
	ctx := context.Background()
	old := time.Now().Add(-2 * time.Hour)
	key := put(t, s, []byte("a dead collector's"))
	g.age(t, blobName(key), old)
	for _, name := range []string{tmpPrefix + "old", gcPrefix + key, gcPrefix + strings.Repeat("e", 64)} {
		if _, err := s.create(ctx, name, name); err != nil {
			t.Fatal(err)
		}
		g.age(t, name, old)
	}
	if _, err := s.create(ctx, tmpPrefix+"young", "young"); err != nil {
		t.Fatal(err)
	}
	res, err := s.GC(ctx, refSet{}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 1 || s.Exists(key) {
		t.Fatalf("result %+v: the blob under an old tombstone stays", res)
	}
	if got := names(t, s, gcPrefix); len(got) != 0 {
		t.Fatalf("tombstones left: %v", got)
	}
	if got := names(t, s, tmpPrefix); len(got) != 1 || got[0] != tmpPrefix+"young" {
		t.Fatalf("tmp/ holds %v, want only the young one", got)
	}
}

// A write refused for want of room is ErrFull, so that the protocols
// answer with a temporary failure; an object too large is not.
func TestPut_noRoomIsErrFull(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
		full   bool
	}{
		{507, "InsufficientStorage", true}, // versitygw: ENOSPC
		{403, "QuotaExceeded", true},       // versitygw: EDQUOT; Ceph RGW quotas
		{507, "XMinioStorageFull", true},
		{400, "EntityTooLarge", false},
		{403, "AccessDenied", false},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(c.status)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+c.code+`</Code><Message>no</Message></Error>`)
		}))
		cl, err := minio.New(strings.TrimPrefix(srv.URL, "http://"), &minio.Options{
			Creds: credentials.NewStaticV4("a", "b", ""), Region: "us-east-1", BucketLookup: minio.BucketLookupPath,
		})
		if err != nil {
			t.Fatal(err)
		}
		s := &Store{c: cl, core: minio.Core{Client: cl}, bucket: "bkt", lease: tombstoneLease}
		_, _, err = s.Put(context.Background(), strings.NewReader("message"))
		srv.Close()
		if err == nil || errors.Is(err, blob.ErrFull) != c.full {
			t.Errorf("%d %s: %v (ErrFull %v, want %v)", c.status, c.code, err, errors.Is(err, blob.ErrFull), c.full)
		}
	}
}

// go test -run XXX -bench . ./internal/blob/s3/: the cost of a Put of a
// typical message (a write, a look at the tombstone, a look at the blob).
func BenchmarkPut_4KB(b *testing.B) {
	g := startGateway(b)
	s, err := Open(context.Background(), g.config())
	if err != nil {
		b.Fatal(err)
	}
	msg := content(99, 4096)
	b.SetBytes(int64(len(msg)))
	i := 0
	for b.Loop() {
		i++
		msg[0], msg[1] = byte(i), byte(i>>8) // new content each time
		if _, _, err := s.Put(context.Background(), bytes.NewReader(msg)); err != nil {
			b.Fatal(err)
		}
	}
}

// A server that ignores conditional PUTs would let two collectors share a
// tombstone: Open refuses it rather than collect unsafely.
func TestOpen_refusesAServerWithoutConditionalPuts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
		}
		w.WriteHeader(http.StatusOK) // every PUT succeeds, whatever its If-None-Match
	}))
	defer srv.Close()
	_, err := Open(context.Background(), Config{
		Endpoint: srv.URL, Bucket: "bkt", Region: "us-east-1", AccessKey: "a", SecretKey: "b", PathStyle: true,
	})
	if err == nil || !strings.Contains(err.Error(), "ignores conditional PUTs") {
		t.Fatalf("Open: %v", err)
	}
}
