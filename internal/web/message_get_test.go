package web

import (
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
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

// A saved message is named after its subject (Korean kept, characters no
// file system takes replaced), in filename* with an ASCII fallback.
func TestMessageRaw_downloadIsNamedAfterTheSubject(t *testing.T) {
	f := newFixture(t)
	ko := f.Put(f.alice.ID, "INBOX", "Subject: =?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte("2분기 견적서: 최종/수정본?"))+"?=\r\n\r\nx\r\n")
	en := f.Put(f.alice.ID, "INBOX", "Subject: Quarterly report\r\n\r\nx\r\n")
	none := f.Put(f.alice.ID, "INBOX", "From: a@remote.test\r\n\r\nx\r\n")
	c := f.login(t, "alice@example.test")
	for _, tt := range []struct {
		id   int64
		want string
	}{{ko.ID, "2분기 견적서_ 최종_수정본_.eml"}, {en.ID, "Quarterly report.eml"}, {none.ID, fmt.Sprintf("message-%d.eml", none.ID)}} {
		resp, err := c.http.Get(fmt.Sprintf("%s/api/v1/messages/%d/raw", f.ts.URL, tt.id))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cd := resp.Header.Get("Content-Disposition")
		typ, params, err := mime.ParseMediaType(cd)
		if err != nil || typ != "attachment" || params["filename"] != tt.want {
			t.Errorf("message %d: Content-Disposition %q (%s %q %v), want the file name %q", tt.id, cd, typ, params["filename"], err, tt.want)
		}
		if !strings.Contains(cd, `filename="`) {
			t.Errorf("message %d: Content-Disposition %q has no ASCII filename fallback", tt.id, cd)
		}
	}
}

func TestFileName_safeOnEverySystem(t *testing.T) {
	for in, want := range map[string]string{
		"  견적서   송부  ":           "견적서 송부",
		"a/b\\c:d*e?f\"g<h>i|j":  "a_b_c_d_e_f_g_h_i_j",
		"...":                    "",
		"tab\there\x00":          "tab here",
		strings.Repeat("가", 150): strings.Repeat("가", maxNameRunes),
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A message whose only attachment is a picture its HTML shows by cid: has
// no paperclip in the list, and its picture is marked embedded, not listed
// as a file; a real file next to it still counts.
func TestMessages_embeddedPictureIsNoAttachment(t *testing.T) {
	f := newFixture(t)
	related := "Subject: logo\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<p>안내</p><img src=\"cid:logo@x\">\r\n--r\r\nContent-Type: image/png; name=logo.png\r\nContent-ID: <logo@x>\r\n" +
		"Content-Disposition: inline; filename=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"
	logo := f.Put(f.alice.ID, "INBOX", related)
	withFile := f.Put(f.alice.ID, "INBOX", "Subject: logo and file\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"+
		strings.Replace(related[len("Subject: logo\r\n"):], "--r--\r\n", "--r--\r\n\r\n", 1)+
		"--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n--m--\r\n")
	c := f.login(t, "alice@example.test")
	var page struct{ Messages []messageJSON }
	c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages", c.mailboxID("INBOX")), nil, &page)
	has := map[int64]bool{}
	for _, m := range page.Messages {
		has[m.ID] = m.HasAttachment
	}
	if has[logo.ID] || !has[withFile.ID] {
		t.Errorf("has_attachment: picture only %v, picture and a file %v; want false, true", has[logo.ID], has[withFile.ID])
	}
	var got struct{ Attachments []attachmentJSON }
	c.do("GET", fmt.Sprintf("/api/v1/messages/%d", withFile.ID), nil, &got)
	if len(got.Attachments) != 2 || !got.Attachments[0].Embedded || got.Attachments[1].Embedded || got.Attachments[1].Filename != "a.pdf" {
		t.Errorf("attachments %+v; want the picture embedded, a.pdf not", got.Attachments)
	}
}
