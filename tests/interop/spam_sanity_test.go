package interop

// Header sanity end to end (issue 18): swaks sends a message claiming a
// sender of our own hosted domain to the MX (port 25's listener) from a
// stranger (127.0.0.1, which our domain's SPF does not name: the test's
// DNS server knows no record at all), and it lands in Spam with the
// reason "forged-sender:<domain>" in the web API and in English in its
// X-Postroom-Spam field; the same sender logged in on submission, and a
// stranger writing as himself, land in the Inbox.

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// startEmptyDNS answers every question with NXDOMAIN, over UDP on
// 127.0.0.1: no SPF, no DMARC, no DKIM key, no PTR anywhere.
func startEmptyDNS(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true,
				RecursionDesired: h.RecursionDesired, RCode: dnsmessage.RCodeNameError})
			b.StartQuestions()
			b.Question(q)
			if out, err := b.Finish(); err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

func TestSwaksMX_forgedOwnDomainSenderLandsInSpam(t *testing.T) {
	// a DNS block list configured: serve takes the key; loopback
	// clients are never asked of it (internal/spam/dnsbl.go)
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http"}, dnsServer: startEmptyDNS(t),
		tables: "\n[spam]\ndnsbl = [\"bl.interop.example\"]\ndnsbl_timeout = \"1s\"\n"})
	kim, boss := uniqueAddr("sanity-kim"), uniqueAddr("sanity-boss")
	s.AddUser(t, kim)
	s.AddUser(t, boss)

	forged, submitted, stranger := uniqueID("forged"), uniqueID("submitted"), uniqueID("stranger")
	// a stranger on the MX writing as our boss (envelope and From)
	args := append([]string{"--from", boss, "--to", kim, "--header", "From: 대표이사 <" + boss + ">", "--header", "To: " + kim},
		swaksMessage(forged, "urgent transfer "+forged)...)
	if out, code := swaks(t, s.Port(t, "smtp"), args...); code != 0 {
		t.Fatalf("swaks MX forged: exit %d:\n%s", code, out)
	}
	// the boss himself, logged in on submission
	args = append([]string{"--from", boss, "--to", kim, "--header", "From: " + boss, "--header", "To: " + kim, "--tls",
		"--auth", "PLAIN", "--auth-user", boss, "--auth-password", testPassword}, swaksMessage(submitted, "real boss "+submitted)...)
	if out, code := swaks(t, s.Port(t, "submission"), args...); code != 0 {
		t.Fatalf("swaks submission: exit %d:\n%s", code, out)
	}
	// a stranger writing as himself
	args = append([]string{"--from", "partner@remote.example", "--to", kim, "--header", "From: partner@remote.example", "--header", "To: " + kim},
		swaksMessage(stranger, "partner "+stranger)...)
	if out, code := swaks(t, s.Port(t, "smtp"), args...); code != 0 {
		t.Fatalf("swaks MX stranger: exit %d:\n%s", code, out)
	}

	c := newCurlWeb(t, s)
	c.login(kim)
	// 250 after DATA means stored for the MX; the submission's copy may
	// go through the queue, so it is waited for.
	id := roleMessage(c, "spam", "urgent transfer "+forged)
	if id == 0 {
		t.Fatalf("the forged message is not in Spam (Inbox: %d)", roleMessage(c, "inbox", "urgent transfer "+forged))
	}
	var msg struct {
		Spam *struct {
			Verdict string
			Score   float64
			Reasons []string
		}
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", id), nil, &msg); code != 200 || msg.Spam == nil {
		t.Fatalf("GET the forged message: %d %+v", code, msg)
	}
	domain := kim[strings.IndexByte(kim, '@')+1:]
	if msg.Spam.Verdict != "spam" || len(msg.Spam.Reasons) == 0 || msg.Spam.Reasons[0] != "forged-sender:"+domain {
		t.Errorf("verdict %+v, want spam for forged-sender:%s first", msg.Spam, domain)
	}
	raw := rawMessage(t, c, id)
	if !strings.Contains(raw, "X-Postroom-Spam: verdict=spam; score=1.00; reasons=\"forged sender of our domain "+domain) {
		t.Errorf("no X-Postroom-Spam field naming the forgery in:\n%s", head(raw))
	}
	if roleMessage(c, "inbox", "partner "+stranger) == 0 {
		t.Errorf("the stranger's own message is not in the Inbox")
	}
	deadline := time.Now().Add(30 * time.Second)
	for roleMessage(c, "inbox", "real boss "+submitted) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the boss's submitted message never reached the Inbox (Spam: %d)", roleMessage(c, "spam", "real boss "+submitted))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if roleMessage(c, "spam", "real boss "+submitted) != 0 || roleMessage(c, "spam", "partner "+stranger) != 0 {
		t.Errorf("an honest message is in Spam")
	}
}

// roleMessage is the id of the message with subject in the folder of a
// role ("inbox", "spam"); 0 when there is none.
func roleMessage(c *curlWeb, role, subject string) int64 {
	c.t.Helper()
	var mbs struct {
		Mailboxes []struct {
			ID   int64
			Role string
		}
	}
	c.do("GET", "/api/v1/mailboxes", nil, &mbs)
	for _, mb := range mbs.Mailboxes {
		if mb.Role != role {
			continue
		}
		var page struct {
			Messages []struct {
				ID      int64
				Subject string
			}
		}
		c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages", mb.ID), nil, &page)
		for _, m := range page.Messages {
			if m.Subject == subject {
				return m.ID
			}
		}
	}
	return 0
}

// rawMessage is the stored message (GET /api/v1/messages/{id}/raw).
func rawMessage(t *testing.T, c *curlWeb, id int64) string {
	t.Helper()
	out, err := exec.Command(c.curl, "-sS", "--fail", "-b", c.jar, fmt.Sprintf("%s/api/v1/messages/%d/raw", c.base, id)).Output()
	if err != nil {
		t.Fatalf("GET raw %d: %v", id, err)
	}
	return string(out)
}

func head(raw string) string {
	h, _, _ := strings.Cut(raw, "\r\n\r\n")
	return h
}
