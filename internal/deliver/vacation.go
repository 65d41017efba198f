package deliver

// Out-of-office (S2): while the account's vacation reply is enabled and
// today, in the account's time zone, is between its start and end dates
// inclusive (either may be empty: open), a message gets one reply built
// from the subject and HTML the user wrote. Decisions (RFC 3834):
//
//   - The reply goes to the envelope sender (§4), From the account, with
//     the account's address as envelope sender too: the queue signs it
//     with the domain's DKIM key and SPF passes, so that it is not taken
//     for spam. Loops cannot form: it says "Auto-Submitted: auto-replied"
//     (§5), which every responder, this one included, leaves unanswered.
//   - An empty subject is "Auto: " and the original subject (§3.1.5).
//   - In-Reply-To and References name the original (§3.1.4); the body is
//     multipart/alternative, a text part made from the HTML first.
//   - One reply per sender per VacationPeriod, remembered in the store
//     (AutoReplyStore), so restarts do not repeat it (§2).
//   - No reply (§2) to a null envelope sender, "Precedence: bulk, list or
//     junk", any List-* field, Auto-Submitted other than "no", the
//     account's own address, daemon and list addresses (mailer-daemon,
//     postmaster, owner-*, *-request, no-reply ...), mail kept as spam,
//     or a message whose To and Cc do not name the account (a Bcc, a list
//     or a forward: §2 recommends answering only mail sent to the user).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"postroom/internal/message"
	"postroom/internal/settings"
	"postroom/internal/store"
)

// VacationPeriod is how long a sender who got a reply gets no other.
const VacationPeriod = 3 * 24 * time.Hour

// Vacation is the Step of the out-of-office reply. It never refuses or
// changes the delivery: a reply that cannot be sent is logged.
func (p *Pipeline) Vacation(ctx context.Context, d *Delivery) error {
	if d.Mailbox == store.RoleSpam {
		return nil
	}
	set, ok := p.settingsOf(ctx, d)
	if !ok || !set.Vacation.Enabled {
		return nil
	}
	now := p.clock()
	if !onVacation(set, now) {
		return nil
	}
	acct := d.Recipient.Account
	if why := noAutoReply(d, acct.Address()); why != "" {
		p.log().Debug("no out-of-office reply", "id", d.Envelope.ID, "account", acct.Address(), "why", why)
		return nil
	}
	sender := d.Envelope.From
	claimed, err := p.Store.ClaimAutoReply(ctx, acct.ID, sender, now, now.Add(-VacationPeriod))
	if err != nil {
		p.log().Error("out-of-office reply not sent", "id", d.Envelope.ID, "account", acct.Address(), "err", err)
		return nil
	}
	if !claimed {
		return nil
	}
	raw := p.vacationReply(set, acct, sender, d.Parsed, now)
	key, size, err := p.Blobs.Put(ctx, bytes.NewReader(raw))
	if err == nil {
		q := &store.QueuedMessage{AccountID: acct.ID, From: acct.Address(), BlobKey: key, Size: size, CreatedAt: now,
			UTF8: !isASCII(sender), Recipients: []store.QueuedRecipient{{Address: sender}}}
		err = p.Store.Enqueue(ctx, q)
	}
	if err != nil {
		p.log().Error("out-of-office reply not sent", "id", d.Envelope.ID, "account", acct.Address(), "err", err)
		return nil
	}
	p.log().Info("out-of-office reply", "id", d.Envelope.ID, "account", acct.Address(), "to", sender)
	p.notifyQueue()
	return nil
}

// onVacation reports whether now is within the reply's dates in the
// account's time zone (UTC when it names none the system knows).
func onVacation(set settings.Settings, now time.Time) bool {
	loc, err := time.LoadLocation(set.TimeZone)
	if err != nil || set.TimeZone == "" {
		loc = time.UTC
	}
	today := now.In(loc).Format(time.DateOnly) // YYYY-MM-DD sorts as it reads
	v := set.Vacation
	return (v.Start == "" || today >= v.Start) && (v.End == "" || today <= v.End)
}

// noAutoReply says why the message gets no automatic reply; "" when it
// may get one.
func noAutoReply(d *Delivery, own string) string {
	h := d.Parsed.Header
	from := d.Envelope.From
	switch {
	case from == "":
		return "null sender"
	case strings.EqualFold(from, own):
		return "own address"
	case isDaemon(from):
		return "daemon or list address"
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "list", "junk":
		return "precedence"
	}
	if as := strings.TrimSpace(h.Get("Auto-Submitted")); as != "" && !strings.EqualFold(as, "no") {
		return "auto-submitted"
	}
	for _, f := range h.Fields() {
		if len(f.Name) > 5 && strings.EqualFold(f.Name[:5], "List-") {
			return "list message"
		}
	}
	for _, name := range []string{"To", "Cc"} {
		for _, a := range h.Addresses(name) {
			if strings.EqualFold(a.Addr, own) || strings.EqualFold(a.Addr, d.Recipient.Address) {
				return ""
			}
		}
	}
	return "not in To or Cc"
}

// isDaemon reports addresses that are mail software or lists, not people.
func isDaemon(addr string) bool {
	local, _, _ := SplitAddress(addr)
	l := strings.ToLower(local)
	switch l {
	case "mailer-daemon", "postmaster", "listserv", "majordomo", "mailman", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce", "bounces", "root":
		return true
	}
	return strings.HasPrefix(l, "owner-") || strings.HasSuffix(l, "-request") || strings.HasSuffix(l, "-owner") ||
		strings.HasPrefix(l, "bounce-") || strings.HasPrefix(l, "srs0=") || strings.HasPrefix(l, "srs1=")
}

// vacationReply builds the reply (RFC 3834 §3).
func (p *Pipeline) vacationReply(set settings.Settings, acct *store.Account, to string, orig *message.Message, now time.Time) []byte {
	subject := strings.TrimSpace(set.Vacation.Subject)
	if subject == "" {
		subject = "Auto: " + orig.Header.Decoded("Subject")
	}
	name := set.Name
	if name == "" {
		name = acct.DisplayName
	}
	from := "<" + acct.Address() + ">"
	if name != "" {
		from = mime.QEncoding.Encode("utf-8", name) + " " + from
	}
	boundary := vacationToken()
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: <%s>\r\n", from, to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	_, domain, _ := SplitAddress(acct.Address())
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", vacationToken(), domain)
	if id := strings.Trim(strings.TrimSpace(orig.Header.Get("Message-ID")), "<>"); id != "" && !strings.ContainsAny(id, "<>\r\n") {
		refs := ""
		for _, r := range orig.References() {
			refs += "<" + r + ">\r\n "
		}
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: %s<%s>\r\n", id, refs, id)
	}
	b.WriteString("Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary)
	html := set.Vacation.HTML
	text := message.Parse([]byte("Content-Type: text/html; charset=utf-8\r\n\r\n" + html)).Text()
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, part.typ)
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(part.body, "\r\n", "\n"), "\n", "\r\n")))
		w.Close()
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

func vacationToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
