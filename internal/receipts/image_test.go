package receipts

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/events"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/testbed"
)

var imageTok = regexp.MustCompile(`/r/([0-9a-f]{32})\.gif`)

// The tracking image: only where the domain turns it on, a token of his
// own for each external recipient; the first fetch of one marks only its
// recipient read, the sender's own fetch and an unknown token are none.
func TestTrackingImages_onePerExternalRecipientAndFirstFetchReadsOnlyHim(t *testing.T) {
	b := testbed.New(t)
	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	s := &Service{Store: b.Store, Mail: b.Mail, Now: func() time.Time { return at }, Log: testbed.Quiet(), Events: b.Bus,
		ImageURL: func(tok string) string { return "https://mail.example.test/r/" + tok + ".gif" }}
	kim, lee := b.Account("kim", nil), b.Account("lee", nil)
	a := actor.User(kim)
	ext := []string{"Ann@remote.test", "bob@remote.test"}
	if toks, err := s.TrackingImages(b.Ctx, a, ext); err != nil || toks != nil {
		t.Fatalf("domain off: %v %v", toks, err)
	}
	b.Domain.TrackingImage = true
	if err := b.Store.UpdateDomain(b.Ctx, b.Domain); err != nil {
		t.Fatal(err)
	}
	if toks, err := s.TrackingImages(b.Ctx, actor.System(kim.ID, "x"), ext); err == nil || toks != nil {
		t.Errorf("a system actor got images: %v %v", toks, err)
	}
	toks, err := s.TrackingImages(b.Ctx, a, ext)
	if err != nil || len(toks) != 2 || len(toks["ann@remote.test"]) != 32 || len(toks["bob@remote.test"]) != 32 ||
		toks["ann@remote.test"] == toks["bob@remote.test"] {
		t.Fatalf("on: %v %v", toks, err)
	}
	if err := s.TrackImages(b.Ctx, a, kim.Address(), "img@example.test", "x", []string{lee.Address()}, ext, toks); err != nil {
		t.Fatal(err)
	}
	ch, stop := b.Bus.Subscribe(kim.ID)
	defer stop()
	status := func() map[string]store.Receipt {
		rs, err := b.Store.MessageReceipts(b.Ctx, kim.ID, "img@example.test")
		if err != nil || len(rs) != 3 {
			t.Fatalf("%v %+v", err, rs)
		}
		out := map[string]store.Receipt{}
		for _, r := range rs {
			out[r.Recipient] = r
		}
		return out
	}
	if r := status()[lee.Address()]; r.Token != "" || r.Status != store.ReceiptUnread {
		t.Fatalf("the internal recipient has an image: %+v", r)
	}
	if s.ImageFetched(b.Ctx, "00000000000000000000000000000000", actor.Actor{}) {
		t.Fatal("an unknown token is known")
	}
	ann := toks["ann@remote.test"]
	if !s.ImageFetched(b.Ctx, ann, a) { // the sender himself
		t.Fatal("the token is unknown")
	}
	if r := status()["ann@remote.test"]; r.Status != store.ReceiptUnknown {
		t.Fatalf("before the recipient's fetch: %+v", r)
	}
	s.ImageFetched(b.Ctx, ann, actor.Actor{})
	st := status()
	if r := st["ann@remote.test"]; r.Status != store.ReceiptRead || !r.At.Equal(at) {
		t.Fatalf("after the fetch: %+v", r)
	}
	if r := st["bob@remote.test"]; r.Status != store.ReceiptUnknown {
		t.Fatalf("ann's fetch read bob's: %+v", r)
	}
	s.Now = func() time.Time { return at.Add(time.Hour) }
	s.ImageFetched(b.Ctx, ann, actor.User(lee))
	if r := status()["ann@remote.test"]; !r.At.Equal(at) {
		t.Fatalf("a second fetch moved the time: %+v", r)
	}
	n := 0
	for len(ch) > 0 {
		if e := <-ch; e.Kind == events.ReceiptChange {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d receipt events, want 1", n)
	}
}

// The queue's copies: only an external recipient with a token, only a
// message that asks for receipts, each with its own image in the HTML
// and nothing else of the message changed.
func TestImageCopies_onlyTrackedExternalRecipients(t *testing.T) {
	b := testbed.New(t)
	s := &Service{Store: b.Store, Mail: b.Mail, Log: testbed.Quiet(),
		ImageURL: func(tok string) string { return "https://mail.example.test/r/" + tok + ".gif" }}
	kim, lee := b.Account("kim", nil), b.Account("lee", nil)
	toks := map[string]string{"ann@remote.test": strings.Repeat("a", 32), "bob@remote.test": strings.Repeat("b", 32)}
	if err := s.TrackImages(b.Ctx, actor.User(kim), kim.Address(), "c1@example.test", "x", []string{lee.Address()},
		[]string{"ann@remote.test", "bob@remote.test", "cy@remote.test"}, toks); err != nil {
		t.Fatal(err)
	}
	raw := "From: kim@example.test\r\nTo: lee@example.test, ann@remote.test, bob@remote.test, cy@remote.test\r\n" +
		"Disposition-Notification-To: kim@example.test\r\nMessage-ID: <c1@example.test>\r\nSubject: x\r\n" +
		"Content-Type: multipart/alternative; boundary=\"=_b\"\r\n\r\n" +
		"--=_b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhello\r\n" +
		"--=_b\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<p>hello</p>\r\n" +
		"--=_b--\r\n"
	rcpts := []string{lee.Address(), "ANN@remote.test", "bob@remote.test", "cy@remote.test"}
	got := s.ImageCopies(b.Ctx, kim.ID, []byte(raw), rcpts)
	if len(got) != 2 || got["ann@remote.test"] == nil || got["bob@remote.test"] == nil {
		t.Fatalf("copies for %v", keys(got))
	}
	for addr, c := range got {
		m := message.Parse(c)
		html, _ := m.HTMLBody().Text()
		found := imageTok.FindAllStringSubmatch(string(c), -1)
		if len(found) != 1 || found[0][1] != toks[addr] || !strings.HasPrefix(html, "<p>hello</p><img ") {
			t.Errorf("%s: images %v in %q", addr, found, html)
		}
		if want := strings.Replace(raw, "<p>hello</p>", "<p>hello</p>"+s.ImageHTML(toks[addr]), 1); string(c) != want {
			t.Errorf("%s: copy\n%s\nwant\n%s", addr, c, want)
		}
	}
	if got := s.ImageCopies(b.Ctx, lee.ID, []byte(raw), rcpts); got != nil {
		t.Errorf("another sender's records gave copies: %v", keys(got))
	}
	noDNT := strings.Replace(raw, "Disposition-Notification-To: kim@example.test\r\n", "", 1)
	if got := s.ImageCopies(b.Ctx, kim.ID, []byte(noDNT), rcpts); got != nil {
		t.Errorf("a message without a receipt request gave copies: %v", keys(got))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// withImage keeps the HTML part's encoding: the image lands before
// </body> when there is one, the part decodes to the HTML with it, and
// the parts around it are unchanged.
func TestWithImage_keepsTheEncoding(t *testing.T) {
	const img = `<img src="https://mail.example.test/r/x.gif">`
	long := strings.Repeat("가나다 ", 40)
	for name, c := range map[string]struct{ cte, body, want string }{
		// as compose writes it: a line break, then the delimiter's own
		"7bit, no body tag":        {"7bit", "<p>hi</p>\r\n\r\n", "<p>hi</p>" + img + "\r\n"},
		"7bit, no last line break": {"7bit", "<p>hi</p>\r\n", "<p>hi</p>" + img},
		"quoted-printable": {"quoted-printable", "<html><body><p>caf=C3=A9</p></body></html>\r\n\r\n",
			"<html><body><p>café</p>" + img + "</body></html>\r\n"},
		"base64": {"base64", base64Lines("<BODY><p>" + long + "</p></BODY>"), "<BODY><p>" + long + "</p>" + img + "</BODY>"},
	} {
		raw := "From: a@example.test\r\nContent-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n" +
			"--=_b\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: " + c.cte + "\r\n\r\n" + c.body +
			"--=_b\r\nContent-Type: text/plain\r\n\r\nafter\r\n--=_b--\r\n"
		out, ok := withImage([]byte(raw), img)
		if !ok {
			t.Fatalf("%s: not rewritten", name)
		}
		m := message.Parse(out)
		p := m.HTMLBody()
		if got := string(p.Body()); got != c.want {
			t.Errorf("%s: HTML %q, want %q", name, got, c.want)
		}
		if len(m.Root.Children) != 2 || string(m.Root.Children[1].Body()) != "after" || p.Encoding != c.cte {
			t.Errorf("%s: message changed around the HTML:\n%s", name, out)
		}
		for _, line := range strings.Split(string(out), "\r\n") {
			if len(line) > 998 {
				t.Errorf("%s: a line of %d", name, len(line))
			}
		}
	}
	if _, ok := withImage([]byte("From: a@example.test\r\n\r\nplain\r\n"), img); ok {
		t.Error("a message without HTML was rewritten")
	}
}

func base64Lines(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	return b.String() + enc + "\r\n"
}
