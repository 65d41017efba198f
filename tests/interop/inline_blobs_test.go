package interop

// Small messages kept in the database (issue 21): a 10 KB APPEND (Python's
// imaplib) and a 10 KB delivery over SMTP leave no file in the blob
// directory and are fetched back byte for byte (imaplib); a 100 KB
// message, appended or delivered, is a file as before; `postroom check` finds the store consistent.

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"path/filepath"
	"testing"
)

// blobFiles counts the message files under the data directory's blobs/
// (not its tmp/ and trash/, nor the LAYOUT file).
func blobFiles(t *testing.T, s *Server) int {
	t.Helper()
	root := filepath.Join(s.Data, "blobs")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (d.Name() == "tmp" || d.Name() == "trash") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && len(d.Name()) == 64 {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInlineBlobs_smallMessagesInTheDatabaseLargeOnesFiles(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap"}})
	user := uniqueAddr("inline")
	s.AddUser(t, user)
	b64 := base64.StdEncoding.EncodeToString
	before := blobFiles(t, s)

	appended := buildMessage("sender@remote.example", user, uniqueID("inline-append"), "appended, 10 KB", 10<<10)
	r := runImapPy(t, s.imapPyParams(t, "plain", user), pyOp("append", "append", "mailbox", "INBOX", "message_b64", b64(appended)))
	requireImapPyOK(t, "append", r)
	r.ok(t, "append")
	delivered := buildMessage("sender@remote.example", user, uniqueID("inline-smtp"), "delivered, 10 KB", 10<<10)
	ipDeliver(t, s, user, delivered)
	if n := blobFiles(t, s); n != before {
		t.Errorf("a 10 KB APPEND and a 10 KB delivery made %d message files, want none", n-before)
	}

	// (imap_client.py takes its operations as an argument: too small for
	// 100 KB, which go-imap appends instead)
	large := buildMessage("sender@remote.example", user, uniqueID("inline-large"), "appended, 100 KB", 100<<10)
	ipAppend(t, ipDial(t, s, user), "INBOX", large)
	largeMX := buildMessage("sender@remote.example", user, uniqueID("inline-large-smtp"), "delivered, 100 KB", 100<<10)
	ipDeliver(t, s, user, largeMX)
	if n := blobFiles(t, s); n != before+2 {
		t.Errorf("a 100 KB APPEND and a 100 KB delivery made %d message files, want 2", n-before)
	}

	r = runImapPy(t, s.imapPyParams(t, "plain", user),
		pyOp("sel", "select", "mailbox", "INBOX"),
		pyOp("fetch", "fetch", "set", "1:4", "items", "(RFC822.SIZE BODY.PEEK[])"))
	requireImapPyOK(t, "fetch", r)
	msgs := r.ok(t, "fetch").Messages
	if len(msgs) != 4 {
		t.Fatalf("FETCH 1:4: %d messages", len(msgs))
	}
	body := func(i int) []byte {
		got := msgs[i].Sections["BODY[]"]
		if int64(len(got)) != msgs[i].Size {
			t.Errorf("message %d: RFC822.SIZE %d, BODY[] %d bytes", i+1, msgs[i].Size, len(got))
		}
		return got
	}
	if got := body(0); !bytes.Equal(got, appended) {
		t.Errorf("the appended 10 KB message comes back as %d bytes, not the %d appended", len(got), len(appended))
	}
	// delivery puts its trace fields on top of the message as sent
	if got := body(1); !bytes.HasSuffix(got, delivered) || !bytes.HasPrefix(got, []byte("Return-Path:")) {
		t.Errorf("the delivered 10 KB message comes back as %d bytes, not the %d sent below our trace fields:\n%.300s", len(got), len(delivered), got)
	}
	if got := body(2); !bytes.Equal(got, large) {
		t.Errorf("the appended 100 KB message comes back as %d bytes, not the %d appended", len(got), len(large))
	}
	if got := body(3); !bytes.HasSuffix(got, largeMX) {
		t.Errorf("the delivered 100 KB message comes back as %d bytes, not the %d sent below our trace fields", len(got), len(largeMX))
	}
	s.RequireConsistent(t)
}
