package interop

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// TestIMAPGoSearch: SEARCH keys on four messages, with Korean text in
// UTF-8 (decoded from UTF-8 and EUC-KR encoded words and bodies), dates,
// sizes, sets, NOT/OR, HEADER, UID SEARCH and ESEARCH.
func TestIMAPGoSearch(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-search")
	c := igLogin(t, s, "search", user, nil)
	to := "<" + user + ">"
	noon := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

	ids := []string{uniqueID("s1"), uniqueID("s2"), uniqueID("s3"), uniqueID("s4")}
	m1 := igMessage(`"Alice Kim" <alice@a.example>`, to, "Quarterly report", ids[0], noon(2024, 1, 10), "",
		"The numbers look good this quarter.\n")
	m2 := igMessage("<bob@b.example>", to, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte("견적서 송부"))+"?=", ids[1], noon(2024, 2, 15), "",
		"안녕하세요, 견적서를 보내드립니다.\n")
	m3 := igMessage("<carol@c.example>", to, "Lunch", ids[2], noon(2024, 3, 20), "X-Imapgo-Tag: urgent\r\n",
		"Meeting at noon in the 회의실.\n"+strings.Repeat("lorem ipsum filler line 0123456789\n", 170))
	body4 := igBase64Lines(igEncodeEUCKR(t, "다음 회의는 월요일입니다.\r\n"))
	m4 := []byte("From: <dave@d.example>\r\nTo: " + to + "\r\nSubject: " + igEUCKRWord(t, "회의록") + "\r\n" +
		"Date: " + noon(2024, 3, 21).Format(time.RFC1123Z) + "\r\nMessage-ID: <" + ids[3] + ">\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body4)
	if len(m1) >= 4000 || len(m2) >= 4000 || len(m4) >= 4000 || len(m3) <= 4000 {
		t.Fatalf("test messages have the wrong sizes: %d %d %d %d", len(m1), len(m2), len(m3), len(m4))
	}
	msgs := []struct {
		raw   []byte
		date  time.Time
		flags []imap.Flag
	}{
		{m1, noon(2024, 1, 10), []imap.Flag{imap.FlagSeen}},
		{m2, noon(2024, 2, 15), []imap.Flag{imap.FlagFlagged}},
		{m3, noon(2024, 3, 20), nil},
		{m4, noon(2024, 3, 21), []imap.Flag{imap.FlagSeen, imap.FlagFlagged}},
	}
	var uids []imap.UID
	for _, m := range msgs {
		uids = append(uids, c.igAppend(t, "INBOX", m.raw, &imap.AppendOptions{Flags: m.flags, Time: m.date}).UID)
	}
	c.igSelect(t, "INBOX")

	search := func(what string, crit *imap.SearchCriteria, want ...uint32) {
		t.Helper()
		data, err := c.Search(crit, nil).Wait()
		if err != nil {
			t.Errorf("SEARCH %s: %v", what, err)
			return
		}
		got := data.AllSeqNums()
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("SEARCH %s: %v, want %v", what, got, want)
		}
	}
	hdr := func(k, v string) *imap.SearchCriteria {
		return &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: k, Value: v}}}
	}

	search("ALL", &imap.SearchCriteria{}, 1, 2, 3, 4)
	search("UNSEEN", &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, 2, 3)
	search("SEEN", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}, 1, 4)
	search("FLAGGED", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}, 2, 4)
	search("UNFLAGGED", &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagFlagged}}, 1, 3)
	search("FLAGGED UNSEEN", &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}, NotFlag: []imap.Flag{imap.FlagSeen}}, 2)
	search("FROM bob", hdr("From", "bob"), 2)
	search("FROM \"Alice Kim\"", hdr("From", "Alice Kim"), 1)
	search("TO user", hdr("To", user), 1, 2, 3, 4)
	search("SUBJECT REPORT (case-insensitive)", hdr("Subject", "REPORT"), 1)
	search("SUBJECT 견적서 (UTF-8 encoded word)", hdr("Subject", "견적서"), 2)
	search("SUBJECT 회의록 (EUC-KR encoded word)", hdr("Subject", "회의록"), 4)
	search("SUBJECT 회의 (two Korean letters)", hdr("Subject", "회의"), 4)
	search("BODY numbers", &imap.SearchCriteria{Body: []string{"numbers"}}, 1)
	search("BODY 견적서 (8-bit UTF-8 body)", &imap.SearchCriteria{Body: []string{"견적서"}}, 2)
	search("BODY 회의 (UTF-8 and base64 EUC-KR bodies)", &imap.SearchCriteria{Body: []string{"회의"}}, 3, 4)
	search("BODY 월요일 (base64 EUC-KR body)", &imap.SearchCriteria{Body: []string{"월요일"}}, 4)
	search("BODY Quarterly (only in a header)", &imap.SearchCriteria{Body: []string{"Quarterly"}})
	search("TEXT 회의", &imap.SearchCriteria{Text: []string{"회의"}}, 3, 4)
	search("TEXT urgent (a header value)", &imap.SearchCriteria{Text: []string{"urgent"}}, 3)
	search("TEXT alice (the From header)", &imap.SearchCriteria{Text: []string{"alice"}}, 1)
	search("SINCE 1-Mar-2024", &imap.SearchCriteria{Since: noon(2024, 3, 1).Truncate(24 * time.Hour)}, 3, 4)
	search("BEFORE 1-Feb-2024", &imap.SearchCriteria{Before: noon(2024, 2, 1).Truncate(24 * time.Hour)}, 1)
	day := time.Date(2024, 2, 15, 0, 0, 0, 0, time.UTC)
	search("ON 15-Feb-2024", &imap.SearchCriteria{Since: day, Before: day.Add(24 * time.Hour)}, 2)
	search("SINCE 15-Mar-2024 BEFORE 21-Mar-2024", &imap.SearchCriteria{Since: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), Before: time.Date(2024, 3, 21, 0, 0, 0, 0, time.UTC)}, 3)
	search("LARGER 4000", &imap.SearchCriteria{Larger: 4000}, 3)
	search("SMALLER 4000", &imap.SearchCriteria{Smaller: 4000}, 1, 2, 4)
	search("2:3", &imap.SearchCriteria{SeqNum: []imap.SeqSet{{{Start: 2, Stop: 3}}}}, 2, 3)
	search("UID uid2:uid3", &imap.SearchCriteria{UID: []imap.UIDSet{{{Start: uids[1], Stop: uids[2]}}}}, 2, 3)
	search("NOT FROM bob", &imap.SearchCriteria{Not: []imap.SearchCriteria{*hdr("From", "bob")}}, 1, 3, 4)
	search("OR FROM alice FROM carol", &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{*hdr("From", "alice"), *hdr("From", "carol")}}}, 1, 3)
	search("OR SEEN FLAGGED", &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{{Flag: []imap.Flag{imap.FlagSeen}}, {Flag: []imap.Flag{imap.FlagFlagged}}}}}, 1, 2, 4)
	search("HEADER X-Imapgo-Tag urgent", hdr("X-Imapgo-Tag", "urgent"), 3)
	search("HEADER X-Imapgo-Tag \"\" (has the field)", hdr("X-Imapgo-Tag", ""), 3)
	search("HEADER Message-ID", hdr("Message-ID", ids[1]), 2)
	search("SUBJECT nothing-matches", hdr("Subject", "nothing-matches-this"))

	// UID SEARCH.
	data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		t.Errorf("UID SEARCH UNSEEN: %v", err)
	} else if got := data.AllUIDs(); !slices.Equal(got, []imap.UID{uids[1], uids[2]}) {
		t.Errorf("UID SEARCH UNSEEN: %v, want %v", got, []imap.UID{uids[1], uids[2]})
	}
	data, err = c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{{Start: uids[2], Stop: 0}}}}, nil).Wait()
	if err != nil {
		t.Errorf("UID SEARCH UID uid3:*: %v", err)
	} else if got := data.AllUIDs(); !slices.Equal(got, []imap.UID{uids[2], uids[3]}) {
		t.Errorf("UID SEARCH UID %d:*: %v, want %v", uids[2], got, uids[2:])
	}

	// ESEARCH.
	ret := &imap.SearchOptions{ReturnMin: true, ReturnMax: true, ReturnCount: true, ReturnAll: true}
	data, err = c.Search(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}, ret).Wait()
	if err != nil {
		t.Errorf("SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED: %v", err)
	} else if data.Min != 2 || data.Max != 4 || data.Count != 2 || !slices.Equal(data.AllSeqNums(), []uint32{2, 4}) {
		t.Errorf("SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED: min %d max %d count %d all %v, want 2 4 2 [2 4]", data.Min, data.Max, data.Count, data.All)
	}
	data, err = c.UIDSearch(&imap.SearchCriteria{Body: []string{"회의"}}, ret).Wait()
	if err != nil {
		t.Errorf("UID SEARCH RETURN (MIN MAX COUNT ALL) BODY 회의: %v", err)
	} else if data.Min != uint32(uids[2]) || data.Max != uint32(uids[3]) || data.Count != 2 || !slices.Equal(data.AllUIDs(), []imap.UID{uids[2], uids[3]}) {
		t.Errorf("UID SEARCH RETURN (...) BODY 회의: min %d max %d count %d all %v, want %d %d 2", data.Min, data.Max, data.Count, data.All, uids[2], uids[3])
	}
	data, err = c.Search(&imap.SearchCriteria{Body: []string{"no-such-words-anywhere"}}, &imap.SearchOptions{ReturnCount: true}).Wait()
	if err != nil || data.Count != 0 {
		t.Errorf("SEARCH RETURN (COUNT) with no match: %+v %v, want COUNT 0", data, err)
	}

	// The exact wire forms: CHARSET UTF-8 with a literal, and an unknown charset.
	raw := igLoginRaw(t, s, "search-raw", user)
	raw.cmd("SELECT INBOX")
	word := []byte("견적서")
	r, sent := raw.cmdLiteral("SEARCH CHARSET UTF-8 BODY", word, "")
	if !sent || r.Status != "OK" || !slices.Contains(r.Untagged, "* SEARCH 2") {
		t.Errorf("SEARCH CHARSET UTF-8 BODY {%d} 견적서: %s, want * SEARCH 2", len(word), r)
	}
	r, sent = raw.cmdLiteral("UID SEARCH CHARSET UTF-8 TEXT", []byte("회의"), "")
	if want := fmt.Sprintf("* SEARCH %d %d", uids[2], uids[3]); !sent || r.Status != "OK" || !slices.Contains(r.Untagged, want) {
		t.Errorf("UID SEARCH CHARSET UTF-8 TEXT 회의: %s, want %s", r, want)
	}
	r, sent = raw.cmdLiteral("SEARCH CHARSET UTF-8 SUBJECT", []byte("회의록"), " UNSEEN")
	if !sent || r.Status != "OK" || !slices.Contains(r.Untagged, "* SEARCH") {
		t.Errorf("SEARCH CHARSET UTF-8 SUBJECT 회의록 UNSEEN: %s, want an empty * SEARCH", r)
	}
	if r := raw.cmd("SEARCH CHARSET X-NO-SUCH-CHARSET SUBJECT report"); r.Status != "NO" || r.Code != "BADCHARSET" {
		t.Errorf("SEARCH with an unknown charset: %s, want NO [BADCHARSET]", r)
	}
	if r := raw.cmd("SEARCH SUBJECT report"); r.Status != "OK" || !slices.Contains(r.Untagged, "* SEARCH 1") {
		t.Errorf("SEARCH SUBJECT report after the refusal: %s", r)
	}
}

