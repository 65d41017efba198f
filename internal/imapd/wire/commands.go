package wire

import "strings"

// command reads tag, name and arguments of the command on p.line.
func (p *parser) command() (*Command, error) {
	tag := p.take(isTagChar)
	if len(tag) == 0 {
		return nil, bad("missing or invalid tag")
	}
	p.tag = string(tag)
	if err := p.sp(); err != nil {
		return nil, err
	}
	name, err := p.keyword("command name")
	if err != nil {
		return nil, err
	}
	cmd := &Command{Tag: p.tag, Name: name}
	p.name = name
	if name == "UID" {
		if err := p.sp(); err != nil {
			return nil, err
		}
		sub, err := p.keyword("command after UID")
		if err != nil {
			return nil, err
		}
		cmd.Name = "UID " + sub
		p.name = cmd.Name
		cmd.Args, err = p.uidCommand(sub)
		if err != nil {
			return nil, err
		}
		return cmd, p.end()
	}
	parse, ok := commandParsers[name]
	if !ok {
		return nil, bad("unknown command %s", truncate([]byte(name), 30))
	}
	if parse != nil {
		if err := p.sp(); err != nil {
			return nil, err
		}
		if cmd.Args, err = parse(p, name); err != nil {
			return nil, err
		}
	}
	return cmd, p.end()
}

// commandParsers reads each command's arguments after its name and a
// space; nil is a command without arguments.
var commandParsers = map[string]func(p *parser, name string) (any, error){
	"CAPABILITY":   nil,
	"NOOP":         nil,
	"LOGOUT":       nil,
	"STARTTLS":     nil,
	"CHECK":        nil, // RFC 3501 only; the session decides
	"CLOSE":        nil,
	"UNSELECT":     nil,
	"IDLE":         nil,
	"NAMESPACE":    nil,
	"EXPUNGE":      nil,
	"LOGIN":        parseLogin,
	"AUTHENTICATE": parseAuthenticate,
	"COMPRESS":     parseCompress,
	"ENABLE":       parseEnable,
	"CANCELUPDATE": parseCancelUpdate,
	"ID":           parseID,
	"SELECT":       parseSelect,
	"EXAMINE":      parseSelect,
	"CREATE":       parseCreate,
	"DELETE":       parseMailboxArg,
	"SUBSCRIBE":    parseMailboxArg,
	"UNSUBSCRIBE":  parseMailboxArg,
	"GETQUOTAROOT": parseMailboxArg,
	"RENAME":       parseRename,
	"LIST":         parseList,
	"LSUB":         parseList,
	"STATUS":       parseStatus,
	"APPEND":       parseAppend,
	"GETQUOTA":     parseGetQuota,
	"SETQUOTA":     parseSetQuota,
	"COPY":         func(p *parser, _ string) (any, error) { return p.copyArgs(false) },
	"MOVE":         func(p *parser, _ string) (any, error) { return p.copyArgs(false) },
	"FETCH":        func(p *parser, _ string) (any, error) { return p.fetchArgs(false) },
	"STORE":        func(p *parser, _ string) (any, error) { return p.storeArgs(false) },
	"SEARCH":       func(p *parser, _ string) (any, error) { return p.searchArgs(false) },
	"SORT":         func(p *parser, _ string) (any, error) { return p.sortArgs(false) },
	"THREAD":       func(p *parser, _ string) (any, error) { return p.threadArgs(false) },
}

func (p *parser) uidCommand(sub string) (any, error) {
	if err := p.sp(); err != nil {
		return nil, err
	}
	switch sub {
	case "COPY", "MOVE":
		return p.copyArgs(true)
	case "FETCH":
		return p.fetchArgs(true)
	case "STORE":
		return p.storeArgs(true)
	case "SEARCH":
		return p.searchArgs(true)
	case "SORT":
		return p.sortArgs(true)
	case "THREAD":
		return p.threadArgs(true)
	case "EXPUNGE":
		set, err := p.seqSet()
		return &Expunge{UIDs: &set}, err
	}
	return nil, bad("unknown command UID %s", truncate([]byte(sub), 30))
}

func parseLogin(p *parser, _ string) (any, error) {
	user, err := p.astring("user name")
	if err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	pass, err := p.astring("password")
	return &Login{User: user, Password: pass}, err
}

func parseAuthenticate(p *parser, _ string) (any, error) {
	mech, err := p.keyword("SASL mechanism")
	if err != nil {
		return nil, err
	}
	a := &Authenticate{Mechanism: mech}
	if p.trySP() {
		// RFC 4959: initial-response = base64 / "="
		resp := p.take(func(c byte) bool {
			return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
		})
		if len(resp) == 0 {
			return nil, p.unexpected("SASL initial response")
		}
		a.InitialResponse, a.HasInitial = string(resp), true
	}
	return a, nil
}

func parseCompress(p *parser, _ string) (any, error) {
	mech, err := p.keyword("compression mechanism")
	return &Compress{Mechanism: mech}, err
}

