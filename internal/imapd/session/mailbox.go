package session

import (
	"errors"
	"strings"

	"postroom/internal/imapd/wire"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Folder commands (RFC 9051 §6.3). Names arrive decoded (wire: modified
// UTF-7 or, once enabled, UTF-8) and are the mail service's: its folders,
// Korean names included, use the same hierarchy delimiter.

// delim is the hierarchy delimiter, the store's too (store.MailboxDelimiter).
const delim = '/'

// specialUse maps roles to RFC 6154 attributes; our Spam is \Junk.
var specialUse = map[store.Role]string{
	store.RoleSent:    `\Sent`,
	store.RoleDrafts:  `\Drafts`,
	store.RoleTrash:   `\Trash`,
	store.RoleSpam:    `\Junk`,
	store.RoleArchive: `\Archive`,
}

// roleOfUse is the role of a CREATE's USE attributes: exactly one, of
// those specialUse lists.
func roleOfUse(uses []string) (store.Role, bool) {
	if len(uses) != 1 {
		return store.RoleNone, false
	}
	for role, attr := range specialUse {
		if strings.EqualFold(attr, uses[0]) {
			return role, true
		}
	}
	return store.RoleNone, false
}

// mailbox looks a mailbox up by name: NO [NONEXISTENT] when there is none.
func (s *Session) mailbox(name string) (*store.Mailbox, error) {
	mb, err := s.cfg.Mail.MailboxByName(s.ctx, s.who(), name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoMailbox
	}
	return mb, err
}

// create answers CREATE (RFC 9051 §6.3.4). A trailing delimiter only
// declares the intent to create children. A special-use attribute (RFC
// 6154 §3, CREATE-SPECIAL-USE) makes the new folder the account's
// special folder of that kind: every account has one of each already,
// which gives the role up (mail.CreateSpecialMailbox).
func (s *Session) create(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Create)
	if a == nil {
		return bad(wire.Code{}, "CREATE needs a mailbox name")
	}
	name := strings.TrimSuffix(a.Mailbox, string(delim))
	if strings.EqualFold(name, "INBOX") {
		return no(wire.CodeAlreadyExists, "INBOX always exists")
	}
	var mb *store.Mailbox
	var err error
	if len(a.SpecialUse) > 0 {
		role, known := roleOfUse(a.SpecialUse)
		if !known {
			// RFC 6154 §5.3: a use we do not keep, or several at once
			return no(wire.CodeUseAttr, "Only one of \\Sent, \\Drafts, \\Trash, \\Junk or \\Archive can be given")
		}
		mb, err = s.cfg.Mail.CreateSpecialMailbox(s.ctx, s.who(), name, role)
	} else {
		mb, err = s.cfg.Mail.CreateMailbox(s.ctx, s.who(), name)
	}
	if err != nil {
		return err
	}
	if !offered("OBJECTID") {
		return nil
	}
	return ok(wire.CodeMailboxID(mail.MailboxObjectID(mb)), "CREATE completed") // RFC 8474 §4.1
}

// delete answers DELETE (RFC 9051 §6.3.5).
func (s *Session) delete(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Mailbox)
	if a == nil {
		return bad(wire.Code{}, "DELETE needs a mailbox name")
	}
	mb, err := s.mailbox(a.Name)
	if err != nil {
		return err
	}
	if err := s.cfg.Mail.DeleteMailbox(s.ctx, s.who(), mb.ID); err != nil {
		return err
	}
	s.cfg.Hubs.Forget(mb.ID)
	return nil
}

// rename answers RENAME (RFC 9051 §6.3.6); renaming INBOX moves its
// messages into the new folder (the mail service's rule).
func (s *Session) rename(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Rename)
	if a == nil {
		return bad(wire.Code{}, "RENAME needs two mailbox names")
	}
	mb, err := s.mailbox(a.From)
	if err != nil {
		return err
	}
	to := strings.TrimSuffix(a.To, string(delim))
	if strings.EqualFold(to, "INBOX") {
		return no(wire.CodeAlreadyExists, "INBOX always exists")
	}
	return s.cfg.Mail.RenameMailbox(s.ctx, s.who(), mb.ID, to)
}

// subscribe answers SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8).
func (s *Session) subscribe(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Mailbox)
	if a == nil {
		return bad(wire.Code{}, "A mailbox name is needed")
	}
	mb, err := s.mailbox(a.Name)
	if err != nil {
		return err
	}
	return s.cfg.Mail.SetSubscribed(s.ctx, s.who(), mb.ID, cmd.Name == "SUBSCRIBE")
}

