package interop

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPythonBadInput drives every refusal of the "Bad input" list
// with Python's smtplib and asserts the exact reply codes.
func TestPythonBadInput(t *testing.T) {
	s := sharedServer(t)
	alice, bob := uniqueAddr("bad-alice"), uniqueAddr("bad-bob")
	s.AddUser(t, alice)
	s.AddUser(t, bob)
	const external = "sender@remote.example"

	mx := func(t *testing.T, from string, to []string, msg map[string]any) pyResult {
		p := s.pyParams(t, "smtp", "plain")
		p["from"], p["to"], p["message"] = from, to, msg
		return runPython(t, "send", p)
	}
	submit := func(t *testing.T, user, pass, from string, to []string, msg map[string]any) pyResult {
		p := s.pyParams(t, "submission", "starttls")
		p["user"], p["password"] = user, pass
		p["from"], p["to"], p["message"] = from, to, msg
		return runPython(t, "send", p)
	}

	t.Run("unknown_recipient_550_5.1.1", func(t *testing.T) {
		to := uniqueAddr("nobody")
		r := mx(t, external, []string{to}, pyMessage(external, to, uniqueID("unknown"), "unknown"))
		requirePyRefused(t, "RCPT to unknown user", r, 550, "5.1.1", "rcpt")
		if hasFeature(r.Info.Features, "auth") {
			t.Errorf("MX listener advertises AUTH (%q); MX must not offer it", r.Info.Features["auth"])
		}
	})

	t.Run("suspended_550_5.2.1", func(t *testing.T) {
		to := uniqueAddr("suspended")
		s.AddUser(t, to)
		s.MustCLI(t, "user disable", to)
		id := uniqueID("suspended")
		r := mx(t, external, []string{to}, pyMessage(external, to, id, "suspended"))
		requirePyRefused(t, "RCPT to suspended user", r, 550, "5.2.1", "rcpt")
		if m := s.FindMessage(t, to, "", id); m != nil {
			t.Errorf("refused message was stored: %+v", m)
		}
	})

	t.Run("over_quota_552_5.2.2", func(t *testing.T) {
		to := uniqueAddr("quota")
		s.AddUser(t, to, "--quota", "6000")
		first := uniqueID("quota-fits")
		msg := pyMessage(external, to, first, "fits")
		msg["size"] = 1000
		requirePyOK(t, "message within quota", mx(t, external, []string{to}, msg))
		s.RequireMessage(t, to, "", first)

		second := uniqueID("quota-over")
		msg = pyMessage(external, to, second, "too big for the quota")
		msg["size"] = 10000
		r := mx(t, external, []string{to}, msg)
		requirePyRefused(t, "message over quota", r, 552, "5.2.2", "rcpt", "data")
		if m := s.FindMessage(t, to, "", second); m != nil {
			t.Errorf("over-quota message was stored: %+v", m)
		}
	})

	t.Run("oversized_declared_552_5.3.4", func(t *testing.T) {
		msg := pyMessage(external, bob, uniqueID("oversized"), "oversized")
		msg["size"] = sharedMaxMessageSize + 50*1024
		// smtplib declares SIZE= in MAIL FROM because the server offers SIZE.
		r := mx(t, external, []string{bob}, msg)
		requirePyRefused(t, "MAIL FROM with SIZE over the limit", r, 552, "5.3.4", "mail")
		if want := fmt.Sprint(sharedMaxMessageSize); r.Info.Features["size"] != want {
			t.Errorf("EHLO SIZE %q, want %s (max_message_size)", r.Info.Features["size"], want)
		}
	})

	t.Run("oversized_undeclared_552_5.3.4", func(t *testing.T) {
		id := uniqueID("oversized-nosize")
		msg := pyMessage(external, bob, id, "oversized without SIZE")
		msg["size"] = sharedMaxMessageSize + 50*1024
		p := s.pyParams(t, "smtp", "plain")
		p["steps"] = []map[string]any{
			{"cmd": "mail", "addr": external},
			{"cmd": "rcpt", "addr": bob},
			{"cmd": "data", "message": msg},
		}
		r := runPython(t, "steps", p)
		if len(r.Steps) != 3 || r.Steps[0].Code != 250 || r.Steps[1].Code != 250 {
			t.Fatalf("steps: %+v (%s %d %s)", r.Steps, r.Stage, r.Code, r.Msg)
		}
		wantReply(t, "DATA over max_message_size", reply{r.Steps[2].Code, r.Steps[2].Msg}, 552, "5.3.4")
		if m := s.FindMessage(t, bob, "", id); m != nil {
			t.Errorf("oversized message was stored: %+v", m)
		}
		requireAlive(t, s, "smtp")
	})

	t.Run("relay_on_mx_554_5.7.1", func(t *testing.T) {
		to := "someone@elsewhere.example"
		r := mx(t, external, []string{to}, pyMessage(external, to, uniqueID("relay"), "relay"))
		requirePyRefused(t, "RCPT outside hosted domains on MX", r, 554, "5.7.1", "rcpt")
		// A local sender does not make MX an open relay either.
		r = mx(t, alice, []string{to}, pyMessage(alice, to, uniqueID("relay2"), "relay"))
		requirePyRefused(t, "RCPT outside hosted domains on MX, local MAIL FROM", r, 554, "5.7.1", "rcpt")
	})

	t.Run("wrong_password_535_5.7.8", func(t *testing.T) {
		// A server of its own: failed logins slow down every later login
		// from the same address (127.0.0.1), which would slow other tests.
		own := newServer(t, serverOptions{listen: []string{"submission"}})
		wrongUser := uniqueAddr("bad-wrongpw")
		own.AddUser(t, wrongUser)
		p := own.pyParams(t, "submission", "starttls")
		p["user"], p["password"] = wrongUser, "not-the-password"
		p["from"], p["to"], p["message"] = wrongUser, []string{wrongUser}, pyMessage(wrongUser, wrongUser, uniqueID("wrongpw"), "x")
		requirePyRefused(t, "AUTH with a wrong password", runPython(t, "send", p), 535, "5.7.8", "auth")
		ghost := uniqueAddr("bad-ghost")
		p["user"], p["password"], p["from"] = ghost, testPassword, ghost
		requirePyRefused(t, "AUTH as an unknown user", runPython(t, "send", p), 535, "5.7.8", "auth")
	})

	t.Run("submission_requires_auth", func(t *testing.T) {
		p := s.pyParams(t, "submission", "starttls")
		p["steps"] = []map[string]any{{"cmd": "mail", "addr": alice}}
		r := runPython(t, "steps", p)
		if len(r.Steps) != 1 {
			t.Fatalf("steps: %+v (%s %d %s)", r.Steps, r.Stage, r.Code, r.Msg)
		}
		got := reply{r.Steps[0].Code, r.Steps[0].Msg}
		if got.Code < 500 || got.Enhanced() != "5.7.0" {
			t.Errorf("MAIL FROM on submission without AUTH: got %q, want 530 (or 5xx) 5.7.0", got)
		}
	})

	t.Run("spoofed_mail_from_5.7.1", func(t *testing.T) {
		r := submit(t, alice, testPassword, bob, []string{bob}, pyMessage(bob, bob, uniqueID("spoof-env"), "spoof"))
		if r.OK || r.Stage != "mail" || (r.Code != 553 && r.Code != 550) || r.reply().Enhanced() != "5.7.1" {
			t.Errorf("%s sending with MAIL FROM:<%s>: got %v at %s, want 553 or 550 5.7.1 at MAIL", alice, bob, r.reply(), r.Stage)
		}
	})

	t.Run("spoofed_header_from_5.7.1", func(t *testing.T) {
		id := uniqueID("spoof-hdr")
		msg := pyMessage(alice, bob, id, "spoofed From header")
		msg["header_from"] = bob
		r := submit(t, alice, testPassword, alice, []string{bob}, msg)
		if r.OK || (r.Code != 553 && r.Code != 550) || r.reply().Enhanced() != "5.7.1" {
			t.Errorf("%s sending with From: <%s>: got %v at %s, want 553 or 550 5.7.1", alice, bob, r.reply(), r.Stage)
		}
		if m := s.FindMessage(t, bob, "", id); m != nil {
			t.Errorf("message with a spoofed From header was delivered: %+v", m)
		}
	})

	t.Run("8bit_header_without_smtputf8", func(t *testing.T) {
		id := uniqueID("8bit-header")
		msg := pyMessage(external, bob, id, "8비트 헤더")
		msg["raw_headers"] = true
		p := s.pyParams(t, "smtp", "plain")
		p["steps"] = []map[string]any{
			{"cmd": "mail", "addr": external},
			{"cmd": "rcpt", "addr": bob},
			{"cmd": "data", "message": msg},
			{"cmd": "noop"},
		}
		r := runPython(t, "steps", p)
		if len(r.Steps) < 3 {
			t.Fatalf("steps: %+v (%s %d %s)", r.Steps, r.Stage, r.Code, r.Msg)
		}
		final := reply{r.Steps[2].Code, r.Steps[2].Msg}
		t.Logf("server answered %q", final)
		switch {
		case final.Code == 250:
			s.RequireMessage(t, bob, "", id)
		case final.Code >= 500 && final.Code < 600 && final.Enhanced() != "":
			if m := s.FindMessage(t, bob, "", id); m != nil {
				t.Errorf("refused message was stored: %+v", m)
			}
		default:
			t.Errorf("8-bit header without SMTPUTF8: got %q, want 250 or a 5xx with an enhanced code", final)
		}
		requireAlive(t, s, "smtp")
	})
}

