package interop

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

// igContractCaps are the capabilities every logged-in session lists.
// (AUTH=PLAIN and STARTTLS belong to the not-authenticated state only.)
var igContractCaps = []string{
	"IMAP4rev1", "IMAP4rev2", "SASL-IR", "IDLE", "NAMESPACE", "UNSELECT",
	"UIDPLUS", "MOVE", "ESEARCH", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE",
	"STATUS=SIZE", "LITERAL+", "UTF8=ACCEPT", "CHILDREN", "ENABLE",
}

// TestIMAPGoLoginAndAccessLog: capabilities before and after login, LOGIN
// and AUTHENTICATE PLAIN (SASL-IR) with the full address, refusals for a
// wrong password, for an account whose "use mail clients" switch is off
// and for a disabled account, and the access log that records them.
func TestIMAPGoLoginAndAccessLog(t *testing.T) {
	// A server of its own: failed logins raise the throttle for 127.0.0.1.
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "imaps"}})
	igRequireNoPanic(t, s)
	user := igUser(t, s, "imapgo-login")
	start := time.Now().Add(-2 * time.Second)
	var wantOK, wantFailedAtLeast, attempts int

	// Before login, on the plain listener (loopback).
	c := igDial(t, s, "pre-auth", igPlain, nil)
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatalf("CAPABILITY before login: %v", err)
	}
	pre := igCapsExact(caps)
	for _, want := range []string{"IMAP4REV1", "IMAP4REV2", "STARTTLS", "AUTH=PLAIN", "SASL-IR"} {
		if !pre[want] {
			t.Errorf("CAPABILITY before login lacks %s: %v", want, caps)
		}
	}
	if pre["LOGINDISABLED"] {
		t.Errorf("CAPABILITY on loopback lists LOGINDISABLED, but LOGIN must be allowed on loopback: %v", caps)
	}

	// Wrong password: NO [AUTHENTICATIONFAILED]; the connection stays usable.
	attempts++
	wantFailedAtLeast++
	err = c.Login(user, "wrong-"+testPassword).Wait()
	igWantErr(t, "LOGIN with a wrong password", err, imap.StatusResponseTypeNo, imap.ResponseCodeAuthenticationFailed)
	// Unknown address: the same answer (no account enumeration).
	err = c.Login("nobody-"+user, testPassword).Wait()
	if e := igWantErr(t, "LOGIN as an unknown address", err, imap.StatusResponseTypeNo, imap.ResponseCodeAuthenticationFailed); e != nil {
		if le := igErr(c.Login(user, "wrong-again").Wait()); le != nil {
			attempts++
			wantFailedAtLeast++
			if le.Text != e.Text {
				t.Errorf("unknown address and wrong password answer differently: %q vs %q", e.Text, le.Text)
			}
		}
	}

	// Correct LOGIN on the same connection.
	attempts++
	if err := c.Login(user, testPassword).Wait(); err != nil {
		t.Fatalf("LOGIN %s after failed attempts on the same connection: %v", user, err)
	}
	wantOK++
	caps, err = c.Capability().Wait()
	if err != nil {
		t.Fatalf("CAPABILITY after login: %v", err)
	}
	post := igCapsExact(caps)
	for _, want := range igContractCaps {
		if !post[strings.ToUpper(want)] {
			t.Errorf("CAPABILITY after login lacks %s: %v", want, caps)
		}
	}
	if post["STARTTLS"] || post["AUTH=PLAIN"] || post["LOGINDISABLED"] {
		t.Errorf("CAPABILITY after login still lists STARTTLS/AUTH=/LOGINDISABLED: %v", caps)
	}
	limit, ok := caps.AppendLimit()
	if !ok || limit == nil || *limit == 0 {
		t.Errorf("CAPABILITY after login has no APPENDLIMIT=N with N > 0: %v", caps)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Errorf("SELECT INBOX after LOGIN: %v", err)
	}
	c.Logout().Wait()

	// AUTHENTICATE PLAIN with an initial response (SASL-IR).
	c2 := igDial(t, s, "authenticate", igPlain, nil)
	attempts++
	if err := c2.Authenticate(sasl.NewPlainClient("", user, testPassword)); err != nil {
		t.Fatalf("AUTHENTICATE PLAIN %s: %v", user, err)
	}
	wantOK++
	if !strings.Contains(c2.log.String(), "AUTHENTICATE PLAIN ") {
		t.Errorf("the client did not send the initial response on the AUTHENTICATE line (SASL-IR not honoured?)")
	}
	if _, err := c2.Select("INBOX", nil).Wait(); err != nil {
		t.Errorf("SELECT INBOX after AUTHENTICATE: %v", err)
	}
	// Wrong password through AUTHENTICATE PLAIN.
	c3 := igDial(t, s, "authenticate-wrong", igPlain, nil)
	attempts++
	wantFailedAtLeast++
	err = c3.Authenticate(sasl.NewPlainClient("", user, "wrong-"+testPassword))
	igWantErr(t, "AUTHENTICATE PLAIN with a wrong password", err, imap.StatusResponseTypeNo, imap.ResponseCodeAuthenticationFailed)

	// "Use mail clients" off: refused with a clear NO, for both mechanisms.
	s.MustCLI(t, "user set", "--clients=false", user)
	c4 := igDial(t, s, "clients-off", igPlain, nil)
	attempts++
	err = c4.Login(user, testPassword).Wait()
	if e := igWantErr(t, "LOGIN with mail client access off", err, imap.StatusResponseTypeNo, ""); e != nil {
		if !strings.Contains(strings.ToLower(e.Text), "client") {
			t.Errorf("LOGIN with mail client access off: text %q does not say that mail clients are off", e.Text)
		}
		if e.Code == imap.ResponseCodeAuthenticationFailed {
			t.Errorf("LOGIN with mail client access off answers [AUTHENTICATIONFAILED] as for a wrong password; want a distinct code such as [AUTHORIZATIONFAILED] or [CONTACTADMIN] (got %q)", e.Text)
		}
	}
	c5 := igDial(t, s, "clients-off-authenticate", igPlain, nil)
	attempts++
	err = c5.Authenticate(sasl.NewPlainClient("", user, testPassword))
	igWantErr(t, "AUTHENTICATE PLAIN with mail client access off", err, imap.StatusResponseTypeNo, "")
	if got := c5.State(); got == imap.ConnStateAuthenticated || got == imap.ConnStateSelected {
		t.Errorf("after a refused AUTHENTICATE the session is in state %v", got)
	}
	s.MustCLI(t, "user set", "--clients=true", user)
	c6 := igDial(t, s, "clients-on-again", igPlain, nil)
	attempts++
	if err := c6.Login(user, testPassword).Wait(); err != nil {
		t.Errorf("LOGIN after user set --clients=true: %v", err)
	} else {
		wantOK++
	}

	// Disabled account (service OFF): NO.
	s.MustCLI(t, "user disable", user)
	c7 := igDial(t, s, "disabled", igPlain, nil)
	attempts++
	err = c7.Login(user, testPassword).Wait()
	if e := igWantErr(t, "LOGIN to a disabled account", err, imap.StatusResponseTypeNo, ""); e != nil && strings.TrimSpace(e.Text) == "" {
		t.Errorf("LOGIN to a disabled account: NO without a text")
	}
	s.MustCLI(t, "user enable", user)

	// The access log: imap lines from 127.0.0.1, newest first.
	log := igAccessLog(t, s, user)
	t.Logf("postroom user log %s after %d attempts (%d successful):\n%s", user, attempts, wantOK, igLogText(log))
	var gotOK, gotFailed int
	for i, l := range log {
		if l.Protocol != "imap" {
			t.Errorf("access log line %q: protocol %q, want imap (only IMAP logins happened)", l.Raw, l.Protocol)
		}
		if l.IP != "127.0.0.1" {
			t.Errorf("access log line %q: IP %q, want 127.0.0.1", l.Raw, l.IP)
		}
		switch l.Result {
		case "ok":
			gotOK++
		case "failed":
			gotFailed++
		default:
			t.Errorf("access log line %q: result %q, want ok or failed", l.Raw, l.Result)
		}
		if l.Time.Before(start) || l.Time.After(time.Now().Add(2*time.Second)) {
			t.Errorf("access log line %q: time outside the test (%v .. now)", l.Raw, start)
		}
		if i > 0 && l.Time.After(log[i-1].Time) {
			t.Errorf("access log is not newest first: %q after %q", l.Raw, log[i-1].Raw)
		}
	}
	if gotOK != wantOK {
		t.Errorf("access log has %d ok lines, want %d (one per successful IMAP login):\n%v", gotOK, wantOK, log)
	}
	if gotFailed < wantFailedAtLeast {
		t.Errorf("access log has %d failed lines, want at least %d (wrong passwords)", gotFailed, wantFailedAtLeast)
	}
	// Refusals with the right password (mail clients off, account
	// disabled) are login attempts too: login watch must see them.
	if wantFailed := attempts - wantOK; gotFailed != wantFailed || len(log) != attempts {
		t.Errorf("access log has %d lines (%d failed) for %d IMAP login attempts (%d refused: %d wrong passwords, 2 with mail clients off, 1 on a disabled account); want one line per attempt",
			len(log), gotFailed, attempts, wantFailed, wantFailedAtLeast)
	}
	if len(log) > 0 && log[0].Result != "failed" {
		t.Errorf("newest access log line is %q; the last attempt (disabled account) was refused", log[0].Raw)
	}
}

