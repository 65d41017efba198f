package wire

import (
	"strconv"
	"strings"
)

// Code is a response code (RFC 9051 §7.1) with its argument text already
// formatted; Code{} is none.
type Code struct {
	Name string
	Arg  string
}

// Response codes without arguments (RFC 9051 §7.1, RFC 5530, RFC 7162,
// RFC 4469, RFC 9208).
var (
	CodeAlert          = Code{Name: "ALERT"}
	CodeAlreadyExists  = Code{Name: "ALREADYEXISTS"}
	CodeAuthFailed     = Code{Name: "AUTHENTICATIONFAILED"}
	CodeAuthzFailed    = Code{Name: "AUTHORIZATIONFAILED"}
	CodeCannot         = Code{Name: "CANNOT"}
	CodeClientBug      = Code{Name: "CLIENTBUG"}
	CodeClosed         = Code{Name: "CLOSED"}
	CodeContactAdmin   = Code{Name: "CONTACTADMIN"}
	CodeCorruption     = Code{Name: "CORRUPTION"}
	CodeExpired        = Code{Name: "EXPIRED"}
	CodeExpungeIssued  = Code{Name: "EXPUNGEISSUED"}
	CodeHasChildren    = Code{Name: "HASCHILDREN"}
	CodeInUse          = Code{Name: "INUSE"}
	CodeLimit          = Code{Name: "LIMIT"}
	CodeNoModSeq       = Code{Name: "NOMODSEQ"}
	CodeNonExistent    = Code{Name: "NONEXISTENT"}
	CodeNoPerm         = Code{Name: "NOPERM"}
	CodeOverQuota      = Code{Name: "OVERQUOTA"}
	CodeParse          = Code{Name: "PARSE"}
	CodePrivacyReq     = Code{Name: "PRIVACYREQUIRED"}
	CodeReadOnly       = Code{Name: "READ-ONLY"}
	CodeReadWrite      = Code{Name: "READ-WRITE"}
	CodeServerBug      = Code{Name: "SERVERBUG"}
	CodeTooBig         = Code{Name: "TOOBIG"}
	CodeTryCreate      = Code{Name: "TRYCREATE"}
	CodeUnavailable    = Code{Name: "UNAVAILABLE"}
	CodeUnknownCTE     = Code{Name: "UNKNOWN-CTE"}
	CodeUseAttr        = Code{Name: "USEATTR"}
	CodeCompressActive = Code{Name: "COMPRESSIONACTIVE"}
)

func num(n uint64) string { return strconv.FormatUint(n, 10) }

// CodeCapability is [CAPABILITY ...].
func CodeCapability(caps ...string) Code { return Code{"CAPABILITY", strings.Join(caps, " ")} }

// CodeUIDValidity is [UIDVALIDITY n].
func CodeUIDValidity(n uint32) Code { return Code{"UIDVALIDITY", num(uint64(n))} }

// CodeUIDNext is [UIDNEXT n].
func CodeUIDNext(n uint32) Code { return Code{"UIDNEXT", num(uint64(n))} }

// CodeUnseen is [UNSEEN n] (RFC 3501 §7.1; not in rev2).
func CodeUnseen(seq uint32) Code { return Code{"UNSEEN", num(uint64(seq))} }

// CodeHighestModSeq is [HIGHESTMODSEQ n] (RFC 7162 §3.1.2.1).
func CodeHighestModSeq(n uint64) Code { return Code{"HIGHESTMODSEQ", num(n)} }

// CodeNoUpdate is [NOUPDATE "tag"] (RFC 5267 §4.3.1): the server keeps no
// context for the searching command of tag. A tag holds no '"' or '\'
// (tag-char is an ASTRING-CHAR), so it is quoted as it is.
func CodeNoUpdate(tag string) Code { return Code{"NOUPDATE", `"` + tag + `"`} }

// CodeModified is [MODIFIED set] (RFC 7162 §3.1.3).
func CodeModified(set SeqSet) Code { return Code{"MODIFIED", set.String()} }

// CodeAppendUID is [APPENDUID uidvalidity uid-set] (RFC 4315 §3; a set
// for MULTIAPPEND).
func CodeAppendUID(uidValidity uint32, uids SeqSet) Code {
	return Code{"APPENDUID", num(uint64(uidValidity)) + " " + uids.String()}
}

