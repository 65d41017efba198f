package migrate

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"postroom/internal/store"
)

// IMAP reads every folder of a live IMAP account: URL is
// imaps://user:password@host:port (implicit TLS, 993 by default) or
// imap://... (STARTTLS when the server offers it, else plain text, which
// only a server on this machine should be asked for). Folders are read
// read-only (EXAMINE): nothing changes on the old server, not even \Seen.
// A folder's role comes from its SPECIAL-USE attribute when the server
// gives one, else from its name.
type IMAP struct {
	URL *url.URL
	// InsecureTLS skips the check of the server's certificate (an old
	// server with a self-signed one).
	InsecureTLS bool
	// Folders, when set, are the only folders read (internal/fetch
	// reads INBOX only unless asked for every folder).
	Folders []string
	// RequireTLS refuses an imap:// server that offers no STARTTLS
	// (ErrNoTLS) instead of sending the password in plain text.
	RequireTLS bool
}

// ParseIMAPURL checks an imap:// or imaps:// URL with a user and password.
func ParseIMAPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("imap url: %w", err)
	}
	if u.Scheme != "imap" && u.Scheme != "imaps" {
		return nil, fmt.Errorf("imap url %q: imap:// or imaps://", u.Redacted())
	}
	if _, ok := u.User.Password(); !ok || u.User.Username() == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("imap url %q: want imaps://user:password@host[:port]", u.Redacted())
	}
	return u, nil
}

// batch is how many messages one FETCH asks for.
const batch = 50

// Each implements Source.
func (s IMAP) Each(ctx context.Context, fn func(*Message) error) error {
	c, err := s.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	pass, _ := s.URL.User.Password()
	if err := c.Login(s.URL.User.Username(), pass).Wait(); err != nil {
		if ie := (*imap.Error)(nil); errors.As(err, &ie) {
			return &LoginError{Protocol: "imap", Host: s.URL.Host, User: s.URL.User.Username(), Reply: ie.Text}
		}
		return fmt.Errorf("imap %s: login as %s: %w", s.URL.Host, s.URL.User.Username(), err)
	}
	opts := &imap.ListOptions{}
	if c.Caps().Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	boxes, err := c.List("", "*", opts).Collect()
	if err != nil {
		return fmt.Errorf("imap %s: LIST: %w", s.URL.Host, err)
	}
	for _, box := range boxes {
		if hasAttr(box.Attrs, imap.MailboxAttrNoSelect) || hasAttr(box.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		if len(s.Folders) > 0 && !slices.ContainsFunc(s.Folders, func(f string) bool { return strings.EqualFold(f, box.Mailbox) }) {
			continue
		}
		if err := s.folder(ctx, c, box, fn); err != nil {
			return err
		}
	}
	return c.Logout().Wait()
}

func (s IMAP) dial() (*imapclient.Client, error) {
	host := s.URL.Host
	opts := &imapclient.Options{TLSConfig: &tls.Config{ServerName: s.URL.Hostname(), InsecureSkipVerify: s.InsecureTLS, MinVersion: tls.VersionTLS12}}
	if s.URL.Scheme == "imaps" {
		if s.URL.Port() == "" {
			host += ":993"
		}
		c, err := imapclient.DialTLS(host, opts)
		if err != nil {
			return nil, fmt.Errorf("imap %s: %w", host, err)
		}
		return c, nil
	}
	if s.URL.Port() == "" {
		host += ":143"
	}
	c, err := imapclient.DialInsecure(host, opts)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", host, err)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("imap %s: %w", host, err)
	}
	if !c.Caps().Has(imap.CapStartTLS) && s.RequireTLS {
		c.Close()
		return nil, fmt.Errorf("imap %s: %w", host, ErrNoTLS)
	}
	if c.Caps().Has(imap.CapStartTLS) {
		c.Close()
		if c, err = imapclient.DialStartTLS(host, opts); err != nil {
			return nil, fmt.Errorf("imap %s: STARTTLS: %w", host, err)
		}
	}
	return c, nil
}

// folder reads one folder, batch by batch.
func (s IMAP) folder(ctx context.Context, c *imapclient.Client, box *imap.ListData, fn func(*Message) error) error {
	sel, err := c.Select(box.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("imap: EXAMINE %q: %w", box.Mailbox, err)
	}
	name := box.Mailbox
	if box.Delim != 0 && box.Delim != '/' {
		name = strings.ReplaceAll(name, string(box.Delim), "/")
	}
	role := roleOfAttrs(box.Attrs)
	for start := uint32(1); start <= sel.NumMessages; start += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		var set imap.SeqSet
		set.AddRange(start, min(start+batch-1, sel.NumMessages))
		msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true,
			BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
		if err != nil {
			return fmt.Errorf("imap: FETCH %q %v: %w", box.Mailbox, set, err)
		}
		for _, m := range msgs {
			var flags []string
			for _, f := range m.Flags {
				if f != "\\Recent" {
					flags = append(flags, string(f))
				}
			}
			msg := &Message{Folder: name, Role: role, Flags: flags, Date: m.InternalDate,
				Raw: m.FindBodySection(&imap.FetchItemBodySection{}), Where: fmt.Sprintf("%s UID %d", box.Mailbox, m.UID)}
			if err := fn(msg); err != nil {
				return err
			}
		}
	}
	return nil
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

// roleOfAttrs is the special folder a SPECIAL-USE attribute names.
func roleOfAttrs(attrs []imap.MailboxAttr) store.Role {
	for a, r := range map[imap.MailboxAttr]store.Role{imap.MailboxAttrSent: store.RoleSent, imap.MailboxAttrDrafts: store.RoleDrafts,
		imap.MailboxAttrTrash: store.RoleTrash, imap.MailboxAttrJunk: store.RoleSpam, imap.MailboxAttrArchive: store.RoleArchive} {
		if hasAttr(attrs, a) {
			return r
		}
	}
	return store.RoleNone
}
