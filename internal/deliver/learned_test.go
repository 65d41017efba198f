package deliver_test

import (
	"fmt"
	"testing"

	"postroom/internal/actor"
	"postroom/internal/spam"
)

// Training moves a verdict (issue 18): before the user reports anything
// a loan advertisement lands in the Inbox; after he reported twenty of
// them as spam (and twenty colleagues' messages stayed as not spam) the
// next one lands in Spam, for the "system" and "both" methods, not for
// "personal"; a colleague's message still reaches the Inbox.
func TestLearnedVerdictMovesAfterTraining(t *testing.T) {
	e := newEffects(t)
	learner := &spam.Learner{Store: e.bed.Store, Blobs: e.bed.Blobs}
	e.p.Classifier = learner
	e.bed.Mail.Hooks.Spam = learner.Judged
	bob := e.account("bob", spamSettings("both", "move", nil, nil))
	carol := e.account("carol", spamSettings("personal", "move", nil, nil))
	ad := func(i int) string {
		return fmt.Sprintf("From: promo%d@deals.test\r\nTo: bob@example.test, carol@example.test\r\nSubject: (광고) 무료 대출 상담 %d\r\n\r\n"+
			"저금리 대출 승인 보장! 지금 무료 상담 받으세요. 수신거부\r\n", i, i)
	}
	work := func(i int) string {
		return fmt.Sprintf("From: kim@company.test\r\nTo: bob@example.test\r\nSubject: 주간 회의 자료 %d\r\n\r\n"+
			"다음 주 회의 자료와 견적서입니다. 검토 부탁드립니다.\r\n", i)
	}
	e.deliver("promo0@deals.test", ad(0), "bob@example.test")
	if got := e.where(bob, "(광고) 무료 대출 상담 0"); got != "inbox" {
		t.Fatalf("before any training the advertisement is in %q", got)
	}
	for i := 1; i <= spam.MinTrained; i++ {
		e.deliver("promo@deals.test", ad(i), "bob@example.test")
		e.deliver("kim@company.test", work(i), "bob@example.test")
	}
	// bob reports the advertisements, and once tells a work message is fine
	inbox, err := e.bed.Mail.MailboxByName(e.ctx, actor.User(bob), "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	uids, err := e.bed.Mail.UIDs(e.ctx, actor.User(bob), inbox.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := e.bed.Mail.MessagesByUID(e.ctx, actor.User(bob), inbox.ID, uids)
	if err != nil {
		t.Fatal(err)
	}
	var ads, works []uint32
	for uid, m := range msgs {
		if m.Envelope.From[0].Addr == "kim@company.test" {
			works = append(works, uid)
		} else {
			ads = append(ads, uid)
		}
	}
	if _, err := e.bed.Mail.ReportSpam(e.ctx, actor.User(bob), inbox.ID, ads); err != nil {
		t.Fatal(err)
	}
	spamBox, err := e.bed.Mail.MailboxByName(e.ctx, actor.User(bob), "Spam")
	if err != nil {
		t.Fatal(err)
	}
	// the work messages: moved to Spam by mistake, then back (an IMAP client's moves)
	_, moved, err := e.bed.Mail.Move(e.ctx, actor.User(bob), inbox.ID, spamBox.ID, works)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.bed.Mail.Move(e.ctx, actor.User(bob), spamBox.ID, inbox.ID, moved); err != nil {
		t.Fatal(err)
	}

	e.deliver("new@other-deals.test", ad(99), "bob@example.test", "carol@example.test")
	if got := e.where(bob, "(광고) 무료 대출 상담 99"); got != "spam" {
		t.Errorf("after training, bob's advertisement is in %q, want spam", got)
	}
	if got := e.where(carol, "(광고) 무료 대출 상담 99"); got != "inbox" {
		t.Errorf("carol (method personal) has the advertisement in %q, want inbox", got)
	}
	e.deliver("kim@company.test", work(99), "bob@example.test")
	if got := e.where(bob, "주간 회의 자료 99"); got != "inbox" {
		t.Errorf("a colleague's message after training is in %q, want inbox", got)
	}
}
