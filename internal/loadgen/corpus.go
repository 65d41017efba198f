package loadgen

// Invariants: Corpus.Message(i) depends only on (Seed, Size, i): the same
// corpus is byte for byte the same on every machine and every run, so that
// Postroom and Dovecot are handed the same mail. Every message is valid
// RFC 5322 with CRLF line ends, no line longer than 998 bytes and no line
// that starts with a dot (so SMTP DATA needs no stuffing, though the SMTP
// client stuffs anyway).

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"path"
	"strings"
	"time"

	"golang.org/x/text/encoding/korean"
)

// Corpus is a seeded generator of realistic office mail.
type Corpus struct {
	Seed int64
	Size Size
	// To is the address in each message's To header (the SMTP envelope is
	// the workload's). Empty: "bench@example.test".
	To string
}

// Structure is a message's MIME shape.
type Structure int

const (
	Plain       Structure = iota // one text/plain part
	Alternative                  // multipart/alternative: text and HTML
	Attachment                   // multipart/mixed: alternative text and HTML, then a file
)

func (s Structure) String() string {
	return [...]string{"plain", "alternative", "attachment"}[s]
}

// Spec is what a message of the corpus is, before its bytes are made.
type Spec struct {
	Index     int
	Target    int    // bytes the whole message should have (±10 %)
	Korean    bool   // Korean text (else English)
	Charset   string // "utf-8" or "euc-kr"
	Structure Structure
}

// base is the first message's date; message i is sent i×7 minutes later.
// A fixed zone, not the machine's: the corpus does not depend on where it
// is made.
var base = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("KST", 9*3600))

// Spec draws message i's shape.
func (c *Corpus) Spec(i int) Spec {
	rng := c.rng(i, 0)
	s := Spec{Index: i, Target: c.Size.target(rng), Charset: "utf-8"}
	s.Korean = rng.IntN(10) < 6
	if s.Korean && rng.IntN(10) < 3 {
		// Older Korean clients (Outlook set to Korean, groupware) still send EUC-KR.
		s.Charset = "euc-kr"
	}
	switch r := rng.IntN(10); {
	case s.Target >= 60_000 && r < 8, s.Target >= 8_000 && r < 3:
		// Big mail is mostly big because of its attachment.
		s.Structure = Attachment
	case r < 6:
		s.Structure = Alternative
	default:
		s.Structure = Plain
	}
	return s
}

// rng is message i's generator for one purpose (0: the shape, 1: the
// filler, 2: the headers), independent of every other message's.
func (c *Corpus) rng(i, purpose int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(c.Seed), uint64(i)<<2|uint64(purpose)))
}

// Message returns message i, its size Spec(i).Target within 10 % (the
// fixed headers put a floor of about a kilobyte under it).
func (c *Corpus) Message(i int) []byte {
	var b bytes.Buffer
	b.WriteString(MessageIDLine(c.Seed, 0, i))
	b.Write(c.Rest(i))
	return b.Bytes()
}

// MessageIDLine is the first line of a message: a Message-ID unique to
// (seed, run, i). Workloads that send a message of the corpus more than
// once give each sending its own run or index, so that no server sees two
// different messages with one Message-ID.
func MessageIDLine(seed, run int64, i int) string {
	return fmt.Sprintf("Message-ID: <%d.%d.%d@loadgen.postroom.invalid>\r\n", i, run, seed)
}

// Rest returns message i without its Message-ID line.
func (c *Corpus) Rest(i int) []byte {
	s := c.Spec(i)
	idLen := len(MessageIDLine(c.Seed, 0, i))
	// The filler's effect on the size is nearly linear: measure it at two
	// points and aim.
	const probe = 8192
	s0 := idLen + len(c.build(s, 0))
	s1 := idLen + len(c.build(s, probe))
	if s.Target <= s0 || s1 <= s0 {
		return c.build(s, 0)
	}
	perByte := float64(s1-s0) / probe
	fill := int(float64(s.Target-s0) / perByte)
	m := c.build(s, fill)
	// Small messages are a few sentences and paragraphs, each a step in
	// size: aim again from where the last try landed.
	for range 4 {
		off := s.Target - (idLen + len(m))
		if off*20 < s.Target && -off*20 < s.Target { // within 5 %
			break
		}
		fill = max(fill+int(float64(off)/perByte), 0)
		m = c.build(s, fill)
	}
	return m
}