// CodeCopyUID is [COPYUID uidvalidity source-uids dest-uids] (RFC 4315 §3).
func CodeCopyUID(uidValidity uint32, src, dst SeqSet) Code {
	return Code{"COPYUID", num(uint64(uidValidity)) + " " + src.String() + " " + dst.String()}
}

// CodePermanentFlags is [PERMANENTFLAGS (...)].
func CodePermanentFlags(flags []string) Code {
	return Code{"PERMANENTFLAGS", "(" + strings.Join(flags, " ") + ")"}
}

// CodeBadCharset is [BADCHARSET (...)] listing the charsets supported.
func CodeBadCharset(charsets []string) Code {
	return Code{"BADCHARSET", "(" + strings.Join(charsets, " ") + ")"}
}

// CodeMailboxID is [MAILBOXID (id)] (RFC 8474 §4.1).
func CodeMailboxID(id string) Code { return Code{"MAILBOXID", "(" + id + ")"} }

// Status writes a status response (RFC 9051 §7.1): OK, NO, BAD, BYE or
// PREAUTH. The tag "" makes it untagged.
func (w *Writer) Status(tag, status string, code Code, text string) error {
	if tag == "" {
		tag = "*"
	}
	w.Start(tag).Atom(status)
	if code.Name != "" {
		c := "[" + code.Name
		if code.Arg != "" {
			c += " " + code.Arg
		}
		c += "]"
		w.Atom(strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == 0 {
				return ' '
			}
			return r
		}, c))
	}
	w.Atom(cleanText(text))
	return w.End()
}

// Refused writes the response to a command the Reader refused.
func (w *Writer) Refused(e *Error) error {
	code := Code{}
	if e.Code != "" {
		code.Name = e.Code
	}
	return w.Status(e.Tag, e.Status, code, e.Text)
}

// Capability writes "* CAPABILITY ...".
func (w *Writer) Capability(caps ...string) error {
	w.Start("*").Atom("CAPABILITY")
	for _, c := range caps {
		w.Atom(c)
	}
	return w.End()
}

// Count writes "* n EXISTS", "* n RECENT", "* n EXPUNGE".
func (w *Writer) Count(n uint32, what string) error {
	return w.Start("*").Number(uint64(n)).Atom(what).End()
}

// Flags writes "* FLAGS (...)".
func (w *Writer) Flags(flags []string) error {
	return w.Start("*").Atom("FLAGS").List(flags).End()
}

// ListItem writes "* LIST (attrs) delim name" (or LSUB); delim 0 is NIL.
func (w *Writer) ListItem(lsub bool, attrs []string, delim byte, name string) error {
	kind := "LIST"
	if lsub {
		kind = "LSUB"
	}
	w.Start("*").Atom(kind).List(attrs)
	if delim == 0 {
		w.Nil()
	} else {
		w.String(string(delim))
	}
	return w.Mailbox(name).End()
}

// StatusItem is one STATUS data item and its value.
type StatusItem struct {
	Name  string
	Value uint64
}

// MailboxStatus writes "* STATUS name (item value ...)".
func (w *Writer) MailboxStatus(name string, items []StatusItem) error {
	w.Start("*").Atom("STATUS").Mailbox(name).Open()
	for _, it := range items {
		w.Atom(it.Name).Number(it.Value)
	}
	return w.Close().End()
}

// SearchResult writes "* SEARCH n ..." with the CONDSTORE "(MODSEQ n)"
// when modSeq is not zero (RFC 7162 §3.1.5).
func (w *Writer) SearchResult(nums []uint32, modSeq uint64) error {
	w.Start("*").Atom("SEARCH")
	for _, n := range nums {
		w.Number(uint64(n))
	}
	if modSeq != 0 && len(nums) > 0 {
		w.Open().Atom("MODSEQ").Number(modSeq).Close()
	}
	return w.End()
}

// ESearchResult is one return item of ESEARCH: MIN, MAX, COUNT (Value) or
// ALL (Set), MODSEQ (Value); PARTIAL (Range, and Set: NIL when nil or
// empty, RFC 9394 §3.1); ADDTO and REMOVEFROM (Updates, RFC 5267 §4.3).
type ESearchResult struct {
	Name    string
	Value   uint64
	Set     *SeqSet
	Range   string          // PARTIAL: the range as the client gave it
	Updates []ContextUpdate // ADDTO, REMOVEFROM
}

