package wire

// parseAppend reads APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502:
// several messages), literal8 (RFC 3516 §4.2: binary data with NUL),
// CATENATE (RFC 4469) and UTF8 (RFC 6855 §4).
func parseAppend(p *parser, _ string) (any, error) {
	mbox, err := p.mailbox()
	if err != nil {
		return nil, err
	}
	a := &Append{Mailbox: mbox}
	for {
		if err := p.sp(); err != nil {
			return nil, err
		}
		m, err := p.appendMessage()
		if err != nil {
			return nil, err
		}
		a.Messages = append(a.Messages, m)
		if p.atEnd() {
			return a, nil
		}
	}
}

func (p *parser) appendMessage() (AppendMessage, error) {
	var m AppendMessage
	var err error
	if p.peek() == '(' {
		if m.Flags, err = p.flagList(); err != nil {
			return m, err
		}
		if err := p.sp(); err != nil {
			return m, err
		}
	}
	if p.peek() == '"' {
		if m.Date, err = p.dateTime(); err != nil {
			return m, err
		}
		if err := p.sp(); err != nil {
			return m, err
		}
	}
	switch {
	case p.peek() == '{' || p.peek() == '~':
		m.Literal, m.Binary, err = p.literal(true, true)
		return m, err
	case p.tryKeyword("UTF8"):
		// RFC 6855 §4: "UTF8" SP "(" literal8 ")"
		m.UTF8 = true
		if err := p.sp(); err != nil {
			return m, err
		}
		if err := p.expect('(', "'('"); err != nil {
			return m, err
		}
		if p.peek() != '~' {
			return m, p.unexpected("literal8")
		}
		if m.Literal, m.Binary, err = p.literal(true, true); err != nil {
			return m, err
		}
		return m, p.expect(')', "')'")
	case p.tryKeyword("CATENATE"):
		if err := p.sp(); err != nil {
			return m, err
		}
		err = p.list(false, func() error {
			part, err := p.catenatePart()
			m.Parts = append(m.Parts, part)
			return err
		})
		return m, err
	}
	return m, p.unexpected("message literal")
}

// catenatePart reads cat-part = text-literal / url (RFC 4469 §5).
func (p *parser) catenatePart() (CatenatePart, error) {
	var c CatenatePart
	kind, err := p.keyword("TEXT or URL")
	if err != nil {
		return c, err
	}
	if err := p.sp(); err != nil {
		return c, err
	}
	switch kind {
	case "TEXT":
		if p.peek() != '{' && p.peek() != '~' {
			return c, p.unexpected("literal")
		}
		c.Text, c.Binary, err = p.literal(true, true)
	case "URL":
		c.URL, err = p.astring("URL")
	default:
		err = bad("expected TEXT or URL, not %s", truncate([]byte(kind), 30))
	}
	return c, err
}