// TestIMAPGoTLS: STARTTLS on the imap listener, then LOGIN; implicit TLS
// on imaps.
func TestIMAPGoTLS(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-tls")
	igMXDeliver(t, s, user, "over TLS")

	c := igDial(t, s, "starttls", igStartTLS, nil)
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatalf("CAPABILITY after STARTTLS: %v", err)
	}
	if igCapsExact(caps)["STARTTLS"] {
		t.Errorf("CAPABILITY after STARTTLS still lists STARTTLS: %v", caps)
	}
	if !igCapsExact(caps)["AUTH=PLAIN"] {
		t.Errorf("CAPABILITY after STARTTLS lacks AUTH=PLAIN: %v", caps)
	}
	if err := c.Login(user, testPassword).Wait(); err != nil {
		t.Fatalf("LOGIN after STARTTLS: %v", err)
	}
	if d := c.igSelect(t, "INBOX"); d.NumMessages != 1 {
		t.Errorf("SELECT INBOX over STARTTLS: %d messages, want 1", d.NumMessages)
	}
	// A second STARTTLS inside TLS must be refused without breaking the session.
	raw := igDialRaw(t, s, "imaps-raw", true)
	if r := raw.cmd("STARTTLS"); r.Status == "OK" {
		t.Errorf("STARTTLS on an implicit-TLS connection: got OK, want NO/BAD")
	}
	if r := raw.cmd("NOOP"); r.Status != "OK" {
		t.Errorf("NOOP after a refused STARTTLS: %s", r)
	}

	ci := igDial(t, s, "imaps", igImplicit, nil)
	caps, err = ci.Capability().Wait()
	if err != nil {
		t.Fatalf("CAPABILITY on imaps: %v", err)
	}
	if igCapsExact(caps)["STARTTLS"] {
		t.Errorf("CAPABILITY on imaps lists STARTTLS: %v", caps)
	}
	if err := ci.Login(user, testPassword).Wait(); err != nil {
		t.Fatalf("LOGIN on imaps: %v", err)
	}
	if d := ci.igSelect(t, "INBOX"); d.NumMessages != 1 {
		t.Errorf("SELECT INBOX on imaps: %d messages, want 1", d.NumMessages)
	}
	msgs := ci.igFetch(t, imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true})
	if len(msgs) != 1 || msgs[0].Envelope == nil || msgs[0].Envelope.Subject != "over TLS" {
		t.Errorf("FETCH 1 ENVELOPE on imaps: %+v", msgs)
	}
	if err := ci.Logout().Wait(); err != nil {
		t.Errorf("LOGOUT on imaps: %v", err)
	}
}

func igLogText(log []igLogLine) string {
	var b strings.Builder
	for _, l := range log {
		b.WriteString(l.Raw + "\n")
	}
	return b.String()
}