// TestWireGarbage puts malformed bytes on the wire of the MX listener:
// every case must get a clear reply, store nothing half-way, and leave the
// server up.
func TestWireGarbage(t *testing.T) {
	s := sharedServer(t)
	bob := uniqueAddr("wire-bob")
	s.AddUser(t, bob)
	const external = "sender@remote.example"

	// startData opens a transaction to bob up to the 354.
	startData := func(t *testing.T) *smtpClient {
		c := mustDial(t, s.Addr(t, "smtp"))
		if r := c.mustCmd(t, "MAIL FROM:<%s>", external); r.Code != 250 {
			t.Fatalf("MAIL: %s", r)
		}
		if r := c.mustCmd(t, "RCPT TO:<%s>", bob); r.Code != 250 {
			t.Fatalf("RCPT: %s", r)
		}
		if r := c.mustCmd(t, "DATA"); r.Code != 354 {
			t.Fatalf("DATA: %s", r)
		}
		return c
	}
	// acceptedOrRefused checks the reply to a questionable message: 250
	// and stored once, or a 5xx with an enhanced code and not stored.
	acceptedOrRefused := func(t *testing.T, r reply, id string) {
		t.Helper()
		t.Logf("server answered %q", r)
		switch {
		case r.Code == 250:
			s.RequireMessage(t, bob, "", id)
		case r.Code >= 500 && r.Code < 600 && r.Enhanced() != "":
			if m := s.FindMessage(t, bob, "", id); m != nil {
				t.Errorf("refused message was stored: %+v", m)
			}
		default:
			t.Errorf("got %q, want 250 or a 5xx with an enhanced code", r)
		}
	}
	// clearRefusal: a 5xx reply, or (acceptable) the server closing the
	// connection after saying so.
	clearRefusal := func(t *testing.T, what string, r reply, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: no reply: %v", what, err)
			return
		}
		if r.Code < 500 || r.Code >= 600 {
			t.Errorf("%s: got %q, want a 5xx refusal", what, r)
		}
	}

	t.Run("bare_lf_command", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		if err := c.Raw([]byte("NOOP\n")); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		if err != nil {
			t.Fatalf("NOOP ended by bare LF: no reply: %v", err)
		}
		if r.Code != 250 && (r.Code < 500 || r.Code >= 600) {
			t.Errorf("NOOP ended by bare LF: got %q, want 250 or a 5xx", r)
		}
		requireAlive(t, s, "smtp")
	})

	t.Run("bare_lf_in_data", func(t *testing.T) {
		c := startData(t)
		id := uniqueID("bare-lf")
		msg := fmt.Sprintf("From: <%s>\nTo: <%s>\nSubject: bare LF\nMessage-ID: <%s>\n\nline one\nline two\r\nline three\n", external, bob, id)
		if err := c.Raw([]byte(msg + "\r\n.\r\n")); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		if err != nil {
			t.Fatalf("no reply to DATA with bare LFs: %v", err)
		}
		acceptedOrRefused(t, r, id)
		requireAlive(t, s, "smtp")
	})

	t.Run("smtp_smuggling", func(t *testing.T) {
		// "<LF>.<LF>" must not end the data: a server that treats it as
		// the end runs the smuggled transaction below as a second message.
		c := startData(t)
		id, smuggled := uniqueID("smuggle-outer"), uniqueID("smuggle-inner")
		msg := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: outer\r\nMessage-ID: <%s>\r\n\r\nouter body\n.\n"+
			"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\nFrom: <%s>\r\nSubject: smuggled\r\nMessage-ID: <%s>\r\n\r\nsmuggled\r\n.\r\n",
			external, bob, id, "ceo@"+testDomain, bob, "ceo@"+testDomain, smuggled)
		if err := c.Raw([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		if err != nil {
			t.Fatalf("no reply: %v", err)
		}
		// Sync: everything the server read before is processed once NOOP
		// is answered.
		_, _ = c.Cmd("NOOP")
		_, _ = c.Cmd("NOOP")
		acceptedOrRefused(t, r, id)
		if m := s.FindMessage(t, bob, "", smuggled); m != nil {
			t.Errorf("SMTP smuggling: the message after <LF>.<LF> was delivered as its own message: %+v", m)
		}
	})

	t.Run("nul_in_command", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		if err := c.Raw([]byte("MAIL FROM:<a\x00b@remote.example>\r\n")); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		clearRefusal(t, "MAIL FROM with a NUL byte", r, err)

		// The same in a recipient (the local part before the NUL exists).
		c = mustDial(t, s.Addr(t, "smtp"))
		if r := c.mustCmd(t, "MAIL FROM:<%s>", external); r.Code != 250 {
			t.Fatalf("MAIL: %q", r)
		}
		local, domain, _ := strings.Cut(bob, "@")
		if err := c.Raw([]byte("RCPT TO:<" + local + "\x00x@" + domain + ">\r\n")); err != nil {
			t.Fatal(err)
		}
		r, err = c.read()
		clearRefusal(t, "RCPT TO with a NUL byte", r, err)
		requireAlive(t, s, "smtp")
	})

	t.Run("nul_in_data", func(t *testing.T) {
		c := startData(t)
		id := uniqueID("nul-data")
		msg := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: NUL\r\nMessage-ID: <%s>\r\n\r\nbefore\x00after\r\n\x00\x00\x00\r\n", external, bob, id)
		if err := c.Raw(dotStuff([]byte(msg))); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		if err != nil {
			t.Fatalf("no reply to DATA with NUL bytes: %v", err)
		}
		acceptedOrRefused(t, r, id)
		requireAlive(t, s, "smtp")
	})

	t.Run("binary_garbage", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		if err := c.Raw([]byte("\xff\xfe\x00\x01\x1b[31mGARBAGE\x7f\xc3\x28\r\n")); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		clearRefusal(t, "binary garbage", r, err)
		requireAlive(t, s, "smtp")
	})

	t.Run("unknown_command", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		for _, line := range []string{"XYZZ plugh", "XYZZY plugh", "X"} {
			r := c.mustCmd(t, "%s", line)
			if (r.Code != 500 && r.Code != 501 && r.Code != 502) || !strings.HasPrefix(r.Enhanced(), "5.5.") {
				t.Errorf("%q: got %q, want 500, 501 or 502 with 5.5.x", line, r)
			}
		}
		if r := c.mustCmd(t, "NOOP"); r.Code != 250 {
			t.Errorf("NOOP after unknown commands: %q", r)
		}
	})

	t.Run("bad_sequence", func(t *testing.T) {
		c := mustDial(t, s.Addr(t, "smtp"))
		r := c.mustCmd(t, "RCPT TO:<%s>", bob)
		if r.Code < 500 || r.Enhanced() != "5.5.1" {
			t.Errorf("RCPT before MAIL: got %q, want 503 (5xx) 5.5.1", r)
		}
		if r := c.mustCmd(t, "MAIL FROM:<%s>", external); r.Code != 250 {
			t.Fatalf("MAIL: %q", r)
		}
		r = c.mustCmd(t, "DATA")
		if r.Code < 500 {
			t.Errorf("DATA without RCPT: got %q, want a 5xx", r)
		}
	})

	t.Run("overlong_command_line", func(t *testing.T) {
		// 2 MiB without a line end: the server answers (500 line too long,
		// or whatever it makes of the line) or hangs up; it must survive.
		c := mustDial(t, s.Addr(t, "smtp"))
		if err := c.Raw([]byte("NOOP " + strings.Repeat("x", 2<<20) + "\r\n")); err != nil {
			t.Logf("server closed the connection during the long line: %v", err)
		} else if r, err := c.read(); err != nil {
			t.Logf("no reply to the 2 MiB line, connection closed: %v", err)
		} else if r.Code != 250 && (r.Code < 500 || r.Code >= 600) {
			t.Errorf("2 MiB command line: got %q, want a 5xx (or 250)", r)
		}
		requireAlive(t, s, "smtp")
	})

	t.Run("long_body_line_accepted", func(t *testing.T) {
		// The inbound line length limit is raised well above go-smtp's
		// default of 2000: real mail has long lines (HTML, base64 without
		// folding).
		id := uniqueID("long-line")
		msg := buildMessage(external, bob, id, "long line", 0)
		msg = append(msg, []byte(strings.Repeat("0123456789", 1000)+"\r\n")...)
		r := mxSend(t, s, external, []string{bob}, msg)
		if r.Code != 250 {
			t.Fatalf("message with a 10000-byte line: got %q, want 250", r)
		}
		s.RequireMessage(t, bob, "", id)
	})
}

