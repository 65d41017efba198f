package bodypart

import (
	"strings"

	"postroom/internal/imapd/wire"
)

// Envelope is the ENVELOPE of the message p (the root, or the Message of
// a message/rfc822 part), RFC 9051 §7.5.2. Date, Subject, In-Reply-To
// and Message-ID are the header's text as written (unfolded; encoded
// words and 8-bit text as they are: the date keeps the sender's zone,
// issue 17 item 9). Sender and Reply-To default to From (RFC 3501
// §7.4.2).
func (p *Part) Envelope() *wire.Envelope {
	h := p.header
	e := &wire.Envelope{
		Date:      h.text("date"),
		Subject:   h.text("subject"),
		From:      ParseAddressList(h.text("from")),
		Sender:    ParseAddressList(h.text("sender")),
		ReplyTo:   ParseAddressList(h.text("reply-to")),
		To:        ParseAddressList(h.text("to")),
		Cc:        ParseAddressList(h.text("cc")),
		Bcc:       ParseAddressList(h.text("bcc")),
		InReplyTo: h.text("in-reply-to"),
		MessageID: h.text("message-id"),
	}
	if len(e.Sender) == 0 {
		e.Sender = e.From
	}
	if len(e.ReplyTo) == 0 {
		e.ReplyTo = e.From
	}
	return e
}

// maxAddresses bounds one address list.
const maxAddresses = 10000

// ParseAddressList reads an RFC 5322 address-list (with the obsolete
// syntax of §4.4: route addresses, empty list elements, comments and
// folding anywhere) into envelope addresses. A group becomes its start
// marker (NIL NIL "name" NIL), its members and the end marker (NIL NIL
// NIL NIL) (RFC 3501 §7.4.2). Display names are unquoted but encoded
// words stay as written; an address without a name takes a comment after
// it ("user@host (Name)"). A mailbox without a domain gets the host
// MISSING_DOMAIN (and an empty local part MISSING_MAILBOX), so that it
// cannot be read as a group marker.
func ParseAddressList(v string) []wire.Address {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	t := &tokenizer{s: v, comments: true}
	a := addrParser{comments: map[int]string{}}
	afterComment := false
	for len(a.toks) < 4*maxAddresses {
		tok, ok := t.next()
		if !ok {
			break
		}
		if tok.kind == tokComment {
			a.comments[len(a.toks)] = tok.text
			afterComment = true
			continue
		}
		tok.space = tok.space || afterComment // a comment separates words
		afterComment = false
		a.toks = append(a.toks, tok)
	}
	return a.list()
}

type addrParser struct {
	toks     []token
	pos      int
	comments map[int]string // comment before token i
	out      []wire.Address
}

func (a *addrParser) peek() (token, bool) {
	if a.pos >= len(a.toks) {
		return token{}, false
	}
	return a.toks[a.pos], true
}

func (a *addrParser) isSpecial(c string) bool {
	tok, ok := a.peek()
	return ok && tok.kind == tokSpecial && tok.text == c
}

func (a *addrParser) list() []wire.Address {
	inGroup := false
	for a.pos < len(a.toks) && len(a.out) < maxAddresses {
		switch {
		case a.isSpecial(","):
			a.pos++
		case a.isSpecial(";"):
			a.pos++
			if inGroup {
				a.out = append(a.out, wire.Address{})
				inGroup = false
			}
		default:
			start := a.pos
			a.mailbox(!inGroup, &inGroup)
			if a.pos == start { // a stray token: pass over it
				a.pos++
			}
		}
	}
	if inGroup {
		a.out = append(a.out, wire.Address{}) // unterminated group
	}
	return a.out
}

// mailbox reads one mailbox, or a group's start when groupOK.
func (a *addrParser) mailbox(groupOK bool, inGroup *bool) {
	// Collect the phrase or local part up to what decides the form.
	start := a.pos
	for {
		tok, ok := a.peek()
		if !ok {
			break
		}
		if tok.kind == tokSpecial && tok.text != "." {
			break
		}
		a.pos++
	}
	words := a.toks[start:a.pos]
	tok, ok := a.peek()
	switch {
	case ok && tok.kind == tokSpecial && tok.text == ":" && groupOK:
		a.pos++
		a.out = append(a.out, wire.Address{Mailbox: orMissing(phrase(words), "MISSING_GROUP")})
		*inGroup = true
	case ok && tok.kind == tokSpecial && tok.text == ":":
		a.pos++ // a group inside a group: ignore the name
	case ok && tok.kind == tokSpecial && tok.text == "<":
		a.pos++
		addr := a.angle()
		addr.Name = phrase(words)
		a.out = append(a.out, addr)
	case ok && tok.kind == tokSpecial && tok.text == "@":
		a.pos++
		local := localPart(words)
		host := a.domain()
		a.out = append(a.out, wire.Address{Name: a.comments[a.pos], Mailbox: orMissing(local, "MISSING_MAILBOX"), Host: orMissing(host, "MISSING_DOMAIN")})
	case len(words) > 0:
		a.out = append(a.out, wire.Address{Mailbox: localPart(words), Host: "MISSING_DOMAIN"})
	}
}

// angle reads [route ":"] addr-spec ">" after "<".
func (a *addrParser) angle() wire.Address {
	var addr wire.Address
	// obs-route: "@" domain *("," ["@" domain]) ":"
	if a.isSpecial("@") {
		var route []string
		for a.isSpecial("@") || a.isSpecial(",") {
			if a.isSpecial(",") {
				a.pos++
				continue
			}
			a.pos++
			route = append(route, "@"+a.domain())
		}
		if a.isSpecial(":") {
			a.pos++
		}
		addr.Adl = strings.Join(route, ",")
	}
	start := a.pos
	for {
		tok, ok := a.peek()
		if !ok || (tok.kind == tokSpecial && tok.text != ".") {
			break
		}
		a.pos++
	}
	addr.Mailbox = localPart(a.toks[start:a.pos])
	if a.isSpecial("@") {
		a.pos++
		addr.Host = a.domain()
	}
	// Pass over anything up to ">".
	for a.pos < len(a.toks) && !a.isSpecial(">") && !a.isSpecial(",") && !a.isSpecial(";") {
		a.pos++
	}
	if a.isSpecial(">") {
		a.pos++
	}
	if addr.Mailbox == "" && addr.Host == "" {
		addr.Mailbox = "MISSING_MAILBOX" // <> (a null path) is no group marker
	}
	if addr.Host == "" {
		addr.Host = "MISSING_DOMAIN"
	}
	return addr
}

// domain reads dot-atom or a domain literal.
func (a *addrParser) domain() string {
	var b strings.Builder
	wantWord := true
	for {
		tok, ok := a.peek()
		if !ok {
			break
		}
		isDot := tok.kind == tokSpecial && tok.text == "."
		if (tok.kind == tokSpecial && !isDot) || (!isDot && !wantWord) {
			break // "user@host Name": the domain ended
		}
		b.WriteString(tok.text)
		a.pos++
		wantWord = isDot
	}
	return b.String()
}

// phrase joins display-name words, unquoted, by a single space where
// the header had white space between them: "John Q. Public" stays so,
// and an encoded word that the tokenizer split at "." is whole again.
func phrase(words []token) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 && w.space {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// localPart joins the words of a local part: dot-atom or quoted strings,
// with obsolete white space and comments around dots dropped.
func localPart(words []token) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w.text)
	}
	return b.String()
}

func orMissing(s, missing string) string {
	if s == "" {
		return missing
	}
	return s
}
