package session

import (
	"io"
	"net"
	"testing"
	"time"

	"postroom/internal/auth"
	"postroom/internal/testbed"
)

// FuzzSession drives whole sessions over a connection with a real store:
// whatever a client sends, the session must neither panic nor hang, and
// it must end when the client goes away. Each input is what one client
// sends after logging in (the login itself is skipped: argon2 would make
// every run take a second). Run it with
//
//	go test ./internal/imapd/session/ -run '^$' -fuzz FuzzSession -fuzztime 3m
//
// New crashers land in testdata/fuzz/FuzzSession and are replayed by
// every plain `go test` run.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"a NOOP\r\nb LOGOUT\r\n",
		"a SELECT INBOX\r\nb FETCH 1:* (FLAGS UID ENVELOPE BODYSTRUCTURE BODY.PEEK[])\r\nc STORE 1 +FLAGS (\\Deleted $x)\r\nd EXPUNGE\r\n",
		"a CREATE \"p&AOQA5A-\"\r\nb LIST \"\" \"*\"\r\nc RENAME \"p&AOQA5A-\" q\r\nd DELETE q\r\n",
		"a LIST \"\" \"\"\r\nb LIST (SUBSCRIBED SPECIAL-USE) \"\" (\"*\" \"%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN SIZE RECENT))\r\n",
		"a ENABLE QRESYNC\r\nb SELECT INBOX (QRESYNC (1 1 1:5 (1:2 1:2)))\r\nc IDLE\r\nDONE\r\n",
		"a APPEND INBOX (\\Seen) {20+}\r\nSubject: x\r\n\r\nbody\r\nb SELECT INBOX\r\nc UID SEARCH RETURN (ALL) OR SEEN NEW\r\nd UID SORT (DATE) UTF-8 ALL\r\ne THREAD REFERENCES UTF-8 ALL\r\n",
		"a EXAMINE INBOX\r\nb CLOSE\r\nc UNSELECT\r\nd GETQUOTAROOT INBOX\r\ne ID NIL\r\nf NAMESPACE\r\n",
		"a CREATE \"abc\r\nb FROB\r\nc SELECT INBOX\r\nd FETCH 99 FLAGS\r\ne COPY 1:* Trash\r\nf UID MOVE 1:* Archive\r\n",
		"a IDLE\r\nx\r\n",
		"a SELECT INBOX\r\nb UID SEARCH RETURN (UPDATE PARTIAL -1:-5 COUNT) UNSEEN\r\nc SORT RETURN (UPDATE PARTIAL 1:2) (SUBJECT) UTF-8 ALL\r\nd APPEND INBOX {20+}\r\nSubject: y\r\n\r\nbody\r\ne STORE 1 +FLAGS (\\Seen)\r\nf EXPUNGE\r\ng CANCELUPDATE \"b\" \"c\"\r\n",
		"a COMPRESS DEFLATE\r\n\x00\x01\x02",
	} {
		f.Add([]byte(seed))
	}
	b := testbed.New(f)
	acct := b.Account("fuzz", nil)
	b.Put(acct.ID, "INBOX", "From: a@example.test\r\nSubject: one\r\nMessage-ID: <1@x>\r\n\r\nhello\r\n")
	b.Put(acct.ID, "INBOX", "From: b@example.test\r\nSubject: Re: one\r\nIn-Reply-To: <1@x>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n")
	cfg := &Config{Mail: b.Mail, Auth: auth.NewAuthenticator(b.Store, false), Events: b.Bus,
		MaxMessageSize: 1 << 16, Hubs: &Hubs{}, Log: testbed.Quiet(), IdleTimeout: 10 * time.Second}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer l.Close()
	f.Fuzz(func(t *testing.T, in []byte) {
		client, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		server, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		s := New(cfg, server)
		s.acct, s.state = acct, Authenticated
		done := make(chan struct{})
		go func() { s.Serve(); close(done) }()
		// the client sends everything, then half-closes: the session
		// answers what it read and ends at the end of its input
		read := make(chan struct{})
		go func() { io.Copy(io.Discard, client); close(read) }()
		client.SetDeadline(time.Now().Add(20 * time.Second))
		client.Write(in)
		client.(*net.TCPConn).CloseWrite()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("session still running 20 s after the client's input ended; input %q", in)
		}
		<-read
	})
}