// TestBDATChunking sends one message in three BDAT chunks (CHUNKING).
func TestBDATChunking(t *testing.T) {
	s := sharedServer(t)
	bob := uniqueAddr("bdat-bob")
	s.AddUser(t, bob)
	c := mustDial(t, s.Addr(t, "smtp"))
	if _, ok := c.ext["CHUNKING"]; !ok {
		t.Fatalf("MX EHLO does not advertise CHUNKING: %v", c.ext)
	}
	id := uniqueID("bdat")
	msg := buildMessage("sender@remote.example", bob, id, "BDAT chunks", 3000)
	if r := c.mustCmd(t, "MAIL FROM:<sender@remote.example>"); r.Code != 250 {
		t.Fatalf("MAIL: %q", r)
	}
	if r := c.mustCmd(t, "RCPT TO:<%s>", bob); r.Code != 250 {
		t.Fatalf("RCPT: %q", r)
	}
	chunks := [][]byte{msg[:1000], msg[1000:2001], msg[2001:]}
	for i, ch := range chunks {
		last := ""
		if i == len(chunks)-1 {
			last = " LAST"
		}
		if err := c.Raw(append([]byte(fmt.Sprintf("BDAT %d%s\r\n", len(ch), last)), ch...)); err != nil {
			t.Fatal(err)
		}
		r, err := c.read()
		if err != nil {
			t.Fatalf("BDAT chunk %d: %v", i, err)
		}
		if r.Code != 250 {
			t.Fatalf("BDAT chunk %d: %q", i, r)
		}
	}
	m := s.RequireMessage(t, bob, "", id)
	if m.Size < int64(len(msg)) {
		t.Errorf("stored size %d < %d sent", m.Size, len(msg))
	}
}