// TestIMAPGoStoreCopyMoveExpunge: STORE +FLAGS/-FLAGS/FLAGS (.SILENT) with
// keywords, COPY and MOVE with COPYUID, UID EXPUNGE and EXPUNGE, CLOSE.
func TestIMAPGoStoreCopyMoveExpunge(t *testing.T) {
	s := igServer(t)
	user := igUser(t, s, "imapgo-store")
	rec := newIGRecorder()
	c := igLogin(t, s, "store", user, rec.handler())
	var raws [][]byte
	var ids []string
	for i := 1; i <= 5; i++ {
		id := uniqueID(fmt.Sprintf("m%d", i))
		raw := igMessage("<a@remote.example>", "<"+user+">", fmt.Sprintf("message %d", i), id, time.Now(), "", fmt.Sprintf("body %d\n", i))
		c.igAppend(t, "INBOX", raw, nil)
		raws = append(raws, raw)
		ids = append(ids, id)
	}
	sel := c.igSelect(t, "INBOX")
	if sel.NumMessages != 5 {
		t.Fatalf("SELECT INBOX: %d messages, want 5", sel.NumMessages)
	}
	if !igHasFlag(sel.PermanentFlags, `\*`) {
		t.Errorf("PERMANENTFLAGS %v lack \\* (keywords cannot be stored)", sel.PermanentFlags)
	}
	uids := c.igUIDs(t)
	if len(uids) != 5 {
		t.Fatalf("UID SEARCH ALL: %v", uids)
	}

	store := func(what string, set imap.NumSet, op imap.StoreFlagsOp, silent bool, flags ...imap.Flag) []*igFetchResult {
		t.Helper()
		msgs, err := c.Store(set, &imap.StoreFlags{Op: op, Silent: silent, Flags: flags}, nil).Collect()
		if err != nil {
			t.Errorf("STORE %s: %v", what, err)
			return nil
		}
		var out []*igFetchResult
		for _, m := range msgs {
			out = append(out, &igFetchResult{Seq: m.SeqNum, UID: m.UID, Flags: m.Flags})
		}
		return out
	}
	wantFetch := func(what string, got []*igFetchResult, seq uint32, flags ...imap.Flag) {
		t.Helper()
		if len(got) != 1 || got[0].Seq != seq || !igSameFlags(got[0].Flags, flags...) {
			t.Errorf("STORE %s: FETCH responses %+v, want one for %d with FLAGS %v", what, igDeref(got), seq, flags)
		}
	}
	const kw1, kw2 = imap.Flag("$Important"), imap.Flag("project-x")
	wantFetch("1 +FLAGS (\\Flagged)", store("+FLAGS", imap.SeqSetNum(1), imap.StoreFlagsAdd, false, imap.FlagFlagged), 1, imap.FlagFlagged)
	wantFetch("1 +FLAGS ($Important project-x)", store("+FLAGS keywords", imap.SeqSetNum(1), imap.StoreFlagsAdd, false, kw1, kw2), 1, imap.FlagFlagged, kw1, kw2)
	wantFetch("1 -FLAGS (\\Flagged)", store("-FLAGS", imap.SeqSetNum(1), imap.StoreFlagsDel, false, imap.FlagFlagged), 1, kw1, kw2)
	wantFetch("2 FLAGS (\\Answered \\Seen)", store("FLAGS", imap.SeqSetNum(2), imap.StoreFlagsSet, false, imap.FlagAnswered, imap.FlagSeen), 2, imap.FlagAnswered, imap.FlagSeen)
	if got := store("3 +FLAGS.SILENT (\\Seen)", imap.SeqSetNum(3), imap.StoreFlagsAdd, true, imap.FlagSeen); len(got) != 0 {
		t.Errorf("STORE 3 +FLAGS.SILENT: the server sent FETCH responses %+v, want none", igDeref(got))
	}
	got := store("UID +FLAGS", imap.UIDSetNum(uids[3]), imap.StoreFlagsAdd, false, imap.FlagDraft)
	if len(got) != 1 || got[0].UID != uids[3] || !igSameFlags(got[0].Flags, imap.FlagDraft) {
		t.Errorf("UID STORE %d +FLAGS (\\Draft): %+v, want one FETCH with UID %d FLAGS (\\Draft)", uids[3], igDeref(got), uids[3])
	}
	wantFlags := [][]imap.Flag{{kw1, kw2}, {imap.FlagAnswered, imap.FlagSeen}, {imap.FlagSeen}, {imap.FlagDraft}, nil}

	// Another session sees the stored flags (persisted).
	c2 := igLogin(t, s, "store-check", user, nil)
	c2.igSelect(t, "INBOX")
	for i, m := range c2.igFetch(t, imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}) {
		if i >= 5 || m.UID != uids[i] || !igSameFlags(m.Flags, wantFlags[i]...) {
			t.Errorf("FETCH 1:* FLAGS from a second session, message %d: UID %d FLAGS %v, want UID %d FLAGS %v", m.SeqNum, m.UID, m.Flags, uids[min(i, 4)], wantFlags[min(i, 4)])
		}
	}
	if row := igMailboxList(t, s, user)["INBOX"]; row.Messages != 5 || row.Unseen != 3 {
		t.Errorf("postroom mailbox list INBOX: %+v, want 5 messages 3 unseen", row)
	}

	// COPY: COPYUID, flags and bytes travel, the source stays.
	archive := c.igStatus(t, "Archive")
	cd, err := c.Copy(imap.SeqSetNum(2), "Archive").Wait()
	if err != nil {
		t.Fatalf("COPY 2 Archive: %v", err)
	}
	if cd.UIDValidity != archive.UIDValidity || !slices.Equal(igUIDList(cd.SourceUIDs), []imap.UID{uids[1]}) || len(igUIDList(cd.DestUIDs)) != 1 {
		t.Errorf("COPY 2 Archive: COPYUID %d %v %v, want %d %d <one uid>", cd.UIDValidity, cd.SourceUIDs, cd.DestUIDs, archive.UIDValidity, uids[1])
	}
	if mb := c.Mailbox(); mb.NumMessages != 5 {
		t.Errorf("INBOX after COPY: %d messages, want 5", mb.NumMessages)
	}
	c2.igSelect(t, "Archive")
	if dest := igUIDList(cd.DestUIDs); len(dest) == 1 {
		m := c2.igFetchOne(t, dest[0], &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		if !igSameFlags(m.Flags, imap.FlagAnswered, imap.FlagSeen) {
			t.Errorf("the copy's FLAGS: %v, want \\Answered \\Seen", m.Flags)
		}
		if string(m.FindBodySection(&imap.FetchItemBodySection{})) != string(raws[1]) {
			t.Errorf("the copy's BODY[] differs from the original")
		}
	}

	// UID MOVE to Trash: EXPUNGE in the source, COPYUID, arrival in Trash.
	trash := c.igStatus(t, "Trash")
	rec.reset()
	md, err := c.Move(imap.UIDSetNum(uids[3]), "Trash").Wait()
	if err != nil {
		t.Fatalf("UID MOVE %d Trash: %v", uids[3], err)
	}
	if !strings.Contains(c.log.String(), "UID MOVE") {
		t.Errorf("the client fell back from UID MOVE to COPY/STORE/EXPUNGE: MOVE not advertised?")
	}
	if md.UIDValidity != trash.UIDValidity || !slices.Equal(igUIDList(md.SourceUIDs), []imap.UID{uids[3]}) || len(igUIDList(md.DestUIDs)) != 1 {
		t.Errorf("UID MOVE: COPYUID %d %v %v, want %d %d <one uid>", md.UIDValidity, md.SourceUIDs, md.DestUIDs, trash.UIDValidity, uids[3])
	}
	rec.mu.Lock()
	if !slices.Equal(rec.expunges, []uint32{4}) {
		t.Errorf("UID MOVE of message 4: EXPUNGE responses %v, want [4]", rec.expunges)
	}
	rec.mu.Unlock()
	if mb := c.Mailbox(); mb.NumMessages != 4 {
		t.Errorf("INBOX after MOVE: %d messages, want 4", mb.NumMessages)
	}
	if left := c.igUIDs(t); slices.Contains(left, uids[3]) {
		t.Errorf("UID %d still in INBOX after MOVE: %v", uids[3], left)
	}
	c2.igSelect(t, "Trash")
	if dest := igUIDList(md.DestUIDs); len(dest) == 1 {
		m := c2.igFetchOne(t, dest[0], &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		if !igSameFlags(m.Flags, imap.FlagDraft) || string(m.FindBodySection(&imap.FetchItemBodySection{})) != string(raws[3]) {
			t.Errorf("the moved message in Trash: FLAGS %v (want \\Draft), body equal %v", m.Flags, string(m.FindBodySection(&imap.FetchItemBodySection{})) == string(raws[3]))
		}
	}
	s.RequireMessage(t, user, "Trash", ids[3])
	if s.FindMessage(t, user, "", ids[3]) != nil {
		t.Errorf("postroom messages INBOX still lists the moved message")
	}

	// MOVE two messages by sequence number.
	rec.reset()
	md, err = c.Move(imap.SeqSet{{Start: 1, Stop: 2}}, "Archive").Wait()
	if err != nil {
		t.Fatalf("MOVE 1:2 Archive: %v", err)
	}
	if !slices.Equal(igUIDList(md.SourceUIDs), []imap.UID{uids[0], uids[1]}) || len(igUIDList(md.DestUIDs)) != 2 {
		t.Errorf("MOVE 1:2 Archive: COPYUID %v %v, want %v and two UIDs", md.SourceUIDs, md.DestUIDs, uids[:2])
	}
	rec.mu.Lock()
	if len(rec.expunges) != 2 {
		t.Errorf("MOVE 1:2: EXPUNGE responses %v, want two", rec.expunges)
	}
	rec.mu.Unlock()
	if st := c.igStatus(t, "Archive"); *st.NumMessages != 3 {
		t.Errorf("Archive after COPY and MOVE: %d messages, want 3", *st.NumMessages)
	}
	if left := c.igUIDs(t); !slices.Equal(left, []imap.UID{uids[2], uids[4]}) {
		t.Fatalf("INBOX after the moves: %v, want %v", left, []imap.UID{uids[2], uids[4]})
	}

	// EXPUNGE with nothing \Deleted expunges nothing.
	if seqs, err := c.Expunge().Collect(); err != nil || len(seqs) != 0 {
		t.Errorf("EXPUNGE with no \\Deleted message: %v %v, want no EXPUNGE", seqs, err)
	}
	// UID EXPUNGE removes only the listed \Deleted message.
	store("1:2 +FLAGS.SILENT (\\Deleted)", imap.SeqSet{{Start: 1, Stop: 2}}, imap.StoreFlagsAdd, true, imap.FlagDeleted)
	if seqs, err := c.UIDExpunge(imap.UIDSetNum(uids[4])).Collect(); err != nil || !slices.Equal(seqs, []uint32{2}) {
		t.Errorf("UID EXPUNGE %d: %v %v, want EXPUNGE 2", uids[4], seqs, err)
	}
	if left := c.igUIDs(t); !slices.Equal(left, []imap.UID{uids[2]}) {
		t.Errorf("INBOX after UID EXPUNGE: %v, want %v (the other \\Deleted message stays)", left, []imap.UID{uids[2]})
	}
	if seqs, err := c.Expunge().Collect(); err != nil || !slices.Equal(seqs, []uint32{1}) {
		t.Errorf("EXPUNGE: %v %v, want EXPUNGE 1", seqs, err)
	}
	if left := c.igUIDs(t); len(left) != 0 {
		t.Errorf("INBOX after EXPUNGE: %v, want empty", left)
	}
	if msgs := s.Messages(t, user, ""); len(msgs) != 0 {
		t.Errorf("postroom messages INBOX after EXPUNGE: %+v, want none", msgs)
	}

	// UNSELECT keeps \Deleted messages, CLOSE expunges them.
	c.igSelect(t, "Archive")
	store("1 +FLAGS.SILENT (\\Deleted)", imap.SeqSetNum(1), imap.StoreFlagsAdd, true, imap.FlagDeleted)
	if err := c.Unselect().Wait(); err != nil {
		t.Errorf("UNSELECT: %v", err)
	}
	if st := c.igStatus(t, "Archive"); *st.NumMessages != 3 {
		t.Errorf("Archive after UNSELECT: %d messages, want 3 (UNSELECT does not expunge)", *st.NumMessages)
	}
	c.igSelect(t, "Archive")
	if err := c.UnselectAndExpunge().Wait(); err != nil {
		t.Errorf("CLOSE: %v", err)
	}
	if st := c.igStatus(t, "Archive"); *st.NumMessages != 2 {
		t.Errorf("Archive after CLOSE: %d messages, want 2", *st.NumMessages)
	}
}

type igFetchResult struct {
	Seq   uint32
	UID   imap.UID
	Flags []imap.Flag
}

func igDeref(l []*igFetchResult) []igFetchResult {
	var out []igFetchResult
	for _, r := range l {
		out = append(out, *r)
	}
	return out
}

func igUIDList(set imap.NumSet) []imap.UID {
	u, ok := set.(imap.UIDSet)
	if !ok {
		return nil
	}
	l, _ := u.Nums()
	return l
}
