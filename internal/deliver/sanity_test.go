package deliver_test

import (
	"context"
	"net"
	"reflect"
	"strings"
	"testing"

	"postroom/internal/deliver"
	"postroom/internal/spam"
	"postroom/internal/store"
)

// fakeBlocklists lists every connecting IP in its zones and counts the
// asks.
type fakeBlocklists struct {
	zones []string
	asked []string
}

func (f *fakeBlocklists) Listed(_ context.Context, ip net.IP) []string {
	f.asked = append(f.asked, ip.String())
	return f.zones
}

// deliverFrom delivers raw to bob as the MX does (Inbound) or as local
// mail, with the inbound checks' results given, and returns bob's
// recorded verdict and where the message went.
func (e *effects) deliverFrom(inbound bool, from, raw string, auth *spam.AuthResults, bob *store.Account) (store.SpamVerdict, string) {
	e.t.Helper()
	r, err := e.p.Resolve(e.ctx, "bob@example.test", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	env := &deliver.Envelope{From: from, Recipients: []*deliver.Recipient{r}, Helo: "remote.test", RemoteAddr: "192.0.2.7:2525",
		Protocol: "ESMTP", ID: "s1", Inbound: inbound, Auth: auth}
	res, err := e.p.Deliver(e.ctx, env, []byte(raw))
	if err != nil || res[0].Err != nil || res[0].Message == nil {
		e.t.Fatalf("deliver: %v %+v", err, res)
	}
	v, err := e.bed.Store.SpamVerdict(e.ctx, bob.ID, res[0].Message.BlobKey)
	if err != nil {
		e.t.Fatalf("no verdict recorded: %v", err)
	}
	subject := raw[strings.Index(raw, "Subject: ")+len("Subject: "):]
	subject = subject[:strings.Index(subject, "\r\n")]
	return v, e.where(bob, subject)
}

const goodHead = "Date: Sat, 05 Dec 2026 10:00:00 +0900\r\nMessage-ID: <m1@remote.test>\r\n"

// Each header check and the DNS block lists reach the stored verdict with
// their reason codes; a forged sender of our own domain from the internet
// lands in Spam, the same message from our own side (local delivery, as
// submission hands it) or with a passing DKIM signature does not; the
// weak signs alone stay in the Inbox, their reasons kept.
func TestBlocked_headerSanityReasons(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	lists := &fakeBlocklists{}
	e.p.DNSBL = lists

	forged := "From: 사장 <ceo@example.test>\r\nTo: bob@example.test\r\n" + goodHead + "Subject: %s\r\n\r\n급히 송금 부탁드립니다.\r\n"
	subj := func(s string) string { return strings.Replace(forged, "%s", s, 1) }

	// what the checks say of a stranger's IP for example.test, which
	// publishes no SPF and no DMARC record
	unproven := &spam.AuthResults{SPF: spam.None, SPFDomain: "example.test", SPFScope: spam.ScopeMailFrom, DMARC: spam.None, FromDomain: "example.test"}
	v, where := e.deliverFrom(true, "ceo@example.test", subj("f1"), unproven, bob)
	if where != "spam" || v.Verdict != "spam" || v.Score != 1 || !reflect.DeepEqual(v.Reasons, []string{"forged-sender:example.test"}) {
		t.Errorf("forged from outside: %s, %+v", where, v)
	}
	v, where = e.deliverFrom(false, "ceo@example.test", subj("f2"), unproven, bob)
	if where != "inbox" || v.Verdict != "ham" || len(v.Reasons) != 0 {
		t.Errorf("the same from our side: %s, %+v", where, v)
	}
	signed := &spam.AuthResults{SPF: spam.None, SPFDomain: "example.test", SPFScope: spam.ScopeMailFrom, FromDomain: "example.test", DKIM: []spam.DKIMResult{{Domain: "example.test", Selector: "s1", Result: spam.Pass}}, DMARC: spam.Pass}
	v, where = e.deliverFrom(true, "ceo@example.test", subj("f3"), signed, bob)
	if where != "inbox" || v.Verdict != "ham" || len(v.Reasons) != 0 {
		t.Errorf("from outside with our DKIM passing: %s, %+v", where, v)
	}
	dnsDown := &spam.AuthResults{SPF: spam.TempError, SPFDomain: "example.test", SPFScope: spam.ScopeMailFrom, DMARC: spam.TempError, FromDomain: "example.test"}
	v, where = e.deliverFrom(true, "ceo@example.test", subj("f4"), dnsDown, bob)
	if where != "inbox" || v.Verdict != "ham" || len(v.Reasons) != 0 {
		t.Errorf("from outside while the DNS failed (nobody accused): %s, %+v", where, v)
	}
	if len(lists.asked) != 3 {
		t.Errorf("the block lists were asked %d times, want once per inbound message (3)", len(lists.asked))
	}

	// weak signs: kept as reasons, not spam alone
	v, where = e.deliverFrom(true, "x@remote.test", "From: x@remote.test\r\nSubject: w1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"+
		"<p>안녕하세요</p><div style=\"display:none\">회의 일정 보고서 예산 검토 부탁드립니다</div>\r\n", nil, bob)
	if where != "inbox" || v.Verdict != "ham" || !reflect.DeepEqual(v.Reasons, []string{"no-date", "no-message-id", "hidden-text:display:none"}) {
		t.Errorf("weak signs: %s, %+v", where, v)
	}
	// with a listing of the connecting IP they make spam: 1+1+2.5+3
	lists.zones = []string{"zen.example.org"}
	v, where = e.deliverFrom(true, "x@remote.test", "From: x@remote.test\r\nSubject: w2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"+
		"<p>안녕하세요</p><div style=\"display:none\">회의 일정 보고서 예산 검토 부탁드립니다</div>\r\n", nil, bob)
	if where != "spam" || v.Verdict != "spam" || v.Score != 1 ||
		!reflect.DeepEqual(v.Reasons, []string{"no-date", "no-message-id", "hidden-text:display:none", "dnsbl:zen.example.org"}) {
		t.Errorf("weak signs and a listing: %s, %+v", where, v)
	}
	// local mail is not asked of the lists nor checked
	lists.asked = nil
	if v, where = e.deliverFrom(false, "kim@example.test", "From: kim@example.test\r\nSubject: l1\r\n\r\nhi\r\n", nil, bob); where != "inbox" || len(v.Reasons) != 0 || len(lists.asked) != 0 {
		t.Errorf("local mail: %s, %+v, lists asked %q", where, v, lists.asked)
	}
}

// The header checks belong to the system's verdict: an account whose
// method is "personal" gets none of them.
func TestBlocked_headerSanityNotForPersonal(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", spamSettings("personal", "move", nil, nil))
	unproven := &spam.AuthResults{SPF: spam.None, SPFDomain: "example.test", SPFScope: spam.ScopeMailFrom, DMARC: spam.None, FromDomain: "example.test"}
	v, where := e.deliverFrom(true, "ceo@example.test", "From: ceo@example.test\r\n"+goodHead+"Subject: p1\r\n\r\nhi\r\n", unproven, bob)
	if where != "inbox" || v.Verdict != "ham" || len(v.Reasons) != 0 {
		t.Errorf("personal method: %s, %+v", where, v)
	}
}

// The X-Postroom-Spam field of a forged message says why in English.
func TestBlocked_forgedSenderField(t *testing.T) {
	e := newEffects(t)
	bob := e.account("bob", nil)
	unproven := &spam.AuthResults{SPF: spam.Fail, SPFDomain: "example.test", SPFScope: spam.ScopeMailFrom, DMARC: spam.None, FromDomain: "example.test"}
	e.deliverFrom(true, "ceo@example.test", "From: ceo@example.test\r\n"+goodHead+"Subject: h1\r\n\r\nhi\r\n", unproven, bob)
	spamBox := e.mailbox(bob, store.RoleSpam)
	if len(spamBox) != 1 {
		t.Fatalf("%d messages in Spam, want the forged one", len(spamBox))
	}
	f := spamFields(spamBox[0])
	if len(f) != 1 || f[0] != `verdict=spam; score=1.00; reasons="forged sender of our domain example.test"` {
		t.Errorf("fields %q", f)
	}
}