// build makes the message of s with fill bytes of filler (text for plain
// and alternative, file content for attachments) before encoding.
func (c *Corpus) build(s Spec, fill int) []byte {
	rng := c.rng(s.Index, 2)
	fillRng := c.rng(s.Index, 1)

	to := c.To
	if to == "" {
		to = "bench@example.test"
	}
	var b bytes.Buffer
	var subject, fromName string
	if s.Korean {
		subject = pick(rng, koreanSubjects)
		fromName = pick(rng, koreanNames)
	} else {
		subject = pick(rng, englishSubjects)
		fromName = pick(rng, englishNames)
	}
	if rng.IntN(4) == 0 {
		subject = "RE: " + subject
	}
	fromAddr := fmt.Sprintf("user%d@partner%d.example", rng.IntN(50), rng.IntN(8))
	date := base.Add(time.Duration(s.Index) * 7 * time.Minute)

	fmt.Fprintf(&b, "Date: %s\r\n", date.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	fmt.Fprintf(&b, "From: %s <%s>\r\n", encodeWord(s.Charset, fromName), fromAddr)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", encodeWord(s.Charset, subject))
	b.WriteString("MIME-Version: 1.0\r\n")
	if s.Korean {
		b.WriteString("X-Mailer: Microsoft Outlook 16.0\r\n")
	} else {
		b.WriteString("User-Agent: Mozilla Thunderbird\r\n")
	}

	boundary := fmt.Sprintf("=_loadgen_%d_%d", c.Seed, s.Index)
	textFill := fill
	if s.Structure == Attachment {
		textFill = 400 + rng.IntN(1200)
	}
	paras := text(fillRng, s.Korean, textFill)
	switch s.Structure {
	case Plain:
		writeText(&b, s.Charset, paras)
	case Alternative:
		writeAlternative(&b, s.Charset, paras, boundary+"_alt")
	case Attachment:
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary)
		b.WriteString("This is a multi-part message in MIME format.\r\n")
		fmt.Fprintf(&b, "\r\n--%s\r\n", boundary)
		writeAlternative(&b, s.Charset, paras, boundary+"_alt")
		fmt.Fprintf(&b, "\r\n--%s\r\n", boundary)
		name := pick(rng, attachmentNames)
		writeAttachment(&b, s.Charset, name, fillRng, fill)
		fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	}
	return b.Bytes()
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// text is paragraphs of sentences, at least fill bytes of UTF-8 in all.
func text(rng *rand.Rand, isKorean bool, fill int) [][]string {
	sentences := englishSentences
	if isKorean {
		sentences = koreanSentences
	}
	var paras [][]string
	var para []string
	n := 0
	for n < fill || len(paras) == 0 && len(para) == 0 {
		s := pick(rng, sentences)
		para = append(para, s)
		n += len(s) + 1
		if len(para) >= 2+rng.IntN(4) {
			paras = append(paras, para)
			para = nil
			n += 2
		}
	}
	if len(para) > 0 {
		paras = append(paras, para)
	}
	return paras
}

// encodeTo turns UTF-8 into the charset's bytes. The vocabulary is all in
// EUC-KR (words.go), so an error is a bug in the word lists.
func encodeTo(charset, s string) []byte {
	if charset != "euc-kr" {
		return []byte(s)
	}
	out, err := korean.EUCKR.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("loadgen: %q is not EUC-KR: %v", s, err))
	}
	return out
}

