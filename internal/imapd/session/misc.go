package session

import (
	"cmp"
	"compress/flate"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"

	"postroom/internal/imapd/inflate"
	"postroom/internal/imapd/view"
	"postroom/internal/imapd/wire"
)

// capability answers CAPABILITY (RFC 9051 §6.1.1).
func (s *Session) capability(*wire.Command) error {
	return s.w.Capability(s.capabilities()...)
}

// noop answers NOOP and CHECK: the dispatcher sends the pending updates
// (RFC 9051 §6.1.2 — a client's way of polling).
func (s *Session) noop(*wire.Command) error { return nil }

// logout answers LOGOUT (RFC 9051 §6.1.3): BYE, then the tagged OK.
func (s *Session) logout(*wire.Command) error {
	s.state = Logout
	_ = s.w.Status("", "BYE", wire.Code{}, "Logging out")
	return ok(wire.Code{}, "Logout completed")
}

// id answers ID (RFC 2971, item 10) with the server's name and version;
// what the client says of itself is logged.
func (s *Session) id(cmd *wire.Command) error {
	if a, _ := cmd.Args.(*wire.ID); a != nil && len(a.Params) > 0 {
		var b strings.Builder
		for _, p := range a.Params {
			fmt.Fprintf(&b, "%s=%q ", p[0], p[1])
		}
		s.log().Info("imap client id", "user", s.user(), "id", strings.TrimSpace(b.String()))
	}
	params := [][2]string{{"name", "Postroom"}}
	if v := cmp.Or(s.cfg.Version, buildVersion()); v != "" {
		params = append(params, [2]string{"version", v})
	}
	return s.w.IDResponse(params)
}

// buildVersion is the binary's module version, or its VCS revision for a
// development build; "" when the binary does not say.
var buildVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, st := range bi.Settings {
		if st.Key == "vcs.revision" && len(st.Value) >= 12 {
			return st.Value[:12]
		}
	}
	return ""
})

// enable answers ENABLE (RFC 5161): what the server knows is turned on
// and listed in ENABLED; the rest is ignored.
func (s *Session) enable(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Enable)
	if a == nil {
		return bad(wire.Code{}, "ENABLE needs capability names")
	}
	var on []string
	for _, c := range a.Capabilities {
		switch c {
		case "IMAP4REV2", "CONDSTORE", "QRESYNC", "UTF8=ACCEPT":
		default:
			continue
		}
		on = append(on, s.turnOn(c)...)
	}
	return s.w.Enabled(on)
}

// turnOn enables an extension (ENABLE, or a command that implies it, RFC
// 7162 §3.1) and returns the names newly enabled, in the spelling of the
// CAPABILITY list. QRESYNC implies CONDSTORE (RFC 7162 §3.2.3).
func (s *Session) turnOn(capability string) []string {
	spell := map[string]string{"IMAP4REV2": "IMAP4rev2", "CONDSTORE": "CONDSTORE", "QRESYNC": "QRESYNC", "UTF8=ACCEPT": "UTF8=ACCEPT"}
	var out []string
	names := []string{capability}
	if capability == "QRESYNC" {
		names = []string{"QRESYNC", "CONDSTORE"}
	}
	for _, n := range names {
		if s.enabled[n] {
			continue
		}
		s.enabled[n] = true
		if capability == n {
			out = append(out, spell[n])
		}
	}
	if s.enabled["IMAP4REV2"] || s.enabled["UTF8=ACCEPT"] {
		// names in UTF-8 both ways (RFC 9051 §5.1, RFC 6855 §3)
		s.r.UTF8, s.w.UTF8 = true, true
	}
	if s.sel != nil {
		s.sel.view.Enable(s.viewOptions(s.sel.readOnly))
	}
	return out
}

// viewOptions are the view's options for what the session enabled.
func (s *Session) viewOptions(readOnly bool) view.Options {
	return view.Options{Rev2: s.enabled["IMAP4REV2"], CondStore: s.enabled["CONDSTORE"],
		QResync: s.enabled["QRESYNC"], ReadOnly: readOnly}
}