func parseEnable(p *parser, _ string) (any, error) {
	e := &Enable{}
	for {
		c, err := p.keyword("capability")
		if err != nil {
			return nil, err
		}
		e.Capabilities = append(e.Capabilities, c)
		if !p.trySP() {
			return e, nil
		}
	}
}

// parseCancelUpdate reads 1*(SP quoted) (RFC 5267 §5); an atom or a
// literal is taken too, as everywhere a string is.
func parseCancelUpdate(p *parser, _ string) (any, error) {
	c := &CancelUpdate{}
	for {
		tag, err := p.astring("search tag")
		if err != nil {
			return nil, err
		}
		c.Tags = append(c.Tags, tag)
		if !p.trySP() {
			return c, nil
		}
	}
}

func parseID(p *parser, _ string) (any, error) {
	// RFC 2971 §4: id = "ID" SP id-params-list; id-params-list =
	// "(" *(string SP nstring) ")" / nil. Some clients send "()".
	if p.tryKeyword("NIL") {
		return &ID{Nil: true}, nil
	}
	id := &ID{}
	err := p.list(true, func() error {
		field, err := p.str("ID field")
		if err != nil {
			return err
		}
		if err := p.sp(); err != nil {
			return err
		}
		value, _, err := p.nstring("ID value")
		if len(id.Params) >= 30 { // RFC 2971 §3.3: at most 30 pairs
			return bad("more than 30 ID fields")
		}
		id.Params = append(id.Params, [2]string{field, value})
		return err
	})
	return id, err
}

func parseSelect(p *parser, name string) (any, error) {
	mbox, err := p.mailbox()
	if err != nil {
		return nil, err
	}
	s := &Select{Mailbox: mbox, ReadOnly: name == "EXAMINE"}
	if !p.trySP() {
		return s, nil
	}
	// RFC 4466 §2.1 select-params; RFC 7162 gives CONDSTORE and QRESYNC.
	err = p.list(false, func() error {
		param, err := p.keyword("select parameter")
		if err != nil {
			return err
		}
		switch param {
		case "CONDSTORE":
			s.CondStore = true
			return nil
		case "QRESYNC":
			if err := p.sp(); err != nil {
				return err
			}
			s.QResync, err = p.qresync()
			return err
		}
		return bad("unknown select parameter %s", truncate([]byte(param), 30))
	})
	return s, err
}

// qresync reads "(" uidvalidity SP mod-sequence-value [SP known-uids]
// [SP seq-match-data] ")" (RFC 7162 §7).
func (p *parser) qresync() (*QResync, error) {
	if err := p.expect('(', "'('"); err != nil {
		return nil, err
	}
	q := &QResync{}
	var err error
	if q.UIDValidity, err = p.nzNumber("UIDVALIDITY"); err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	if q.ModSeq, err = p.number64("mod-sequence"); err != nil {
		return nil, err
	}
	if q.ModSeq == 0 {
		return nil, bad("mod-sequence must not be zero")
	}
	if p.trySP() && p.peek() != '(' {
		set, err := p.seqSet()
		if err != nil {
			return nil, err
		}
		q.KnownUIDs = &set
		p.trySP()
	}
	if p.peek() == '(' {
		p.pos++
		seqs, err := p.seqSet()
		if err != nil {
			return nil, err
		}
		if err := p.sp(); err != nil {
			return nil, err
		}
		uids, err := p.seqSet()
		if err != nil {
			return nil, err
		}
		if err := p.expect(')', "')'"); err != nil {
			return nil, err
		}
		q.KnownSeqs, q.KnownSeqUIDs = &seqs, &uids
	}
	return q, p.expect(')', "')'")
}

func parseCreate(p *parser, _ string) (any, error) {
	mbox, err := p.mailbox()
	if err != nil {
		return nil, err
	}
	c := &Create{Mailbox: mbox}
	if !p.trySP() {
		return c, nil
	}
	// RFC 6154 §3: create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"
	err = p.list(false, func() error {
		param, err := p.keyword("create parameter")
		if err != nil {
			return err
		}
		if param != "USE" {
			return bad("unknown create parameter %s", truncate([]byte(param), 30))
		}
		if err := p.sp(); err != nil {
			return err
		}
		uses, err := p.flagList()
		c.SpecialUse = append(c.SpecialUse, uses...)
		return err
	})
	return c, err
}

func parseMailboxArg(p *parser, _ string) (any, error) {
	mbox, err := p.mailbox()
	return &Mailbox{Name: mbox}, err
}

func parseRename(p *parser, _ string) (any, error) {
	from, err := p.mailbox()
	if err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	to, err := p.mailbox()
	return &Rename{From: from, To: to}, err
}

// statusItems are the STATUS data items this package knows (RFC 9051
// §6.3.11, RFC 3501 RECENT, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT,
// RFC 8474 MAILBOXID).
var statusItems = map[string]bool{
	"MESSAGES": true, "UIDNEXT": true, "UIDVALIDITY": true, "UNSEEN": true,
	"DELETED": true, "SIZE": true, "RECENT": true, "HIGHESTMODSEQ": true,
	"APPENDLIMIT": true, "MAILBOXID": true,
}