// ContextUpdate is one "context-position SP sequence-set" pair of ADDTO or
// REMOVEFROM (RFC 5267 §5): position 0 for SEARCH contexts, the set in the
// context's order.
type ContextUpdate struct {
	Position uint32
	Set      SeqSet
}

// ESearch writes "* ESEARCH (TAG "t") [UID] results" (RFC 4731 §3.1).
func (w *Writer) ESearch(tag string, uid bool, results []ESearchResult) error {
	w.Start("*").Atom("ESEARCH")
	if tag != "" {
		w.Open().Atom("TAG").String(tag).Close()
	}
	if uid {
		w.Atom("UID")
	}
	for _, r := range results {
		w.Atom(r.Name)
		switch {
		case r.Updates != nil:
			w.Open()
			for _, u := range r.Updates {
				w.Number(uint64(u.Position)).Atom(u.Set.String())
			}
			w.Close()
		case r.Range != "":
			w.Open().Atom(r.Range)
			if r.Set == nil || len(r.Set.Ranges) == 0 {
				w.Nil()
			} else {
				w.Atom(r.Set.String())
			}
			w.Close()
		case r.Set != nil:
			w.Atom(r.Set.String())
		default:
			w.Number(r.Value)
		}
	}
	return w.End()
}

// Vanished writes "* VANISHED [(EARLIER)] uids" (RFC 7162 §3.2.10).
func (w *Writer) Vanished(uids SeqSet, earlier bool) error {
	w.Start("*").Atom("VANISHED")
	if earlier {
		w.Atom("(EARLIER)")
	}
	return w.Atom(uids.String()).End()
}

// Enabled writes "* ENABLED ..." (RFC 5161 §3.2).
func (w *Writer) Enabled(caps []string) error {
	w.Start("*").Atom("ENABLED")
	for _, c := range caps {
		w.Atom(c)
	}
	return w.End()
}

// IDResponse writes "* ID (...)" or "* ID NIL" (RFC 2971 §3.2).
func (w *Writer) IDResponse(params [][2]string) error {
	w.Start("*").Atom("ID")
	if len(params) == 0 {
		return w.Nil().End()
	}
	w.Open()
	for _, kv := range params {
		w.String(kv[0]).String(kv[1])
	}
	return w.Close().End()
}

// QuotaResource is a resource's usage and limit (RFC 9208 §5).
type QuotaResource struct {
	Name         string
	Usage, Limit uint64
}

// QuotaResponse writes "* QUOTA root (resource usage limit ...)".
func (w *Writer) QuotaResponse(root string, res []QuotaResource) error {
	w.Start("*").Atom("QUOTA").AString(root).Open()
	for _, r := range res {
		w.Atom(r.Name).Number(r.Usage).Number(r.Limit)
	}
	return w.Close().End()
}

// QuotaRoot writes "* QUOTAROOT mailbox root ...".
func (w *Writer) QuotaRoot(mailbox string, roots []string) error {
	w.Start("*").Atom("QUOTAROOT").Mailbox(mailbox)
	for _, r := range roots {
		w.AString(r)
	}
	return w.End()
}

// Namespace is one namespace: prefix and delimiter (0 is NIL).
type Namespace struct {
	Prefix string
	Delim  byte
}

// NamespaceResponse writes "* NAMESPACE personal other shared"; a nil
// slice is NIL (RFC 9051 §7.3.1).
func (w *Writer) NamespaceResponse(personal, other, shared []Namespace) error {
	w.Start("*").Atom("NAMESPACE")
	for _, group := range [][]Namespace{personal, other, shared} {
		if len(group) == 0 {
			w.Nil()
			continue
		}
		w.Open()
		for _, ns := range group {
			w.Open().Mailbox(ns.Prefix)
			if ns.Delim == 0 {
				w.Nil()
			} else {
				w.String(string(ns.Delim))
			}
			w.Close()
		}
		w.Close()
	}
	return w.End()
}

// BeginFetch starts "* seq FETCH (": the caller writes item names (Atom,
// or FetchItem.ResponseName) and values, then EndFetch.
func (w *Writer) BeginFetch(seq uint32) *Writer {
	return w.Start("*").Number(uint64(seq)).Atom("FETCH").Open()
}

// EndFetch ends a FETCH response.
func (w *Writer) EndFetch() error { return w.Close().End() }
