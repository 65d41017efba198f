package storetest

import (
	"time"

	"postroom/internal/store"
)

var receiptTests = []test{
	{"receipts_linkedReadOncePagedAndGoneWithSender", testReceipts},
}

// A message's records are added once, linked to the recipient's copy by
// sender, Message-ID and recipient, change status only from the statuses
// named (one first open wins), page newest first with a status filter,
// and go with the sender's account.
func testReceipts(e *env) {
	kim := e.account("kim@example.com")
	lee := e.account("lee@example.com")
	copyOf := e.put(lee.ID, e.inbox(lee.ID).ID)
	t0 := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	one := []store.Receipt{
		{AccountID: kim.ID, Sender: "kim@example.com", MessageID: "a@x", Subject: "첫 메일", Sent: t0, Recipient: "lee@example.com", Internal: true, Status: store.ReceiptUnread},
		{AccountID: kim.ID, Sender: "kim@example.com", MessageID: "a@x", Subject: "첫 메일", Sent: t0, Recipient: "ext@else.test", Status: store.ReceiptUnknown},
	}
	e.ok(e.s.AddReceipts(e.ctx, one), "AddReceipts")
	if one[0].ID == 0 || one[1].ID == 0 || one[0].ID == one[1].ID {
		e.Fatalf("ids %d, %d", one[0].ID, one[1].ID)
	}
	two := []store.Receipt{{AccountID: kim.ID, Sender: "kim@example.com", MessageID: "b@x", Subject: "둘", Sent: t0.Add(time.Hour), Recipient: "lee@example.com", Internal: true, Status: store.ReceiptUnread}}
	e.ok(e.s.AddReceipts(e.ctx, two), "AddReceipts two")

	ok, err := e.s.LinkReceipt(e.ctx, "KIM@example.com", "a@x", "Lee@Example.com", lee.ID, copyOf.ID)
	e.ok(err, "LinkReceipt")
	if !ok {
		e.Fatal("LinkReceipt found no record")
	}
	if ok, _ := e.s.LinkReceipt(e.ctx, "kim@example.com", "a@x", "lee@example.com", lee.ID, copyOf.ID+1); ok {
		e.Error("a linked record was linked again")
	}
	if ok, _ := e.s.LinkReceipt(e.ctx, "mallory@else.test", "b@x", "lee@example.com", lee.ID, copyOf.ID); ok {
		e.Error("another sender's message linked the record")
	}
	got, err := e.s.ReceiptsByDelivered(e.ctx, lee.ID, []int64{copyOf.ID})
	e.ok(err, "ReceiptsByDelivered")
	if len(got) != 1 || got[0].ID != one[0].ID || got[0].DeliveredID != copyOf.ID || got[0].RecipientAccountID != lee.ID {
		e.Fatalf("ReceiptsByDelivered = %+v", got)
	}
	if got, _ := e.s.ReceiptsByDelivered(e.ctx, kim.ID, []int64{copyOf.ID}); len(got) != 0 {
		e.Errorf("another account's copy ids found %+v", got)
	}

	read := t0.Add(2 * time.Hour)
	unread := []store.ReceiptStatus{store.ReceiptUnread}
	ok, err = e.s.SetReceiptStatus(e.ctx, one[0].ID, unread, store.ReceiptRead, read)
	e.ok(err, "SetReceiptStatus")
	if !ok {
		e.Fatal("first open not recorded")
	}
	if ok, _ := e.s.SetReceiptStatus(e.ctx, one[0].ID, unread, store.ReceiptRead, read.Add(time.Hour)); ok {
		e.Error("a second open changed the record")
	}
	rs, err := e.s.MessageReceipts(e.ctx, kim.ID, "a@x")
	e.ok(err, "MessageReceipts")
	if len(rs) != 2 || rs[0].Status != store.ReceiptRead || !rs[0].At.Equal(read) || !rs[0].Internal || rs[1].Status != store.ReceiptUnknown || !rs[1].At.IsZero() || rs[0].Subject != "첫 메일" || !rs[0].Sent.Equal(t0) {
		e.Fatalf("MessageReceipts = %+v", rs)
	}
	if rs, _ := e.s.MessageReceipts(e.ctx, lee.ID, "a@x"); len(rs) != 0 {
		e.Errorf("the recipient sees the sender's records: %+v", rs)
	}

	page, total, err := e.s.ReceiptPage(e.ctx, kim.ID, "", 0, 10)
	e.ok(err, "ReceiptPage")
	if total != 2 || len(page) != 3 || page[0].MessageID != "b@x" || page[1].MessageID != "a@x" || page[2].MessageID != "a@x" {
		e.Fatalf("ReceiptPage = %d %+v", total, page)
	}
	page, total, _ = e.s.ReceiptPage(e.ctx, kim.ID, store.ReceiptRead, 0, 10)
	if total != 1 || len(page) != 2 || page[0].MessageID != "a@x" {
		e.Fatalf("ReceiptPage(read) = %d %+v", total, page)
	}
	page, total, _ = e.s.ReceiptPage(e.ctx, kim.ID, "", 1, 1)
	if total != 2 || len(page) != 2 || page[0].MessageID != "a@x" {
		e.Fatalf("ReceiptPage second page = %d %+v", total, page)
	}

	e.ok(e.s.DeleteReceipts(e.ctx, kim.ID, "b@x"), "DeleteReceipts")
	if rs, _ := e.s.MessageReceipts(e.ctx, kim.ID, "b@x"); len(rs) != 0 {
		e.Errorf("deleted records remain: %+v", rs)
	}
	e.ok(e.s.DeleteAccount(e.ctx, kim.ID), "DeleteAccount")
	if got, _ := e.s.ReceiptsByDelivered(e.ctx, lee.ID, []int64{copyOf.ID}); len(got) != 0 {
		e.Errorf("records outlived their sender: %+v", got)
	}
}