func (p *parser) statusItems() ([]string, error) {
	var items []string
	err := p.list(false, func() error {
		item, err := p.keyword("status item")
		if err == nil && !statusItems[item] {
			err = bad("unknown status item %s", truncate([]byte(item), 30))
		}
		items = append(items, item)
		return err
	})
	return items, err
}

func parseStatus(p *parser, _ string) (any, error) {
	mbox, err := p.mailbox()
	if err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	items, err := p.statusItems()
	return &Status{Mailbox: mbox, Items: items}, err
}

func parseList(p *parser, name string) (any, error) {
	l := &List{Lsub: name == "LSUB"}
	if p.peek() == '(' && !l.Lsub {
		// RFC 5258 §6: list-select-opts
		sel, err := p.atomList(true, "selection option")
		if err != nil {
			return nil, err
		}
		l.Selection, l.Extended = sel, true
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	ref, err := p.mailboxOrEmpty()
	if err != nil {
		return nil, err
	}
	l.Ref = ref
	if err := p.sp(); err != nil {
		return nil, err
	}
	if p.peek() == '(' && !l.Lsub {
		l.Extended = true
		err = p.list(false, func() error {
			pat, err := p.listMailbox()
			l.Patterns = append(l.Patterns, pat)
			return err
		})
	} else {
		var pat string
		pat, err = p.listMailbox()
		l.Patterns = []string{pat}
	}
	if err != nil {
		return nil, err
	}
	if !l.Lsub && p.trySP() {
		if !p.tryKeyword("RETURN") {
			return nil, p.unexpected("RETURN")
		}
		if err := p.sp(); err != nil {
			return nil, err
		}
		l.Extended = true
		l.Return = []string{}
		err = p.list(true, func() error {
			opt, err := p.keyword("return option")
			if err != nil {
				return err
			}
			l.Return = append(l.Return, opt)
			if opt == "STATUS" { // RFC 5819
				if err := p.sp(); err != nil {
					return err
				}
				l.StatusItems, err = p.statusItems()
			}
			return err
		})
	}
	return l, err
}

// mailboxOrEmpty reads a LIST reference: a mailbox, where INBOX is not
// special (RFC 9051 §6.3.9 treats the reference as a prefix).
func (p *parser) mailboxOrEmpty() (string, error) {
	s, err := p.astring("reference name")
	if err != nil {
		return "", err
	}
	return p.decodeName(s)
}

func (p *parser) copyArgs(uid bool) (any, error) {
	set, err := p.seqSet()
	if err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	mbox, err := p.mailbox()
	return &Copy{UID: uid, Set: set, Mailbox: mbox}, err
}

func (p *parser) storeArgs(uid bool) (any, error) {
	set, err := p.seqSet()
	if err != nil {
		return nil, err
	}
	s := &Store{UID: uid, Set: set}
	if err := p.sp(); err != nil {
		return nil, err
	}
	if p.peek() == '(' {
		// RFC 7162 §3.1.3: store-modifier UNCHANGEDSINCE
		err := p.list(false, func() error {
			mod, err := p.keyword("store modifier")
			if err != nil {
				return err
			}
			if mod != "UNCHANGEDSINCE" {
				return bad("unknown store modifier %s", truncate([]byte(mod), 30))
			}
			if err := p.sp(); err != nil {
				return err
			}
			n, err := p.number64("UNCHANGEDSINCE mod-sequence")
			s.UnchangedSince = &n
			return err
		})
		if err != nil {
			return nil, err
		}
		if err := p.sp(); err != nil {
			return nil, err
		}
	}
	switch p.peek() {
	case '+':
		s.Op = StoreAdd
		p.pos++
	case '-':
		s.Op = StoreRemove
		p.pos++
	}
	item, err := p.keyword("FLAGS or FLAGS.SILENT")
	if err != nil {
		return nil, err
	}
	switch item {
	case "FLAGS":
	case "FLAGS.SILENT":
		s.Silent = true
	default:
		return nil, bad("expected FLAGS or FLAGS.SILENT, not %s", truncate([]byte(item), 30))
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	if p.peek() == '(' {
		s.Flags, err = p.flagList()
		return s, err
	}
	// RFC 9051 §9: store-att-flags allows flags without parentheses.
	s.Flags = []string{}
	for {
		f, err := p.flag()
		if err != nil {
			return nil, err
		}
		s.Flags = append(s.Flags, f)
		if !p.trySP() {
			return s, nil
		}
	}
}

func parseGetQuota(p *parser, _ string) (any, error) {
	root, err := p.astring("quota root")
	return &Quota{Root: root}, err
}

func parseSetQuota(p *parser, _ string) (any, error) {
	root, err := p.astring("quota root")
	if err != nil {
		return nil, err
	}
	if err := p.sp(); err != nil {
		return nil, err
	}
	q := &SetQuota{Root: root}
	err = p.list(true, func() error {
		res, err := p.keyword("quota resource")
		if err != nil {
			return err
		}
		if err := p.sp(); err != nil {
			return err
		}
		n, err := p.number64("quota limit")
		q.Limits = append(q.Limits, QuotaLimit{Resource: strings.ToUpper(res), Limit: n})
		return err
	})
	return q, err
}
