package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// packSamples are messages around the frame boundaries: text that
// compresses, and random bytes that do not (frames kept as they are).
func packSamples(t testing.TB) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	text := func(n int) []byte {
		line := "Subject: 내일 회의 자료 / the minutes of tomorrow's meeting\r\n"
		return []byte(strings.Repeat(line, n/len(line)+1)[:n])
	}
	mixed := append(text(packFrame+100), random(packFrame)...)
	mixed = append(mixed, text(3000)...)
	return map[string][]byte{
		"empty":                  {},
		"one byte":               {'x'},
		"text, a frame less one": text(packFrame - 1),
		"text, a frame":          text(packFrame),
		"text, a frame and one":  text(packFrame + 1),
		"random, 2.5 frames":     random(packFrame*2 + packFrame/2),
		"text, random, text":     mixed,
	}
}

func TestPacked_putOpenReadsTheMessageAtEveryOffset(t *testing.T) {
	fs, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, msg := range packSamples(t) {
		t.Run(name, func(t *testing.T) {
			key, size, err := fs.Put(context.Background(), bytes.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if sum := sha256.Sum256(msg); key != keyOf(sum[:]) || size != int64(len(msg)) {
				t.Fatalf("key %s size %d, want the message's SHA-256 and %d", key, size, len(msg))
			}
			r, err := fs.Open(key)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if _, ok := r.(*packedReader); !ok {
				t.Fatalf("a new file opens as %T, not packed", r)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("read %d bytes (%v), want the %d of the message", len(got), err, len(msg))
			}
			ra := r.(io.ReaderAt)
			for _, off := range []int{0, 1, packFrame - 3, packFrame, packFrame + 7, 2*packFrame - 1, len(msg) - 5} {
				if off < 0 || off >= len(msg) {
					continue
				}
				n := min(packFrame+10, len(msg)-off)
				b := make([]byte, n)
				if m, err := ra.ReadAt(b, int64(off)); m != n || err != nil || !bytes.Equal(b, msg[off:off+n]) {
					t.Fatalf("ReadAt(%d bytes, %d): %d, %v, or other bytes", n, off, m, err)
				}
				if _, err := r.Seek(int64(off), io.SeekStart); err != nil {
					t.Fatal(err)
				}
				if rest, err := io.ReadAll(r); err != nil || !bytes.Equal(rest, msg[off:]) {
					t.Fatalf("Seek(%d) then read: %d bytes, %v", off, len(rest), err)
				}
			}
			if m, err := ra.ReadAt(make([]byte, 10), int64(len(msg))-3); len(msg) >= 3 && (m != 3 || err != io.EOF) {
				t.Fatalf("ReadAt over the end: %d, %v; want 3 and io.EOF", m, err)
			}
		})
	}
}

// The point of packing: mail text takes much less room on disk, and
// random bytes (an attachment already compressed) hardly more.
func TestPacked_textSmallerOnDisk_randomNotLarger(t *testing.T) {
	fs, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	samples := packSamples(t)
	for name, most := range map[string]float64{"text, a frame and one": 0.5, "random, 2.5 frames": 1.001} {
		msg := samples[name]
		info, err := os.Stat(fs.Path(putPacked(t, fs, msg)))
		if err != nil {
			t.Fatal(err)
		}
		if ratio := float64(info.Size()) / float64(len(msg)); ratio > most {
			t.Errorf("%s: %d bytes on disk for %d (%.3f), want at most %.3f", name, info.Size(), len(msg), ratio, most)
		}
	}
}

// Files written before packing are read as they are, whatever they hold.
func TestPacked_olderFilesReadAsTheyAre(t *testing.T) {
	dir := t.TempDir()
	fs, err := OpenFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range [][]byte{
		[]byte("Subject: hi\r\n\r\nhello\r\n"),
		[]byte(packMagic + "a message that begins like a packed file but is not one"),
		{},
	} {
		sum := sha256.Sum256(msg)
		key := keyOf(sum[:])
		p := fs.Path(key)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, msg, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := fs.Open(key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("an older file read as %q (%v), want %q", got, err, msg)
		}
	}
}

// A damaged packed file is an error on open or read: never other bytes
// given out as the message.
func TestPacked_damageIsAnError(t *testing.T) {
	fs, err := OpenFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	msg := packSamples(t)["text, random, text"]
	key := putPacked(t, fs, msg)
	good, err := os.ReadFile(fs.Path(key))
	if err != nil {
		t.Fatal(err)
	}
	n := len(good)
	for name, damage := range map[string]func(b []byte) []byte{
		"a byte of the first frame": func(b []byte) []byte { b[len(packMagic)+40] ^= 1; return b },
		"a byte of the raw frame":   func(b []byte) []byte { b[n/2] ^= 1; return b },
		"the index":                 func(b []byte) []byte { b[n-packTrailer-5] ^= 0x10; return b },
		"the size":                  func(b []byte) []byte { binary.LittleEndian.PutUint64(b[n-packTrailer:], 5); return b },
		"cut short":                 func(b []byte) []byte { return append(b[:len(packMagic)+100:len(packMagic)+100], b[n-packTrailer:]...) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(fs.Path(key), damage(bytes.Clone(good)), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(fs, key)
			switch {
			case name == "a byte of the raw frame":
				// a frame kept as it is has no checksum of its own: its
				// damage is found by the key (check, backup), as in older files
				if sum := sha256.Sum256(got); err == nil && keyOf(sum[:]) == key {
					t.Fatal("damaged bytes read back with the message's key")
				}
			case err == nil:
				t.Fatalf("a damaged file read without error (%d bytes)", len(got))
			case !errors.Is(err, errPacked):
				t.Fatalf("%v, want errPacked", err)
			}
		})
	}
}

// putPacked stores msg and returns its key.
func putPacked(t *testing.T, fs *FS, msg []byte) string {
	t.Helper()
	key, _, err := fs.Put(context.Background(), bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// readAll opens and reads the blob key.
func readAll(fs *FS, key string) ([]byte, error) {
	r, err := fs.Open(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// FuzzReadPacked: whatever a file holds, reading it never panics, and a
// file taken as packed reads no more than its index promises.
func FuzzReadPacked(f *testing.F) {
	var b bytes.Buffer
	h := sha256.New()
	for _, msg := range packSamples(f) {
		b.Reset()
		if _, err := writePacked(&b, h, bytes.NewReader(msg)); err != nil {
			f.Fatal(err)
		}
		if len(msg) < 4000 {
			f.Add(bytes.Clone(b.Bytes()))
		}
	}
	f.Add([]byte(packMagic + packEnd))
	f.Fuzz(func(t *testing.T, file []byte) {
		p, err := readPacked(bytes.NewReader(file), int64(len(file)))
		if err != nil || p == nil {
			return
		}
		got, err := io.ReadAll(p)
		if err == nil && int64(len(got)) != p.size {
			t.Fatalf("read %d bytes of a message of %d", len(got), p.size)
		}
		p.ReadAt(make([]byte, 100), p.size/2)
		p.Close()
	})
}

// BenchmarkPacked: writing and reading back a message of a frame and
// a half, text and then random bytes, as a packed file in memory.
func BenchmarkPacked(b *testing.B) {
	msg := packSamples(b)["text, random, text"]
	var file bytes.Buffer
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			file.Reset()
			if _, err := writePacked(&file, io.Discard, bytes.NewReader(msg)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			p, err := readPacked(bytes.NewReader(file.Bytes()), int64(file.Len()))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, p); err != nil {
				b.Fatal(err)
			}
			p.Close()
		}
	})
}

// The frames of a message compressed several at once are hashed and
// written in the message's order, whatever order their compression ends
// in, and the file is the same as written one frame at a time.
func TestWritePacked_framesAheadKeepTheirOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	var msg []byte
	for i := range 7 { // frames of text and of random bytes, which compress at different speeds
		if i%2 == 0 {
			msg = append(msg, strings.Repeat(fmt.Sprintf("내일 회의 %d / the meeting\r\n", i), packFrame/30+1)[:packFrame]...)
			continue
		}
		for range packFrame {
			msg = append(msg, byte(rng.Uint32()))
		}
	}
	msg = append(msg, "the end\r\n"...)
	write := func(ahead int) ([]byte, [sha256.Size]byte) {
		t.Helper()
		defer func(was int) { packAhead = was }(packAhead)
		packAhead = ahead
		var file bytes.Buffer
		h := sha256.New()
		size, err := writePacked(&file, h, bytes.NewReader(msg))
		if err != nil || size != int64(len(msg)) {
			t.Fatalf("%d ahead: size %d, %v", ahead, size, err)
		}
		return file.Bytes(), [sha256.Size]byte(h.Sum(nil))
	}
	one, oneSum := write(1)
	if oneSum != sha256.Sum256(msg) {
		t.Fatal("one frame at a time: the hash is not the message's")
	}
	for _, ahead := range []int{2, 3, 8} {
		file, sum := write(ahead)
		if sum != oneSum {
			t.Errorf("%d frames ahead: the hash is not the message's", ahead)
		}
		if !bytes.Equal(file, one) {
			t.Errorf("%d frames ahead: the file differs from one written a frame at a time", ahead)
		}
		p, err := readPacked(bytes.NewReader(file), int64(len(file)))
		if err != nil || p == nil {
			t.Fatalf("%d frames ahead: not read back as packed (%v)", ahead, err)
		}
		if got, err := io.ReadAll(p); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%d frames ahead: read back %d bytes, %v", ahead, len(got), err)
		}
	}
}

// A read that fails after some frames are on their way fails the write
// with the read's error. The frames started are waited for: a hash
// written after writePacked returned is reported (seen only when such a
// frame is slow enough to be caught; -race sees the buffer reused).
func TestWritePacked_aFailedReadStopsEveryFrame(t *testing.T) {
	defer func(was int) { packAhead = was }(packAhead)
	packAhead = 3
	broken := errors.New("connection reset")
	msg := []byte(strings.Repeat("내일 회의 / the meeting\r\n", 5*packFrame/28))
	r := io.MultiReader(bytes.NewReader(msg[:4*packFrame+10]), iotest.ErrReader(broken))
	h := &closableHash{Hash: sha256.New()}
	_, err := writePacked(io.Discard, h, r)
	h.closed.Store(true)
	if !errors.Is(err, broken) {
		t.Fatalf("got %v, want the read's error", err)
	}
	if h.late.Load() {
		t.Fatal("a frame was hashed after writePacked returned")
	}
}

type closableHash struct {
	hash.Hash
	closed, late atomic.Bool
}

func (c *closableHash) Write(p []byte) (int, error) {
	if c.closed.Load() {
		c.late.Store(true)
	}
	return c.Hash.Write(p)
}
