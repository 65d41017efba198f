package inflate

// The reason the package exists: a client on a COMPRESS=DEFLATE link
// flushes each command and waits for the answer, so the server's reader
// must hand out every command as soon as its bytes have arrived, whatever
// flush the client used (mbsync: Z_PARTIAL_FLUSH, no stored block).

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"
)

// stallWait is a failsafe for a Reader that never returns a message whose
// bytes it has; far above any decoding time, and never waited out when
// the Reader works.
const stallWait = 20 * time.Second

// zlibChunks compresses msgs with Python's zlib (the C library mbsync
// uses) through testdata/partialflush.py: one chunk per message, each
// ending in the given flush.
func zlibChunks(t *testing.T, level int, flush string, msgs []string) [][]byte {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is needed to make zlib's partial-flush output: %v", err)
		}
		t.Skipf("python3 not installed: %v", err)
	}
	req, err := json.Marshal(map[string]any{"level": level, "flush": flush, "messages": msgs})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "testdata/partialflush.py")
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/partialflush.py: %v\n%s", err, stderr.String())
	}
	var hexChunks []string
	if err := json.Unmarshal(out, &hexChunks); err != nil {
		t.Fatalf("testdata/partialflush.py output: %v", err)
	}
	chunks := make([][]byte, len(hexChunks))
	for i, h := range hexChunks {
		if chunks[i], err = hex.DecodeString(h); err != nil {
			t.Fatal(err)
		}
	}
	return chunks
}

// imapMessages is what a client sends on a compressed link: short
// commands, a Korean mailbox name, and a large APPEND literal (several
// blocks, dynamic codes, back-references across them).
func imapMessages() []string {
	return []string{
		"a1 LOGIN user@example.com secret\r\n",
		"a2 SELECT INBOX\r\n",
		"a3 CREATE \"Projects/견적\"\r\n",
		"a4 APPEND INBOX {120000+}\r\n" + string(testText(120000, 9)) + "\r\n",
		"a5 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\n",
		"a6 NOOP\r\n",
		"a7 LOGOUT\r\n",
	}
}

// lockstep writes chunk i+1 to a pipe only once the Reader made by open
// has returned all of message i: a Reader that holds a message back until
// it sees more input stalls, as a server would with a waiting client.
func lockstep(t *testing.T, open func(io.Reader) io.Reader, chunks [][]byte, msgs []string) error {
	t.Helper()
	pr, pw := io.Pipe()
	defer pr.Close()
	next := make(chan struct{}, len(chunks))
	writeErr := make(chan error, 1)
	go func() {
		for _, c := range chunks {
			<-next
			if _, err := pw.Write(c); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- pw.Close() // the client hangs up: no final block
	}()

	z := open(pr)
	for i, m := range msgs {
		next <- struct{}{} // the client sends message i, then waits
		got := make(chan error, 1)
		buf := make([]byte, len(m))
		go func() {
			_, err := io.ReadFull(z, buf)
			got <- err
		}()
		select {
		case err := <-got:
			if err != nil {
				return fmt.Errorf("message %d: %w", i, err)
			}
		case <-time.After(stallWait):
			pw.CloseWithError(errors.New("stalled"))
			<-got
			return fmt.Errorf("message %d (%q...): not returned in %v although all its bytes were sent: stalled", i, m[:min(len(m), 20)], stallWait)
		}
		if string(buf) != m {
			return fmt.Errorf("message %d: got %q, want %q", i, buf[:min(len(buf), 60)], m[:min(len(m), 60)])
		}
	}
	// Nothing more was sent: the end of the input is an unexpected EOF.
	if n, err := z.Read(make([]byte, 10)); n != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("after the last message: %d bytes, %v; want io.ErrUnexpectedEOF", n, err)
	}
	return <-writeErr
}

func newReader(r io.Reader) io.Reader { return NewReader(r) }

// TestLockstep_zlibFlushes: each message compressed by zlib and flushed
// with Z_PARTIAL_FLUSH (mbsync), Z_SYNC_FLUSH or Z_FULL_FLUSH, at levels
// from stored-only to best, is returned before the next is written.
func TestLockstep_zlibFlushes(t *testing.T) {
	msgs := imapMessages()
	for _, flush := range []string{"partial", "sync", "full"} {
		for _, level := range []int{0, 1, 6, 9} {
			t.Run(fmt.Sprintf("%s/level %d", flush, level), func(t *testing.T) {
				chunks := zlibChunks(t, level, flush, msgs)
				if err := lockstep(t, newReader, chunks, msgs); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestLockstep_partialFlushHasNoStoredBlock checks the premise: zlib's
// partial flush ends a message with an empty fixed block (10 bits), not
// the stored block (0x00 0x00 0xff 0xff) a sync flush ends with.
func TestLockstep_partialFlushHasNoStoredBlock(t *testing.T) {
	chunks := zlibChunks(t, 6, "partial", []string{"a1 NOOP\r\n"})
	if bytes.HasSuffix(chunks[0], []byte{0, 0, 0xff, 0xff}) {
		t.Fatalf("partial flush output %x ends with a stored block", chunks[0])
	}
	sync := zlibChunks(t, 6, "sync", []string{"a1 NOOP\r\n"})
	if !bytes.HasSuffix(sync[0], []byte{0, 0, 0xff, 0xff}) {
		t.Fatalf("sync flush output %x does not end with a stored block", sync[0])
	}
}

// TestLockstep_flateWriter: the server's own writer (compress/flate,
// Flush after each response) read back in lockstep.
func TestLockstep_flateWriter(t *testing.T) {
	msgs := imapMessages()
	var chunks [][]byte
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	for _, m := range msgs {
		_, _ = w.Write([]byte(m))
		_ = w.Flush()
		chunks = append(chunks, bytes.Clone(buf.Bytes()))
		buf.Reset()
	}
	if err := lockstep(t, newReader, chunks, msgs); err != nil {
		t.Fatal(err)
	}
}

// TestLockstep_byteByByte: a partial-flush stream arriving one byte per
// read (a slow link) still gives each message as soon as it is whole.
func TestLockstep_byteByByte(t *testing.T) {
	msgs := imapMessages()[:3]
	chunks := zlibChunks(t, 6, "partial", msgs)
	// every byte is its own write; lockstep pairs writes with messages,
	// so the bytes before a chunk's last get empty ones (written without
	// waiting) and the message is due once its chunk's last byte is sent
	var split [][]byte
	var splitMsgs []string
	for i, c := range chunks {
		for j := range c {
			split = append(split, c[j:j+1])
			splitMsgs = append(splitMsgs, "")
		}
		splitMsgs[len(splitMsgs)-1] = msgs[i]
	}
	if err := lockstep(t, newReader, split, splitMsgs); err != nil {
		t.Fatal(err)
	}
}
