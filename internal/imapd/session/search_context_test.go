package session

import (
	"fmt"
	"strings"
	"testing"

	"postroom/internal/store"
)

// ctxStep is one step of a context script: a change made elsewhere (a
// delivery, another client's STORE or EXPUNGE), then a command and every
// response up to its tagged one.
type ctxStep struct {
	do   func(h *harness, mb int64)
	send string
	want []string
}

func cmd(send string, want ...string) ctxStep { return ctxStep{send: send, want: want} }

func after(do func(h *harness, mb int64), send string, want ...string) ctxStep {
	return ctxStep{do: do, send: send, want: want}
}

func deliver(subject string, seen bool) func(h *harness, mb int64) {
	return func(h *harness, mb int64) {
		m := h.Put(h.acct.ID, "INBOX", "Subject: "+subject+"\r\n\r\nx\r\n")
		if seen {
			h.Mail.StoreFlags(h.Ctx, h.who(), mb, []uint32{m.UID}, store.FlagsAdd, []string{`\Seen`})
		}
	}
}

func flag(op store.FlagOp, f string, uids ...uint32) func(h *harness, mb int64) {
	return func(h *harness, mb int64) {
		if _, err := h.Mail.StoreFlags(h.Ctx, h.who(), mb, uids, op, []string{f}); err != nil {
			h.t.Fatal(err)
		}
	}
}

func expunge(uids ...uint32) func(h *harness, mb int64) {
	return func(h *harness, mb int64) {
		if _, err := h.Mail.Expunge(h.Ctx, h.who(), mb, uids); err != nil {
			h.t.Fatal(err)
		}
	}
}

// selectInbox selects INBOX and reads its responses unchecked.
func selectInbox(c *client) {
	c.t.Helper()
	c.send("s SELECT INBOX")
	if got := c.until("s"); !strings.HasPrefix(got[len(got)-1], "s OK") {
		c.t.Fatalf("SELECT: %q", got)
	}
}