// list answers LIST and LSUB (RFC 9051 §6.3.9, RFC 3501 §6.3.9), with
// LIST-EXTENDED (RFC 5258) selection and return options, LIST-STATUS
// (RFC 5819) and SPECIAL-USE (RFC 6154).
func (s *Session) list(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.List)
	if a == nil {
		return bad(wire.Code{}, "LIST needs a reference and a pattern")
	}
	if !a.Extended && len(a.Patterns) == 1 && a.Patterns[0] == "" {
		// the hierarchy delimiter and the root (item 1)
		if a.Lsub {
			return nil // RFC 3501 §6.3.9: LSUB "" "" lists nothing special
		}
		return s.w.ListItem(false, []string{`\Noselect`}, delim, "")
	}
	has := func(list []string, x string) bool {
		for _, v := range list {
			if v == x {
				return true
			}
		}
		return false
	}
	selSubscribed := a.Lsub || has(a.Selection, "SUBSCRIBED")
	selSpecial := has(a.Selection, "SPECIAL-USE")
	retSubscribed := !a.Lsub && (has(a.Return, "SUBSCRIBED") || has(a.Selection, "SUBSCRIBED"))
	retStatus := has(a.Return, "STATUS")
	// RECURSIVEMATCH (RFC 5258 §3.5): a mailbox that is not selected
	// itself but has a selected descendant is listed with CHILDINFO
	recursive := has(a.Selection, "RECURSIVEMATCH") && has(a.Selection, "SUBSCRIBED")

	mbs, err := s.cfg.Mail.Mailboxes(s.ctx, s.who())
	if err != nil {
		return err
	}
	children := map[string]bool{}
	subscribedBelow := map[string]bool{}
	for _, mb := range mbs {
		if i := strings.LastIndexByte(mb.Name, delim); i > 0 {
			children[mb.Name[:i]] = true
		}
		if mb.Subscribed {
			for i := strings.LastIndexByte(mb.Name, delim); i > 0; i = strings.LastIndexByte(mb.Name[:i], delim) {
				subscribedBelow[mb.Name[:i]] = true
			}
		}
	}
	for i := range mbs {
		mb := &mbs[i]
		if !matchAny(mb.Name, a.Ref, a.Patterns) {
			continue
		}
		childInfo, noselect := false, false
		if selSubscribed && !mb.Subscribed {
			switch {
			case recursive && subscribedBelow[mb.Name]:
				childInfo = true
			case a.Lsub && subscribedBelow[mb.Name] && !descendantMatches(mbs, mb.Name, a.Ref, a.Patterns):
				// RFC 3501 §6.3.9: "%" stops at a folder that is not
				// subscribed but has subscribed ones below: \Noselect
				noselect = true
			default:
				continue
			}
		}
		attr, special := specialUse[mb.Role]
		if selSpecial && !special {
			continue
		}
		var attrs []string
		if noselect {
			attrs = append(attrs, `\Noselect`)
		}
		if children[mb.Name] {
			attrs = append(attrs, `\HasChildren`)
		} else {
			attrs = append(attrs, `\HasNoChildren`)
		}
		if special {
			attrs = append(attrs, attr)
		}
		if retSubscribed && mb.Subscribed {
			attrs = append(attrs, `\Subscribed`)
		}
		if childInfo {
			w := s.w.Start("*").Atom("LIST").List(attrs).String(string(delim)).Mailbox(mb.Name)
			if err := w.Open().String("CHILDINFO").Open().String("SUBSCRIBED").Close().Close().End(); err != nil {
				return err
			}
		} else if err := s.w.ListItem(a.Lsub, attrs, delim, mb.Name); err != nil {
			return err
		}
		if retStatus {
			if err := s.writeStatus(mb, a.StatusItems); err != nil {
				return err
			}
		}
	}
	return nil
}

// descendantMatches reports whether a subscribed folder below parent
// matches the patterns.
func descendantMatches(mbs []store.Mailbox, parent, ref string, patterns []string) bool {
	for _, mb := range mbs {
		if mb.Subscribed && strings.HasPrefix(mb.Name, parent+string(delim)) && matchAny(mb.Name, ref, patterns) {
			return true
		}
	}
	return false
}