// encodeWord is an RFC 2047 encoded word (B encoding) for s in charset, or s
// itself when it is ASCII. Encoded words are at most 75 characters
// (RFC 2047 §2), so a long text is several words on folded lines, each
// holding whole characters.
func encodeWord(charset, s string) string {
	if isASCII(s) {
		return s
	}
	if charset == "utf-8" {
		return mime.BEncoding.Encode("UTF-8", s)
	}
	var words []string
	var chunk []byte
	flush := func() {
		if len(chunk) > 0 {
			words = append(words, "=?euc-kr?B?"+base64.StdEncoding.EncodeToString(chunk)+"?=")
			chunk = nil
		}
	}
	for _, r := range s {
		e := encodeTo(charset, string(r))
		if len(chunk)+len(e) > 45 { // 45 bytes → 60 base64 characters + 14 of framing
			flush()
		}
		chunk = append(chunk, e...)
	}
	flush()
	return strings.Join(words, "\r\n ")
}

// writeText writes a text/plain part's header and body: UTF-8 as 8bit (as
// most clients now send it), EUC-KR as base64 (as Outlook does).
func writeText(b *bytes.Buffer, charset string, paras [][]string) {
	var body bytes.Buffer
	for i, p := range paras {
		if i > 0 {
			body.WriteString("\r\n")
		}
		for _, s := range p {
			body.WriteString(s)
			body.WriteString("\r\n")
		}
	}
	if charset == "euc-kr" {
		fmt.Fprintf(b, "Content-Type: text/plain; charset=\"euc-kr\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		writeBase64(b, encodeTo(charset, body.String()))
		return
	}
	fmt.Fprintf(b, "Content-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.Write(body.Bytes())
}

// writeHTML writes a text/html part, quoted-printable.
func writeHTML(b *bytes.Buffer, charset string, paras [][]string) {
	var h strings.Builder
	fmt.Fprintf(&h, "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\"></head>\n<body>\n", charset)
	for _, p := range paras {
		h.WriteString("<p style=\"font-family: 'Malgun Gothic', sans-serif; font-size: 10pt\">")
		for i, s := range p {
			if i > 0 {
				h.WriteString("<br>\n")
			}
			h.WriteString(s)
		}
		h.WriteString("</p>\n")
	}
	h.WriteString("</body></html>\n")
	fmt.Fprintf(b, "Content-Type: text/html; charset=\"%s\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", charset)
	w := quotedprintable.NewWriter(b) // turns "\n" into CRLF
	w.Write(encodeTo(charset, h.String()))
	w.Close()
	b.WriteString("\r\n")
}

func writeAlternative(b *bytes.Buffer, charset string, paras [][]string, boundary string) {
	fmt.Fprintf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary)
	fmt.Fprintf(b, "--%s\r\n", boundary)
	writeText(b, charset, paras)
	fmt.Fprintf(b, "\r\n--%s\r\n", boundary)
	writeHTML(b, charset, paras)
	fmt.Fprintf(b, "\r\n--%s--\r\n", boundary)
}

// writeAttachment writes a file part of size bytes of random content (as
// compressed formats are: PDF, JPEG, DOCX). Its Korean name is written the
// way the sending client would: RFC 2231 by UTF-8 clients, an RFC 2047
// word in EUC-KR by older ones (which every reader accepts, though
// RFC 2047 §5 does not allow it there).
func writeAttachment(b *bytes.Buffer, charset, name string, rng *rand.Rand, size int) {
	ctype := attachmentTypes[path.Ext(name)]
	if charset == "euc-kr" {
		n := encodeWord(charset, name)
		fmt.Fprintf(b, "Content-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\n", ctype, n, n)
	} else {
		q := percentEncode(name)
		fmt.Fprintf(b, "Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''%s\r\n\r\n", ctype, q)
	}
	data := make([]byte, size)
	for i := 0; i+8 <= len(data); i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	writeBase64(b, data)
}

// writeBase64 writes data in base64 lines of 76 characters (RFC 2045 §6.8).
func writeBase64(b *bytes.Buffer, data []byte) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(enc, data)
	for len(enc) > 76 {
		b.Write(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.Write(enc)
	b.WriteString("\r\n")
}

// percentEncode is RFC 2231 §4's encoding of a value: what is not a
// letter, a digit or one of "-._" becomes %XX.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