// TestContexts: RFC 5267 §4 (CONTEXT=SEARCH, CONTEXT=SORT) with the
// PARTIAL return option as RFC 9394 §3 revises it. Every case starts with
// INBOX holding UIDs 1-3 (subjects b, d, c; 2 is \Seen) selected.
func TestContexts(t *testing.T) {
	cases := []struct {
		name  string
		steps []ctxStep
	}{
		{"§4.3: UID SEARCH RETURN (UPDATE): ADDTO after the EXISTS, REMOVEFROM on a flag change and before the EXPUNGE (§4.3.3, §4.3.4)", []ctxStep{
			cmd(`b UID SEARCH RETURN (UPDATE) UNSEEN`, `* ESEARCH (TAG "b") UID ALL 1,3`, "b OK Search completed, will notify"),
			after(deliver("e", false), `c NOOP`, "* 4 EXISTS", "* 4 RECENT", `* ESEARCH (TAG "b") UID ADDTO (0 4)`, "c OK ..."),
			after(flag(store.FlagsAdd, `\Seen`, 1), `d NOOP`, `* 1 FETCH (FLAGS (\Seen \Recent) UID 1)`, `* ESEARCH (TAG "b") UID REMOVEFROM (0 1)`, "d OK ..."),
			after(flag(store.FlagsRemove, `\Seen`, 2), `e NOOP`, `* 2 FETCH (FLAGS (\Recent) UID 2)`, `* ESEARCH (TAG "b") UID ADDTO (0 2)`, "e OK ..."),
			after(expunge(3), `f NOOP`, `* ESEARCH (TAG "b") UID REMOVEFROM (0 3)`, "* 3 EXPUNGE", "f OK ..."),
			// a change that leaves the result as it was sends nothing
			after(flag(store.FlagsAdd, `\Flagged`, 2), `g NOOP`, `* 2 FETCH (FLAGS (\Flagged \Recent) UID 2)`, "g OK ..."),
			// §4.3.5: CANCELUPDATE ends the updates; an unknown tag is BAD
			cmd(`h CANCELUPDATE "b"`, "h OK ..."),
			after(deliver("f", false), `i NOOP`, "* 4 EXISTS", "* 4 RECENT", "i OK ..."),
			cmd(`j CANCELUPDATE "b"`, "j BAD ..."),
		}},
		{"§4.3.2: SEARCH by sequence numbers: REMOVEFROM names the number before the EXPUNGE changes it, ADDTO the number the EXISTS gave", []ctxStep{
			cmd(`b SEARCH RETURN (UPDATE COUNT) UNSEEN`, `* ESEARCH (TAG "b") COUNT 2`, "b OK Search completed, will notify"),
			after(expunge(1), `c NOOP`, `* ESEARCH (TAG "b") REMOVEFROM (0 1)`, "* 1 EXPUNGE", "c OK ..."),
			after(deliver("e", false), `d NOOP`, "* 3 EXISTS", "* 3 RECENT", `* ESEARCH (TAG "b") ADDTO (0 3)`, "d OK ..."),
			// EXPUNGE is held back during SEARCH (RFC 9051 §7.5.1); the
			// REMOVEFROM need not wait, its number is still valid (and the
			// search leaves the expunged message out, RFC 2180 §4.1)
			after(expunge(3), `e SEARCH UNSEEN`, "* SEARCH 3", `* ESEARCH (TAG "b") REMOVEFROM (0 2)`, "e OK ..."),
			cmd(`f NOOP`, "* 2 EXPUNGE", "f OK ..."),
		}},
		{"§4.3: more contexts at once, each with its own tag; UID ranges with * follow new messages", []ctxStep{
			cmd(`b UID SEARCH RETURN (UPDATE) UID 2:*`, `* ESEARCH (TAG "b") UID ALL 2:3`, "b OK ..."),
			cmd(`c UID SEARCH RETURN (UPDATE CONTEXT MIN) SEEN`, `* ESEARCH (TAG "c") UID MIN 2`, "c OK ..."),
			after(deliver("e", true), `d NOOP`, "* 4 EXISTS", "* 4 RECENT", `* ESEARCH (TAG "b") UID ADDTO (0 4)`, `* ESEARCH (TAG "c") UID ADDTO (0 4)`, "d OK ..."),
			cmd(`e CANCELUPDATE "b" "c"`, "e OK ..."),
			cmd(`f CANCELUPDATE "c"`, "f BAD ..."),
		}},
		{"§4.3: UPDATE under the tag of a live context is BAD", []ctxStep{
			cmd(`b UID SEARCH RETURN (UPDATE) ALL`, `* ESEARCH (TAG "b") UID ALL 1:3`, "b OK ..."),
			cmd(`b UID SEARCH RETURN (UPDATE) SEEN`, "b BAD ..."),
			cmd(`c CANCELUPDATE "b"`, "c OK ..."),
			cmd(`b UID SEARCH RETURN (UPDATE) SEEN`, `* ESEARCH (TAG "b") UID ALL 2`, "b OK ..."),
		}},
		{"§4.3.1: a search the server cannot keep up to date answers NO [NOUPDATE] and still completes", []ctxStep{
			cmd(`b SEARCH RETURN (UPDATE COUNT) 1:2`, `* ESEARCH (TAG "b") COUNT 2`, `* NO [NOUPDATE "b"] ...`, "b OK Search completed, will not notify"),
			cmd(`c UID SEARCH RETURN (UPDATE) YOUNGER 60`, `* ESEARCH (TAG "c") UID ALL 1:3`, `* NO [NOUPDATE "c"] ...`, "c OK ..."),
			after(deliver("e", false), `d NOOP`, "* 4 EXISTS", "* 4 RECENT", "d OK ..."),
			cmd(`e CANCELUPDATE "b"`, "e BAD ..."),
		}},
		{"§4.3: UNSELECT ends every context", []ctxStep{
			cmd(`b UID SEARCH RETURN (UPDATE) ALL`, `* ESEARCH (TAG "b") UID ALL 1:3`, "b OK ..."),
			cmd(`c UNSELECT`, "c OK ..."),
			cmd(`s SELECT INBOX`, "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "* ...", "s OK ..."),
			after(deliver("e", false), `d NOOP`, "* 4 EXISTS", "* 1 RECENT", "d OK ..."),
			cmd(`e CANCELUPDATE "b"`, "e BAD ..."),
		}},
		{"RFC 9394 §3.1 PARTIAL: positions in the result, from its end when negative, NIL past it; never with ALL", []ctxStep{
			cmd(`a UID SEARCH RETURN (PARTIAL 1:2) ALL`, `* ESEARCH (TAG "a") UID PARTIAL (1:2 1:2)`, "a OK ..."),
			cmd(`b UID SEARCH RETURN (PARTIAL -1:-2) ALL`, `* ESEARCH (TAG "b") UID PARTIAL (-1:-2 2:3)`, "b OK ..."),
			cmd(`c SEARCH RETURN (PARTIAL 3:2 COUNT) ALL`, `* ESEARCH (TAG "c") PARTIAL (3:2 2:3) COUNT 3`, "c OK ..."),
			cmd(`d UID SEARCH RETURN (PARTIAL 5:9) ALL`, `* ESEARCH (TAG "d") UID PARTIAL (5:9 NIL)`, "d OK ..."),
			cmd(`e UID SEARCH RETURN (PARTIAL -2:-9) UNSEEN`, `* ESEARCH (TAG "e") UID PARTIAL (-2:-9 1)`, "e OK ..."),
			cmd(`f SEARCH RETURN (PARTIAL 1:2 ALL) ALL`, "f BAD ..."),
			cmd(`g SEARCH RETURN (PARTIAL 0:2) ALL`, "g BAD ..."),
			cmd(`h SEARCH RETURN (PARTIAL -1:2) ALL`, "h BAD ..."),
			cmd(`i SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL`, "i BAD ..."),
			// §3.2: SAVE with PARTIAL keeps what PARTIAL returned
			cmd(`j SEARCH RETURN (SAVE PARTIAL -1:-1) ALL`, `* ESEARCH (TAG "j") PARTIAL (-1:-1 3)`, "j OK ..."),
			cmd(`k FETCH $ (UID)`, "* 3 FETCH (UID 3)", "k OK ..."),
		}},
		{"RFC 5267 §4.4: SORT RETURN (PARTIAL) counts in sort order", []ctxStep{
			cmd(`a UID SORT RETURN (PARTIAL 1:2) (SUBJECT) UTF-8 ALL`, `* ESEARCH (TAG "a") UID PARTIAL (1:2 1,3)`, "a OK ..."),
			cmd(`b SORT RETURN (PARTIAL -1:-1 COUNT) (SUBJECT) UTF-8 ALL`, `* ESEARCH (TAG "b") PARTIAL (-1:-1 2) COUNT 3`, "b OK ..."),
		}},
		{"§4.3.3, §4.3.4: SORT RETURN (UPDATE): positions in sort order, pairs applied in turn", []ctxStep{
			cmd(`a UID SORT RETURN (UPDATE) (SUBJECT) UTF-8 ALL`, `* ESEARCH (TAG "a") UID ALL 1,3,2`, "a OK ..."),
			// b c d + a → a b c d
			after(deliver("a", false), `b NOOP`, "* 4 EXISTS", "* 4 RECENT", `* ESEARCH (TAG "a") UID ADDTO (1 4)`, "b OK ..."),
			// a b c d − c → a b d
			after(expunge(3), `c NOOP`, `* ESEARCH (TAG "a") UID REMOVEFROM (3 3)`, "* 3 EXPUNGE", "c OK ..."),
			// a b d + ba, e → a b ba d e
			after(func(h *harness, mb int64) { deliver("e", false)(h, mb); deliver("ba", false)(h, mb) },
				`d NOOP`, "* 5 EXISTS", "* 5 RECENT", `* ESEARCH (TAG "a") UID ADDTO (3 6 5 5)`, "d OK ..."),
			// a b ba d e − a, ba → b d e
			after(expunge(4, 6), `e NOOP`, `* ESEARCH (TAG "a") UID REMOVEFROM (1 4 2 6)`, "* 3 EXPUNGE", "* 4 EXPUNGE", "e OK ..."),
		}},
		{"§4.3.3: SORT by sequence numbers: ADDTO with the number the EXISTS gave", []ctxStep{
			// unseen, reverse subject: c b
			cmd(`a SORT RETURN (UPDATE COUNT) (REVERSE SUBJECT) UTF-8 UNSEEN`, `* ESEARCH (TAG "a") COUNT 2`, "a OK ..."),
			// + z, x: z x c b
			after(func(h *harness, mb int64) { deliver("z", false)(h, mb); deliver("x", false)(h, mb) },
				`b NOOP`, "* 5 EXISTS", "* 5 RECENT", `* ESEARCH (TAG "a") ADDTO (1 4:5)`, "b OK ..."),
			// − c: z x b
			after(flag(store.FlagsAdd, `\Seen`, 3), `c NOOP`, `* 3 FETCH (FLAGS (\Seen \Recent) UID 3)`, `* ESEARCH (TAG "a") REMOVEFROM (3 3)`, "c OK ..."),
			// + y (between z and x), − z: y x b, by the numbers after the EXPUNGE
			after(func(h *harness, mb int64) { deliver("y", false)(h, mb); expunge(4)(h, mb) },
				`d NOOP`, `* ESEARCH (TAG "a") REMOVEFROM (1 4)`, "* 4 EXPUNGE", "* 5 EXISTS", "* 5 RECENT", `* ESEARCH (TAG "a") ADDTO (1 5)`, "d OK ..."),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			var mb int64
			for _, subject := range []string{"b", "d", "c"} {
				mb = h.Put(h.acct.ID, "INBOX", "Subject: "+subject+"\r\n\r\nx\r\n").MailboxID
			}
			h.Mail.StoreFlags(h.Ctx, h.who(), mb, []uint32{2}, store.FlagsAdd, []string{`\Seen`})
			c := h.dial(true)
			selectInbox(c)
			for _, st := range tc.steps {
				if st.do != nil {
					st.do(h, mb)
				}
				c.want(st.send, st.want...)
			}
		})
	}
}

// TestContexts_limitAnswersNoUpdate: past maxContexts a search with
// UPDATE answers NO [NOUPDATE] (RFC 5267 §4.3.1) and the others keep
// being updated; CANCELUPDATE makes room.
func TestContexts_limitAnswersNoUpdate(t *testing.T) {
	h := start(t)
	h.Put(h.acct.ID, "INBOX", "Subject: a\r\n\r\nx\r\n")
	c := h.dial(true)
	selectInbox(c)
	for i := range maxContexts {
		tag := fmt.Sprintf("u%d", i)
		c.want(tag+" UID SEARCH RETURN (UPDATE COUNT) ALL", `* ESEARCH (TAG "`+tag+`") UID COUNT 1`, tag+" OK Search completed, will notify")
	}
	c.want("x UID SEARCH RETURN (UPDATE COUNT) ALL", `* ESEARCH (TAG "x") UID COUNT 1`, `* NO [NOUPDATE "x"] ...`, "x OK Search completed, will not notify")
	h.Put(h.acct.ID, "INBOX", "Subject: b\r\n\r\nx\r\n")
	want := []string{"* 2 EXISTS", "* 2 RECENT"}
	for i := range maxContexts {
		want = append(want, fmt.Sprintf(`* ESEARCH (TAG "u%d") UID ADDTO (0 2)`, i))
	}
	c.want("n NOOP", append(want, "n OK ...")...)
	c.want(`k CANCELUPDATE "u3"`, "k OK ...")
	c.want("y UID SEARCH RETURN (UPDATE COUNT) ALL", `* ESEARCH (TAG "y") UID COUNT 2`, "y OK Search completed, will notify")
}

// TestContexts_idlePushesUpdates: RFC 5267 §4.3.2: ADDTO and REMOVEFROM
// "MAY be sent at any time ... when the client is using the IDLE facility".
func TestContexts_idlePushesUpdates(t *testing.T) {
	h := start(t)
	mb := h.Put(h.acct.ID, "INBOX", "Subject: a\r\n\r\nx\r\n").MailboxID
	c := h.dial(true)
	selectInbox(c)
	c.want(`b UID SEARCH RETURN (UPDATE) UNSEEN`, `* ESEARCH (TAG "b") UID ALL 1`, "b OK ...")
	c.send("i IDLE")
	if l := c.line(); l != "+ idling" {
		t.Fatalf("IDLE: %q", l)
	}
	h.Put(h.acct.ID, "INBOX", "Subject: b\r\n\r\nx\r\n")
	for _, want := range []string{"* 2 EXISTS", "* 2 RECENT", `* ESEARCH (TAG "b") UID ADDTO (0 2)`} {
		if l := c.line(); l != want {
			t.Fatalf("pushed %q, want %q", l, want)
		}
	}
	flag(store.FlagsAdd, `\Seen`, 1)(h, mb)
	for _, want := range []string{`* 1 FETCH (FLAGS (\Seen \Recent) UID 1)`, `* ESEARCH (TAG "b") UID REMOVEFROM (0 1)`} {
		if l := c.line(); l != want {
			t.Fatalf("pushed %q, want %q", l, want)
		}
	}
	c.send("DONE")
	if got := c.until("i"); !match(got, []string{"i OK ..."}) {
		t.Errorf("DONE: %q", got)
	}
}

// TestContexts_ownCommands: the session's own STORE, APPEND and EXPUNGE
// update its contexts like anyone else's changes (RFC 5267 §4.3: "as and
// when results change").
func TestContexts_ownCommands(t *testing.T) {
	h := start(t)
	h.Put(h.acct.ID, "INBOX", "Subject: a\r\n\r\nx\r\n")
	c := h.dial(true)
	selectInbox(c)
	c.want(`b UID SEARCH RETURN (UPDATE) UNDELETED`, `* ESEARCH (TAG "b") UID ALL 1`, "b OK ...")
	c.want(`c APPEND INBOX {3+}`+"\r\nx\r\n", "* 2 EXISTS", "* 2 RECENT", `* ESEARCH (TAG "b") UID ADDTO (0 2)`, "c OK [APPENDUID ...")
	c.want(`d UID STORE 1 +FLAGS.SILENT (\Deleted)`, `* ESEARCH (TAG "b") UID REMOVEFROM (0 1)`, "d OK ...")
	c.want(`e STORE 1 -FLAGS.SILENT (\Deleted)`, `* ESEARCH (TAG "b") UID ADDTO (0 1)`, "e OK ...")
	c.want(`f UID MOVE 2 Trash`, "* OK [COPYUID ...", `* ESEARCH (TAG "b") UID REMOVEFROM (0 2)`, "* 2 EXPUNGE", "f OK ...")
}

func TestParsePartial(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string // picked positions (1-based) or "error"
	}{
		{"1:500", 3, "[1 2 3]"},
		{"500:1", 3, "[1 2 3]"},
		{"2:2", 3, "[2]"},
		{"4:9", 3, "[]"},
		{"-1:-1", 3, "[3]"},
		{"-1:-2", 3, "[2 3]"},
		{"-3:-9", 3, "[1]"},
		{"-4:-9", 3, "[]"},
		{"-2:-1", 0, "[]"},
		{"0:1", 3, "error"},
		{"-1:1", 3, "error"},
		{"1:*", 3, "error"},
		{"1", 3, "error"},
		{"+1:2", 3, "error"},
		{"1:4294967296", 3, "error"},
	} {
		p, err := parsePartial(tc.in)
		got := "error"
		if err == nil {
			res := make([]uint32, tc.n)
			for i := range res {
				res[i] = uint32(i + 1)
			}
			got = fmt.Sprint(p.pick(res))
		}
		if got != tc.want {
			t.Errorf("PARTIAL %s of %d: %s, want %s", tc.in, tc.n, got, tc.want)
		}
	}
}
