package wire

import "strings"

// Envelope is the ENVELOPE fetch data (RFC 9051 §7.5.2). Strings are as
// the header writes them (Date is the header's text: clients show the
// sender's own time from it, issue 17 item 9); "" is NIL. In an IMAP4rev1
// session the caller passes 8-bit text RFC 2047-encoded.
type Envelope struct {
	Date, Subject                      string
	From, Sender, ReplyTo, To, Cc, Bcc []Address
	InReplyTo, MessageID               string
}

// Address is one address of an Envelope; "" is NIL. A group is an address
// with only Mailbox (the group name) set, its members, and an address with
// nothing set (RFC 9051 §7.5.2, RFC 5322 group syntax).
type Address struct {
	Name, Adl, Mailbox, Host string
}

func (w *Writer) nstr(s string) *Writer { return w.NString(s, s != "") }

// Envelope writes an envelope as a FETCH value.
func (w *Writer) Envelope(e *Envelope) *Writer {
	w.Open().nstr(e.Date).nstr(e.Subject)
	for _, list := range [][]Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
		if len(list) == 0 {
			w.Nil()
			continue
		}
		w.Open()
		for _, a := range list {
			w.sep = false // env-from = "(" 1*address ")": no SP between addresses
			w.Open().nstr(a.Name).nstr(a.Adl).nstr(a.Mailbox).nstr(a.Host).Close()
		}
		w.Close()
	}
	return w.nstr(e.InReplyTo).nstr(e.MessageID).Close()
}

// BodyStructure is a BODY or BODYSTRUCTURE fetch value (RFC 9051 §7.5.2).
// A multipart has Parts; a message/rfc822 part has Envelope and Body.
type BodyStructure struct {
	Type, Subtype string // upper- or lower-case as the message has them
	Params        [][2]string
	ID            string
	Description   string
	Encoding      string // "7BIT" when the message gives none
	Size          uint32
	Lines         uint32 // text/* and message/rfc822
	Envelope      *Envelope
	Body          *BodyStructure
	Parts         []*BodyStructure

	// Extension data, sent only for BODYSTRUCTURE.
	MD5               string
	Disposition       string
	DispositionParams [][2]string
	Language          []string
	Location          string
}

// BodyStructure writes b; with extended set it includes the extension
// data (BODYSTRUCTURE), else not (BODY).
func (w *Writer) BodyStructure(b *BodyStructure, extended bool) *Writer {
	w.Open()
	if len(b.Parts) > 0 {
		for _, p := range b.Parts {
			w.sep = false // body-type-mpart = 1*body SP media-subtype: no SP between parts
			w.BodyStructure(p, extended)
		}
		w.sep = true
		w.String(b.Subtype)
		if extended {
			w.params(b.Params)
			w.extension(b)
		}
		return w.Close()
	}
	encoding := b.Encoding
	if encoding == "" {
		encoding = "7BIT"
	}
	w.String(b.Type).String(b.Subtype).params(b.Params).nstr(b.ID).nstr(b.Description).
		String(encoding).Number(uint64(b.Size))
	switch {
	case strings.EqualFold(b.Type, "MESSAGE") && (strings.EqualFold(b.Subtype, "RFC822") || strings.EqualFold(b.Subtype, "GLOBAL")) && b.Body != nil:
		env := b.Envelope
		if env == nil {
			env = &Envelope{}
		}
		w.Envelope(env).BodyStructure(b.Body, extended).Number(uint64(b.Lines))
	case strings.EqualFold(b.Type, "TEXT"):
		w.Number(uint64(b.Lines))
	}
	if extended {
		w.nstr(b.MD5)
		w.extension(b)
	}
	return w.Close()
}

// params writes body-fld-param: "(" string SP string ... ")" / NIL.
func (w *Writer) params(params [][2]string) *Writer {
	if len(params) == 0 {
		return w.Nil()
	}
	w.Open()
	for _, kv := range params {
		w.String(kv[0]).String(kv[1])
	}
	return w.Close()
}

// extension writes body-fld-dsp SP body-fld-lang SP body-fld-loc.
func (w *Writer) extension(b *BodyStructure) {
	if b.Disposition == "" {
		w.Nil()
	} else {
		w.Open().String(b.Disposition).params(b.DispositionParams).Close()
	}
	switch len(b.Language) {
	case 0:
		w.Nil()
	case 1:
		w.String(b.Language[0])
	default:
		w.Open()
		for _, l := range b.Language {
			w.String(l)
		}
		w.Close()
	}
	w.nstr(b.Location)
}
