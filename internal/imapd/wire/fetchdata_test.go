package wire

import (
	"bytes"
	"testing"
)

// The examples of RFC 3501 §7.4.2 (the same in RFC 9051 §7.5.2).
func TestWriter_envelopeAndBody(t *testing.T) {
	gray := Address{Name: "Terry Gray", Mailbox: "gray", Host: "cac.washington.edu"}
	env := &Envelope{
		Date:    "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
		Subject: "IMAP4rev1 WG mtg summary and minutes",
		From:    []Address{gray}, Sender: []Address{gray}, ReplyTo: []Address{gray},
		To: []Address{{Mailbox: "imap", Host: "cac.washington.edu"}},
		Cc: []Address{{Mailbox: "minutes", Host: "CNRI.Reston.VA.US"},
			{Name: "John Klensin", Mailbox: "KLENSIN", Host: "MIT.EDU"}},
		MessageID: "<B27397-0100000@cac.washington.edu>",
	}
	body := &BodyStructure{Subtype: "MIXED", Parts: []*BodyStructure{
		{Type: "TEXT", Subtype: "PLAIN", Params: [][2]string{{"CHARSET", "US-ASCII"}}, Encoding: "7BIT", Size: 1152, Lines: 23},
		{Type: "TEXT", Subtype: "PLAIN", Params: [][2]string{{"CHARSET", "US-ASCII"}, {"NAME", "cc.diff"}},
			ID: "<960723163407.20117h@cac.washington.edu>", Description: "Compiler diff", Encoding: "BASE64", Size: 4554, Lines: 73},
	}}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.BeginFetch(12).Atom("ENVELOPE").Envelope(env).Atom("BODY").BodyStructure(body, false)
	w.EndFetch()
	w.Flush()
	want := `* 12 FETCH (ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ` +
		`(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
		`(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ` +
		`((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ` +
		`"<B27397-0100000@cac.washington.edu>") ` +
		`BODY (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") ` +
		`"<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED"))` + "\r\n"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
}

func TestWriter_bodyStructureExtended(t *testing.T) {
	inner := &BodyStructure{Type: "TEXT", Subtype: "PLAIN", Size: 3, Lines: 1}
	b := &BodyStructure{Subtype: "MIXED", Params: [][2]string{{"BOUNDARY", "x"}}, Parts: []*BodyStructure{
		{Type: "MESSAGE", Subtype: "RFC822", Size: 40, Lines: 4, Envelope: &Envelope{Subject: "hi"}, Body: inner,
			Disposition: "attachment", DispositionParams: [][2]string{{"FILENAME", "m.eml"}}, Language: []string{"en", "ko"}},
	}}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Start("*").BodyStructure(b, true).End()
	w.Flush()
	want := `* (("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 40 (NIL "hi" NIL NIL NIL NIL NIL NIL NIL NIL) ` +
		`("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL) 4 NIL ("attachment" ("FILENAME" "m.eml")) ("en" "ko") NIL) ` +
		`"MIXED" ("BOUNDARY" "x") NIL NIL NIL)` + "\r\n"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
}
