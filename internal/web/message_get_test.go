package web

import (
	"fmt"
	"testing"
)

// The reader shows a Reply-To row only for a message that has the header:
// the answer's reply_to is not IMAP's envelope, where it defaults to From.
func TestMessageGet_replyToOnlyWhenTheMessageHasOne(t *testing.T) {
	f := newFixture(t)
	plain := f.Put(f.alice.ID, "INBOX", "From: 김영희 <kim@remote.test>\r\nTo: alice@example.test\r\nSubject: 회신 주소 없음\r\n\r\n본문\r\n")
	with := f.Put(f.alice.ID, "INBOX", "From: 김영희 <kim@remote.test>\r\nReply-To: 영업팀 <sales@remote.test>\r\nTo: alice@example.test\r\nSubject: 회신 주소 있음\r\n\r\n본문\r\n")
	c := f.login(t, "alice@example.test")
	var got struct {
		ReplyTo []addressJSON `json:"reply_to"`
	}
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", plain.ID), nil, &got); code != 200 || len(got.ReplyTo) != 0 {
		t.Errorf("without Reply-To: %d, reply_to %+v; want none", code, got.ReplyTo)
	}
	got.ReplyTo = nil
	if code := c.do("GET", fmt.Sprintf("/api/v1/messages/%d", with.ID), nil, &got); code != 200 || len(got.ReplyTo) != 1 ||
		got.ReplyTo[0].Email != "sales@remote.test" || got.ReplyTo[0].Name != "영업팀" {
		t.Errorf("with Reply-To: %d, reply_to %+v; want 영업팀 <sales@remote.test>", code, got.ReplyTo)
	}
}
