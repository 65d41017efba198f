package interop

// The read receipts' tracking image across the internet (issue 18, E6):
// with the image on for the domain, a message with 수신확인 to an
// internal colleague and two external recipients reaches the external
// domain's server (a test SMTP peer on 127.0.0.1) as one copy per
// external recipient, each carrying an image of its own; the colleague's
// copy and the sender's Sent copy carry none. Fetching one recipient's
// image with curl marks him read and leaves the other unknown.

import (
	"fmt"
	"maps"
	"net/mail"
	"os/exec"
	"strings"
	"testing"
)

// rawMessage is a message of the session's account as stored, through
// GET /api/v1/messages/{id}/raw.
func (c *curlWeb) rawMessage(id int64) string {
	c.t.Helper()
	out, err := exec.Command(c.curl, "-sS", "-f", "-b", c.jar, fmt.Sprintf("%s/api/v1/messages/%d/raw", c.base, id)).Output()
	if err != nil {
		c.t.Fatalf("raw message %d: %v", id, err)
	}
	return string(out)
}

// imagesOf are the tracking image tokens in a message's HTML body.
func imagesOf(t *testing.T, raw string) []string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	html, ok := htmlPart(msg.Header, msg.Body)
	if !ok {
		t.Fatalf("no HTML part:\n%s", raw)
	}
	var out []string
	for _, m := range imageToken.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestReceipts_trackingImagePerExternalRecipient(t *testing.T) {
	peer := startMDNPeer(t)
	s := mdnServer(t, peer)
	colleague := uniqueAddr("rr-img")
	s.AddUser(t, colleague)
	sender := newCurlWeb(t, s)
	sender.login(adminAddr)
	var dom struct {
		TrackingImage bool `json:"tracking_image"`
	}
	if code := sender.do("PATCH", "/api/v1/admin/domain", map[string]any{"tracking_image": true}, &dom); code != 200 || !dom.TrackingImage {
		t.Fatalf("turn the image on: %d %+v", code, dom)
	}
	const subject = "image per recipient"
	var ans struct {
		MessageID string `json:"message_id"`
	}
	if code := sender.do("POST", "/api/v1/send", map[string]any{"to": []string{colleague, "ann@remote.example"}, "cc": []string{"bob@remote.example"},
		"subject": subject, "html": "<p>안녕하세요</p>", "read_receipt": true}, &ans); code != 202 || ans.MessageID == "" {
		t.Fatalf("send: %d %+v", code, ans)
	}
	got := peer.waitAll(t, ans.MessageID, 2)
	tokens := map[string]string{}
	for _, m := range got {
		toks := imagesOf(t, m.raw)
		if len(m.to) != 1 || len(toks) != 1 {
			t.Fatalf("a copy to %v with images %v: want one recipient and his image", m.to, toks)
		}
		tokens[m.to[0]] = toks[0]
	}
	if len(got) != 2 || tokens["ann@remote.example"] == "" || tokens["bob@remote.example"] == "" ||
		tokens["ann@remote.example"] == tokens["bob@remote.example"] {
		t.Fatalf("the external copies' images: %v", tokens)
	}
	if toks := imagesOf(t, sender.rawMessage(sender.messageBySubject("Sent", subject))); len(toks) != 0 {
		t.Fatalf("the Sent copy carries images %v", toks)
	}
	reader := newCurlWeb(t, s)
	reader.login(colleague)
	if toks := imagesOf(t, reader.rawMessage(reader.messageBySubject("INBOX", subject))); len(toks) != 0 {
		t.Fatalf("the internal recipient's copy carries images %v", toks)
	}
	base := "http://" + s.Addr(t, "http")
	if code, _ := curlStatus(t, base+"/r/"+strings.Repeat("0", 32)+".gif"); code != 404 {
		t.Fatalf("unknown token: %d, want 404", code)
	}
	want := map[string]string{colleague: "unread", "ann@remote.example": "unknown", "bob@remote.example": "unknown"}
	if st := receiptStatuses(t, sender, ans.MessageID); !maps.Equal(st, want) {
		t.Fatalf("before the fetch: %v, want %v", st, want)
	}
	code, h := curlStatus(t, base+"/r/"+tokens["bob@remote.example"]+".gif")
	if code != 200 || h.Get("Content-Type") != "image/gif" || !strings.Contains(h.Get("Cache-Control"), "no-store") {
		t.Fatalf("the image: %d %v", code, h)
	}
	waitReceipt(t, sender, ans.MessageID, "bob@remote.example", "read")
	want["bob@remote.example"] = "read"
	if st := receiptStatuses(t, sender, ans.MessageID); !maps.Equal(st, want) {
		t.Fatalf("after bob's fetch: %v, want %v", st, want)
	}
}
