package web

import (
	"fmt"
	"mime"
	"testing"
)

type threadPageAnswer struct {
	Messages []messageJSON
	Total    int
	Page     int
	PerPage  int `json:"per_page"`
}

type threadAnswer struct {
	Messages []messageJSON
}

// A reply without References filed in Sent, and one from a Korean client,
// join the Inbox original by subject: one conversation row in the Inbox,
// and the conversation holds all three, oldest first.
func TestThreads_repliesJoinBySubjectAcrossFolders(t *testing.T) {
	f := newFixture(t)
	orig := f.Put(f.alice.ID, "INBOX", "Subject: 견적서 송부\r\n\r\n첨부합니다\r\n")
	sent := f.Put(f.alice.ID, "Sent", "Subject: "+mime.BEncoding.Encode("UTF-8", "회신: 견적서 송부")+"\r\n\r\n감사합니다\r\n")
	back := f.Put(f.alice.ID, "INBOX", "Subject: RE: 답장: 견적서   송부\r\n\r\n확인\r\n")
	other := f.Put(f.alice.ID, "INBOX", "Subject: 견적서\r\n\r\n다른 건\r\n")
	c := f.login(t, "alice@example.test")
	var list threadPageAnswer
	if code := c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages?thread=1", orig.MailboxID), nil, &list); code != 200 {
		t.Fatalf("thread list: %d", code)
	}
	if list.Total != 2 || len(list.Messages) != 2 {
		t.Fatalf("thread list: total %d, %+v; want 2 threads", list.Total, list.Messages)
	}
	if r := list.Messages[0]; r.ID != other.ID || r.ThreadCount != 1 {
		t.Errorf("first row %d (thread_count %d), want %d (1)", r.ID, r.ThreadCount, other.ID)
	}
	if r := list.Messages[1]; r.ID != back.ID || r.ThreadID != orig.ID || r.ThreadCount != 3 || r.ThreadUnseen != 2 {
		t.Errorf("second row %d thread %d (thread_count %d, thread_unseen %d), want %d thread %d (3, 2: the Inbox's two)",
			r.ID, r.ThreadID, r.ThreadCount, r.ThreadUnseen, back.ID, orig.ID)
	}
	var thread threadAnswer
	if code := c.do("GET", fmt.Sprintf("/api/v1/threads/%d", orig.ID), nil, &thread); code != 200 {
		t.Fatalf("thread: %d", code)
	}
	var got []string
	for _, m := range thread.Messages {
		got = append(got, fmt.Sprintf("%d@%d", m.ID, m.MailboxID))
	}
	want := []string{fmt.Sprintf("%d@%d", orig.ID, orig.MailboxID), fmt.Sprintf("%d@%d", sent.ID, sent.MailboxID), fmt.Sprintf("%d@%d", back.ID, back.MailboxID)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("thread messages (id@mailbox) %v, want %v", got, want)
	}
	if thread.Messages[1].Subject != "회신: 견적서 송부" {
		t.Errorf("decoded subject %q", thread.Messages[1].Subject)
	}
}

// thread=1 pages over threads, and total counts threads, not messages.
func TestThreads_pagingCountsThreads(t *testing.T) {
	f := newFixture(t)
	for _, s := range []string{"A", "B", "Re: A", "C", "Re: A", "Re: B"} {
		f.Put(f.alice.ID, "INBOX", "Subject: "+s+"\r\n\r\nx\r\n")
	}
	c := f.login(t, "alice@example.test")
	inbox := c.mailboxID("INBOX")
	var p1, p2, plain threadPageAnswer
	c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages?thread=1&per_page=2", inbox), nil, &p1)
	c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages?thread=1&per_page=2&page=2", inbox), nil, &p2)
	c.do("GET", fmt.Sprintf("/api/v1/mailboxes/%d/messages?per_page=2", inbox), nil, &plain)
	subjects := func(p threadPageAnswer) string {
		var s string
		for _, m := range p.Messages {
			s += fmt.Sprintf("%s/%d ", m.Subject, m.ThreadCount)
		}
		return s
	}
	if p1.Total != 3 || p1.PerPage != 2 || subjects(p1) != "Re: B/2 Re: A/3 " {
		t.Errorf("page 1: total %d, rows %q", p1.Total, subjects(p1))
	}
	if p2.Total != 3 || p2.Page != 2 || subjects(p2) != "C/1 " {
		t.Errorf("page 2: total %d, rows %q", p2.Total, subjects(p2))
	}
	if plain.Total != 6 || subjects(plain) != "Re: B/0 Re: A/0 " {
		t.Errorf("without thread=1: total %d, rows %q", plain.Total, subjects(plain))
	}
}

// User B cannot open user A's conversation by its id; an unknown or
// malformed id is 404 too.
func TestThreads_anotherAccountsThreadIs404(t *testing.T) {
	f := newFixture(t)
	m := f.Put(f.alice.ID, "INBOX", "Subject: private\r\n\r\nsecret\r\n")
	f.Put(f.bob.ID, "INBOX", "Subject: bob's\r\n\r\nx\r\n")
	alice, bob := f.login(t, "alice@example.test"), f.login(t, "bob@example.test")
	var got threadAnswer
	if code := alice.do("GET", fmt.Sprintf("/api/v1/threads/%d", m.ThreadID), nil, &got); code != 200 || len(got.Messages) != 1 {
		t.Fatalf("owner: %d %+v", code, got)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/threads/%d", m.ThreadID), "/api/v1/threads/987654", "/api/v1/threads/x"} {
		got = threadAnswer{}
		if code := bob.do("GET", path, nil, &got); code != 404 || len(got.Messages) != 0 {
			t.Errorf("bob GET %s: %d %+v, want 404 and nothing", path, code, got)
		}
	}
}
