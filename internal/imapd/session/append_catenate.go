package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"postroom/internal/blob"
	"postroom/internal/imapd/bodypart"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// CATENATE (RFC 4469): a message built from TEXT literals and IMAP URLs
// (RFC 5092) naming a message, or a section of one, in the account's own
// mailboxes. Accepted URL forms:
//
//	imap://user@host/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME
//	/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME
//	;UID=20/;SECTION=1.MIME     (relative to the selected mailbox)
//
// A URL that does not name an existing message or section of this
// account is NO [BADURL url] (RFC 4469 §5).

// catenate builds one message from its parts, bounded by the message size
// limit ([TOOBIG]).
func (s *Session) catenate(parts []wire.CatenatePart) ([]byte, error) {
	var buf bytes.Buffer
	limit := s.cfg.MaxMessageSize
	for _, p := range parts {
		if p.URL == "" {
			buf.Write(p.Text)
		} else if err := s.catenateURL(&buf, p.URL); err != nil {
			return nil, err
		}
		if limit > 0 && int64(buf.Len()) > limit {
			return nil, no(wire.CodeTooBig, "The message would be larger than the server accepts")
		}
	}
	return buf.Bytes(), nil
}

func badURL(u string) error {
	return no(wire.Code{Name: "BADURL", Arg: strings.Map(func(r rune) rune {
		if r == ']' || r < ' ' {
			return -1
		}
		return r
	}, u)}, "The URL does not name a message of this account")
}

// imapURL is the part of an IMAP URL CATENATE uses.
type imapURL struct {
	mailbox     string // "" : the selected mailbox
	uidValidity uint32 // 0: not given
	uid         uint32
	section     string
}

// parseIMAPURL reads the forms listed above.
func parseIMAPURL(raw string) (*imapURL, bool) {
	rest := raw
	if strings.HasPrefix(strings.ToLower(rest), "imap://") {
		rest = rest[len("imap://"):]
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return nil, false
		}
		rest = rest[i:] // the server part is this server: the session's own account
	}
	u := &imapURL{}
	if strings.HasPrefix(rest, "/") {
		// "/" enc-mailbox [uidvalidity] "/" iuid ...
		rest = rest[1:]
		i := strings.Index(rest, "/;")
		if i < 0 {
			return nil, false
		}
		mbox := rest[:i]
		rest = rest[i+1:]
		if j := strings.Index(strings.ToUpper(mbox), ";UIDVALIDITY="); j >= 0 {
			n, err := strconv.ParseUint(mbox[j+len(";UIDVALIDITY="):], 10, 32)
			if err != nil || n == 0 {
				return nil, false
			}
			u.uidValidity, mbox = uint32(n), mbox[:j]
		}
		name, err := url.PathUnescape(mbox)
		if err != nil || name == "" {
			return nil, false
		}
		u.mailbox = name
	}
	// ";UID=n" ["/;SECTION=x"]
	if !strings.HasPrefix(strings.ToUpper(rest), ";UID=") {
		return nil, false
	}
	rest = rest[len(";UID="):]
	num := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		num, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil || n == 0 {
		return nil, false
	}
	u.uid = uint32(n)
	if rest != "" {
		if !strings.HasPrefix(strings.ToUpper(rest), "/;SECTION=") {
			return nil, false
		}
		sec, err := url.PathUnescape(rest[len("/;SECTION="):])
		if err != nil {
			return nil, false
		}
		u.section = sec
	}
	return u, true
}

// parseSection reads a section spec of a URL: part numbers and HEADER,
// TEXT or MIME (RFC 5092 §6 isection).
func parseSection(spec string) (*wire.Section, bool) {
	sec := &wire.Section{}
	if spec == "" {
		return sec, true
	}
	fields := strings.Split(spec, ".")
	i := 0
	for ; i < len(fields); i++ {
		n, err := strconv.ParseUint(fields[i], 10, 32)
		if err != nil {
			break
		}
		if n == 0 {
			return nil, false
		}
		sec.Part = append(sec.Part, uint32(n))
	}
	rest := strings.ToUpper(strings.Join(fields[i:], "."))
	switch rest {
	case "":
	case "HEADER", "TEXT":
		sec.Specifier = rest
	case "MIME":
		if len(sec.Part) == 0 {
			return nil, false
		}
		sec.Specifier = rest
	default:
		return nil, false
	}
	return sec, true
}

// catenateURL appends what raw names to buf.
func (s *Session) catenateURL(buf *bytes.Buffer, raw string) error {
	u, okURL := parseIMAPURL(raw)
	if !okURL {
		return badURL(raw)
	}
	sec, okSec := parseSection(u.section)
	if !okSec {
		return badURL(raw)
	}
	var mb *store.Mailbox
	if u.mailbox == "" {
		if s.sel == nil {
			return badURL(raw) // relative URL without a selected mailbox
		}
		mb = &s.sel.mailbox
	} else {
		var err error
		mb, err = s.cfg.Mail.MailboxByName(s.ctx, s.who(), u.mailbox)
		if errors.Is(err, store.ErrNotFound) {
			return badURL(raw)
		}
		if err != nil {
			return fmt.Errorf("catenate: mailbox %q: %w", u.mailbox, err)
		}
	}
	if u.uidValidity != 0 && u.uidValidity != mb.UIDValidity {
		return badURL(raw)
	}
	m, err := s.cfg.Mail.MessageByUID(s.ctx, s.who(), mb.ID, u.uid)
	if errors.Is(err, store.ErrNotFound) {
		return badURL(raw)
	}
	if err != nil {
		return fmt.Errorf("catenate: message UID %d: %w", u.uid, err)
	}
	msg, err := s.openMessage(m)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, blob.ErrNotFound) {
		return badURL(raw)
	}
	if err != nil {
		return err
	}
	defer msg.Close()
	sr, err := msg.section(sec)
	if errors.Is(err, bodypart.ErrNoPart) {
		return badURL(raw)
	}
	if err != nil {
		return fmt.Errorf("catenate: section %s: %w", sec, err)
	}
	if limit := s.cfg.MaxMessageSize; limit > 0 && int64(buf.Len())+sr.Size() > limit {
		return no(wire.CodeTooBig, "The message would be larger than the server accepts")
	}
	if _, err := io.Copy(buf, sr); err != nil {
		return fmt.Errorf("catenate: reading message UID %d: %w", u.uid, err)
	}
	return nil
}