// compress answers COMPRESS DEFLATE (RFC 4978): after the tagged OK both
// directions go through raw deflate, each response flushed.
func (s *Session) compress(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Compress)
	if a == nil || !strings.EqualFold(a.Mechanism, "DEFLATE") {
		return bad(wire.Code{}, "Only COMPRESS DEFLATE is supported")
	}
	if s.compressed {
		return no(wire.CodeCompressActive, "Compression is already active")
	}
	return &handled{err: ok(wire.Code{}, "DEFLATE active"), after: s.startCompression}
}

func (s *Session) startCompression() error {
	if s.br.Buffered() > 0 {
		return fmt.Errorf("client sent data before compression started")
	}
	fw, err := flate.NewWriter(s.writeTarget(s.conn), flate.DefaultCompression)
	if err != nil {
		return err
	}
	s.compressed = true
	utf8 := s.w.UTF8
	s.w = wire.NewWriter(flushingWriter{fw})
	s.w.UTF8 = utf8
	// our own inflate: it hands out each command as soon as its bytes
	// arrive, whatever flush the client used (compress/flate's waits for
	// a stored block, which mbsync's Z_PARTIAL_FLUSH never sends)
	s.br.Reset(inflate.NewReader(s.conn))
	s.r.Reset(s.br)
	return nil
}

// flushingWriter flushes the deflate stream after every write: the
// wire.Writer writes when a response is complete (or its buffer is full),
// and the client must get each response whole without waiting.
type flushingWriter struct{ fw *flate.Writer }

func (f flushingWriter) Write(p []byte) (int, error) {
	n, err := f.fw.Write(p)
	if err == nil {
		err = f.fw.Flush()
	}
	return n, err
}

var _ io.Writer = flushingWriter{}

// namespace answers NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal
// namespace, no shared folders.
func (s *Session) namespace(*wire.Command) error {
	return s.w.NamespaceResponse([]wire.Namespace{{Prefix: "", Delim: delim}}, nil, nil)
}

// quotaRoot is the one quota root of an account: its whole storage.
const quotaRoot = ""

// quota returns the account's usage and limit in bytes; limit 0 is none.
func (s *Session) quota() (usage, limit int64, err error) {
	q, err := s.cfg.Mail.Quota(s.ctx, s.who())
	if err != nil {
		return 0, 0, err
	}
	return q.UsedBytes, q.LimitBytes, nil
}

// writeQuota writes "* QUOTA "" (STORAGE used limit)" in KiB (RFC 9208
// §5.1: STORAGE is in units of 1024 octets).
func (s *Session) writeQuota(usage, limit int64) error {
	return s.w.QuotaResponse(quotaRoot, []wire.QuotaResource{{Name: "STORAGE",
		Usage: uint64((usage + 1023) / 1024), Limit: uint64(limit / 1024)}})
}

// getQuota answers GETQUOTA (RFC 9208 §4.2).
func (s *Session) getQuota(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Quota)
	if a == nil || a.Root != quotaRoot {
		return no(wire.CodeNonExistent, "No such quota root")
	}
	usage, limit, err := s.quota()
	if err != nil {
		return err
	}
	if limit <= 0 {
		return no(wire.CodeNonExistent, "This account has no quota")
	}
	return s.writeQuota(usage, limit)
}

// getQuotaRoot answers GETQUOTAROOT (RFC 9208 §4.3): every mailbox is
// under the account's root; an account without quota has no root.
func (s *Session) getQuotaRoot(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Mailbox)
	if a == nil {
		return bad(wire.Code{}, "GETQUOTAROOT needs a mailbox")
	}
	mb, err := s.mailbox(a.Name)
	if err != nil {
		return err
	}
	usage, limit, err := s.quota()
	if err != nil {
		return err
	}
	if limit <= 0 {
		return s.w.QuotaRoot(mb.Name, nil)
	}
	if err := s.w.QuotaRoot(mb.Name, []string{quotaRoot}); err != nil {
		return err
	}
	return s.writeQuota(usage, limit)
}

// setQuota answers SETQUOTA: quotas are the administrator's (RFC 9208
// §4.4).
func (s *Session) setQuota(*wire.Command) error {
	return no(wire.CodeNoPerm, "Quotas are set by the mail administrator")
}
