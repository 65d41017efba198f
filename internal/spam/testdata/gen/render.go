package main

// Turning a generated mail into RFC 5322 bytes: headers (RFC 2047
// encoded words for Korean subjects and names, as Korean mail programs
// send them), a text/plain body, or multipart/alternative with an HTML
// part, in UTF-8 or EUC-KR, 8bit, base64 or quoted-printable.

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"golang.org/x/text/encoding/korean"
)

// mail is one generated message before encoding.
type mail struct {
	fromName, fromAddr string
	to                 string
	subject            string
	text               string
	html               bool // also an HTML alternative
	htmlOnly           bool
	charset            string // "utf-8" or "euc-kr"
	cte                string // "8bit", "base64" or "quoted-printable"
	extra              [][2]string
	kind               string // the template's name
}

type gen struct {
	r     *rand.Rand
	n     int    // messages made so far: Message-IDs and dates
	split string // "train" or "test": the test split has kinds of its own
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// some is between lo and hi distinct elements of xs in random order.
func (g *gen) some(xs []string, lo, hi int) []string {
	n := lo + g.r.IntN(hi-lo+1)
	idx := g.r.Perm(len(xs))
	out := make([]string, 0, n)
	for _, i := range idx[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// encodings: Korean mail comes in all of them; EUC-KR mostly from old
// bulk mailers.
func (g *gen) encoding(m *mail, korean bool, eucKR float64) {
	m.charset, m.cte = "utf-8", "8bit"
	switch x := g.r.Float64(); {
	case korean && x < eucKR:
		m.charset, m.cte = "euc-kr", "base64"
	case x < 0.45:
		m.cte = "base64"
	case x < 0.6:
		m.cte = "quoted-printable"
	}
}

var base = time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("KST", 9*3600))

func (g *gen) render(m *mail) []byte {
	g.n++
	if m.charset == "euc-kr" {
		// KS X 1001 lacks some Hangul syllables: such a text goes as UTF-8.
		if _, err := korean.EUCKR.NewEncoder().String(m.text); err != nil {
			m.charset = "utf-8"
		}
	}
	var b bytes.Buffer
	date := base.Add(time.Duration(g.n)*47*time.Minute + time.Duration(g.r.IntN(3600))*time.Second)
	domain := m.fromAddr[strings.LastIndexByte(m.fromAddr, '@')+1:]
	hdr := func(k, v string) {
		// RFC 5322 §2.1.1: fold long fields, here between encoded words.
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.ReplaceAll(v, "?= =?", "?=\r\n =?"))
	}
	hdr("Date", date.Format(time.RFC1123Z))
	from := "<" + m.fromAddr + ">"
	if m.fromName != "" {
		from = encodeWord(m.fromName, true) + " " + from
	}
	hdr("From", from)
	hdr("To", m.to)
	hdr("Subject", encodeWord(m.subject, false))
	hdr("Message-ID", fmt.Sprintf("<%d.%08x@%s>", date.Unix(), g.r.Uint32(), domain))
	hdr("X-Corpus-Kind", m.kind)
	for _, h := range m.extra {
		hdr(h[0], h[1])
	}
	hdr("MIME-Version", "1.0")
	switch {
	case m.htmlOnly:
		part(&b, "text/html", m, toHTML(m.text))
	case m.html:
		boundary := fmt.Sprintf("=_alt_%08x", g.r.Uint32())
		hdr("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		b.WriteString("\r\n")
		b.WriteString("--" + boundary + "\r\n")
		part(&b, "text/plain", m, m.text)
		b.WriteString("--" + boundary + "\r\n")
		part(&b, "text/html", m, toHTML(m.text))
		b.WriteString("--" + boundary + "--\r\n")
	default:
		part(&b, "text/plain", m, m.text)
	}
	return b.Bytes()
}

// part writes a leaf's headers and its encoded body.
func part(b *bytes.Buffer, ctype string, m *mail, text string) {
	text = strings.ReplaceAll(strings.TrimRight(text, "\n")+"\n", "\n", "\r\n")
	body := []byte(text)
	if m.charset == "euc-kr" {
		enc, err := korean.EUCKR.NewEncoder().Bytes(body)
		if err != nil {
			panic(fmt.Sprintf("EUC-KR cannot hold the generated text: %v", err))
		}
		body = enc
	}
	fmt.Fprintf(b, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n", ctype, m.charset, m.cte)
	switch m.cte {
	case "base64":
		s := base64.StdEncoding.EncodeToString(body)
		for len(s) > 76 {
			b.WriteString(s[:76] + "\r\n")
			s = s[76:]
		}
		b.WriteString(s + "\r\n")
	case "quoted-printable":
		w := quotedprintable.NewWriter(b)
		w.Write(body)
		w.Close()
		b.WriteString("\r\n")
	default:
		b.Write(body)
	}
}

// encodeWord is an RFC 2047 B-encoded word when s is not plain ASCII;
// a display name with specials is quoted.
func encodeWord(s string, name bool) string {
	for _, r := range s {
		if r >= 0x80 {
			return mime.BEncoding.Encode("UTF-8", s)
		}
	}
	if name && strings.ContainsAny(s, `()<>@,;:".[]`) {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}

// toHTML is the text as a bulk mailer's HTML: paragraphs, links made
// anchors, a table wrapper.
func toHTML(text string) string {
	var b strings.Builder
	b.WriteString("<html><body><table width=\"600\"><tr><td>\n")
	for _, para := range strings.Split(text, "\n\n") {
		var lines []string
		for _, ln := range strings.Split(para, "\n") {
			esc := html.EscapeString(ln)
			if i := strings.Index(ln, "https://"); i >= 0 {
				url := ln[i:]
				if sp := strings.IndexByte(url, ' '); sp >= 0 {
					url = url[:sp]
				}
				esc = strings.Replace(esc, html.EscapeString(url), `<a href="`+html.EscapeString(url)+`">`+html.EscapeString(url)+`</a>`, 1)
			}
			lines = append(lines, esc)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>\n")
	}
	b.WriteString("</td></tr></table></body></html>\n")
	return b.String()
}
