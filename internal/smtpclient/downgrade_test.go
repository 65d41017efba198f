package smtpclient

import (
	"bytes"
	"strings"
	"testing"

	"postroom/internal/message"
)

func TestDowngrade_8bitPartsBecomeQuotedPrintable(t *testing.T) {
	euckr := "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4" // 안녕하세요
	raw := "From: a@example.test\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + euckr + "\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nplain ascii\r\n--b--\r\n"
	out, ok := downgrade([]byte(raw))
	if !ok || has8bit(out) {
		t.Fatalf("ok %v, 8-bit left: %v\n%s", ok, has8bit(out), out)
	}
	m := message.Parse(out)
	first := m.Root.Children[0]
	if first.Encoding != "quoted-printable" || string(first.Body()) != euckr {
		t.Fatalf("first part %s %q", first.Encoding, first.Body())
	}
	if text, _ := first.Text(); text != "안녕하세요" {
		t.Fatalf("text %q", text)
	}
	if !bytes.Contains(out, []byte("--b\r\nContent-Type: text/plain\r\n\r\nplain ascii\r\n--b--")) {
		t.Fatalf("the 7-bit part changed:\n%s", out)
	}
	if strings.Count(string(out), "Content-Transfer-Encoding") != 1 {
		t.Fatalf("old encoding field kept:\n%s", out)
	}
}

func TestDowngrade_8bitHeaderCannot(t *testing.T) {
	if _, ok := downgrade([]byte("Subject: \xbe\xc8\r\n\r\nbody\r\n")); ok {
		t.Fatal("an 8-bit header was 'converted'")
	}
	in := []byte("Subject: x\r\n\r\nascii only\r\n")
	if out, ok := downgrade(in); !ok || !bytes.Equal(out, in) {
		t.Fatal("a 7-bit message changed")
	}
}