// TestAuthFailuresSlowDown: repeated wrong passwords from one client are
// answered more slowly (or refused for a while with a 4xx), on a server of
// its own so that the throttling does not touch other tests.
func TestAuthFailuresSlowDown(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"submission"}})
	victim := uniqueAddr("victim")
	s.AddUser(t, victim)

	var first time.Duration
	for i := 0; i < 12; i++ {
		start := time.Now()
		c, err := dialSMTP(s.Addr(t, "submission"))
		if err != nil && strings.HasPrefix(err.Error(), "greeting: 4") {
			t.Logf("attempt %d: connection refused for now: %v", i+1, err)
			return // throttled at the door
		}
		if err != nil {
			t.Fatalf("attempt %d: connect: %v", i+1, err)
		}
		var r reply
		if _, err = c.Ehlo(); err == nil {
			if err = c.StartTLS(); err == nil {
				r, err = c.AuthPlain(victim, fmt.Sprintf("wrong-%d", i))
			}
		}
		c.Close()
		took := time.Since(start)
		if err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		t.Logf("attempt %d: %q after %v", i+1, r, took.Round(time.Millisecond))
		switch {
		case r.Code >= 400 && r.Code < 500:
			return // refused for a while: throttled
		case !r.Is(535, "5.7.8"):
			t.Fatalf("attempt %d: got %q, want 535 5.7.8 (or a 4xx while throttled)", i+1, r)
		}
		if i == 0 {
			first = took
		} else if took >= first+400*time.Millisecond {
			return // slowed down
		}
	}
	t.Errorf("12 wrong passwords in a row were all answered as fast as the first (%v): no throttling", first)
}
