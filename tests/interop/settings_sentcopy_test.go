package interop

// One Sent copy per message (S2 "save sent mail", SMTP submission): a
// client that sends with smtplib and then APPENDs its own copy to Sent
// with imaplib, as Outlook and Thunderbird do, finds one message there,
// the server's; with "save sent mail" off the server keeps none and the
// client's copy is the one.

import (
	"strconv"
	"testing"
)

const scSendAndAppend = `
import imaplib, json, smtplib, ssl, sys, time
host, imap_port, smtp_port, user, pw, to, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
msg = ("From: %s\r\nTo: %s\r\nSubject: sent copy %s\r\nMessage-ID: <%s@interop.test>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n\r\nbody\r\n" % (user, to, tag, tag)).encode()
s = smtplib.SMTP(host, smtp_port, timeout=30)
s.starttls(context=ssl._create_unverified_context())
s.login(user, pw)
s.sendmail(user, [to], msg)
s.quit()
m = imaplib.IMAP4(host, imap_port, timeout=30)
m.login(user, pw)
m.select("Sent")
typ, before = m.search(None, 'HEADER', 'Message-ID', '<%s@interop.test>' % tag)
typ, data = m.append("Sent", r"(\Seen)", None, msg)
appended = data[0].decode()
m.select("Sent")
typ, found = m.search(None, 'HEADER', 'Message-ID', '<%s@interop.test>' % tag)
m.logout()
print(json.dumps({"r": {"append": appended, "before": str(len(before[0].split())), "copies": str(len(found[0].split()))}}))
`

func TestSettingsSentCopy_aClientsOwnSentCopyIsNotStoredTwice(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "imap", "http"}})
	user, to := uniqueAddr("sentcopy"), uniqueAddr("sentcopy-to")
	s.AddUser(t, user)
	s.AddUser(t, to)
	run := func(tag string) map[string]string {
		return spPython(t, scSendAndAppend, "127.0.0.1", strconv.Itoa(s.Port(t, "imap")), strconv.Itoa(s.Port(t, "submission")),
			user, testPassword, to, tag+uniqueID(""))["r"]
	}
	if r := run("on"); r["before"] != "1" || r["copies"] != "1" {
		t.Errorf("save sent on: the server's copy %s, after the client's APPEND %s copies in Sent (%s)", r["before"], r["copies"], r["append"])
	} else {
		t.Logf("save sent on: one copy; the APPEND answered %s", r["append"])
	}
	c := newCurlWeb(t, s)
	c.login(user)
	if code := c.do("PATCH", "/api/v1/settings", map[string]any{"mail": map[string]any{"save_sent": false}}, nil); code != 200 {
		t.Fatalf("save_sent off: %d", code)
	}
	if r := run("off"); r["before"] != "0" || r["copies"] != "1" {
		t.Errorf("save sent off: %s copies before the client's APPEND, %s after (%s); want 0 and the client's only", r["before"], r["copies"], r["append"])
	}
}