// matchAny reports whether name matches one of the patterns under ref.
func matchAny(name, ref string, patterns []string) bool {
	for _, p := range patterns {
		if matchList(name, ref+p) {
			return true
		}
	}
	return false
}

// matchList matches a mailbox name against a LIST pattern (RFC 9051
// §6.3.9): "*" matches anything, "%" anything but the delimiter; INBOX
// matches in any case. Runs of wildcards are collapsed and a pattern with
// more literal characters than the name fails at once, so the cost is at
// most quadratic in the name's length, whatever the client sends.
func matchList(name, pattern string) bool {
	if strings.EqualFold(name, "INBOX") {
		if strings.EqualFold(pattern, "INBOX") {
			return true
		}
		name = "INBOX"
		if len(pattern) >= 5 && strings.EqualFold(pattern[:5], "INBOX") {
			pattern = "INBOX" + pattern[5:]
		}
	}
	var p []byte
	literal := 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '*' || c == '%' {
			if n := len(p); n > 0 && (p[n-1] == '*' || p[n-1] == '%') {
				if c == '*' {
					p[n-1] = '*'
				}
				continue
			}
		} else {
			literal++
		}
		p = append(p, c)
	}
	if literal > len(name) {
		return false
	}
	// match[j]: p[:i] matches name[:j]
	match := make([]bool, len(name)+1)
	next := make([]bool, len(name)+1)
	match[0] = true
	for i := 0; i < len(p); i++ {
		c := p[i]
		for j := range next {
			next[j] = false
		}
		switch c {
		case '*':
			run := false
			for j := 0; j <= len(name); j++ {
				run = run || match[j]
				next[j] = run
			}
		case '%':
			run := false
			for j := 0; j <= len(name); j++ {
				if j > 0 && name[j-1] == delim {
					run = false
				}
				run = run || match[j]
				next[j] = run
			}
		default:
			for j := 1; j <= len(name); j++ {
				next[j] = match[j-1] && name[j-1] == c
			}
		}
		match, next = next, match
	}
	return match[len(name)]
}

// status answers STATUS (RFC 9051 §6.3.11).
func (s *Session) status(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Status)
	if a == nil {
		return bad(wire.Code{}, "STATUS needs a mailbox and items")
	}
	mb, err := s.mailbox(a.Mailbox)
	if err != nil {
		return err
	}
	return s.writeStatus(mb, a.Items)
}

// writeStatus writes "* STATUS name (...)" with the items asked for.
func (s *Session) writeStatus(mb *store.Mailbox, items []string) error {
	if len(items) == 0 {
		return nil
	}
	st, err := s.cfg.Mail.Status(s.ctx, s.who(), mb.ID)
	if err != nil {
		return err
	}
	w := s.w.Start("*").Atom("STATUS").Mailbox(mb.Name).Open()
	for _, it := range items {
		var v uint64
		switch it {
		case "MESSAGES":
			v = uint64(st.Messages)
		case "UIDNEXT":
			v = uint64(mb.UIDNext)
		case "UIDVALIDITY":
			v = uint64(mb.UIDValidity)
		case "UNSEEN":
			v = uint64(st.Unseen)
		case "DELETED":
			v = uint64(st.Deleted)
		case "SIZE":
			v = uint64(st.Size)
		case "RECENT":
			if v, err = s.recentCount(mb); err != nil {
				return err
			}
		case "HIGHESTMODSEQ":
			v = mb.HighestModSeq
		case "APPENDLIMIT":
			v = uint64(max(s.cfg.MaxMessageSize, 0))
		case "MAILBOXID": // RFC 8474 §4.2
			if offered("OBJECTID") {
				w.Atom(it).Open().Atom(mail.MailboxObjectID(mb)).Close()
			}
			continue
		default:
			continue // not offered
		}
		w.Atom(it).Number(v)
	}
	return w.Close().End()
}

// recentCount is STATUS RECENT: the messages no session of this process
// has seen yet (hub.go). The selected mailbox's own count is its view's.
func (s *Session) recentCount(mb *store.Mailbox) (uint64, error) {
	if s.sel != nil && s.sel.mailbox.ID == mb.ID {
		return uint64(s.sel.view.RecentCount()), nil
	}
	uids, err := s.cfg.Mail.UIDs(s.ctx, s.who(), mb.ID, s.cfg.Hubs.Claimed(mb.ID))
	if err != nil {
		return 0, err
	}
	return uint64(len(uids)), nil
}
