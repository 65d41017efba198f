package deliver

import (
	"errors"
	"strings"
	"testing"

	"postroom/internal/store"
)

// A submitted message names its sender's own address in every originator
// field (From, Sender, Resent-From, Resent-Sender: 553 5.7.1 naming the
// field), and has a From naming its author (554 5.6.0); nothing is stored
// for a refused one.
func TestSubmit_originatorFieldsMustBeTheSendersOwn(t *testing.T) {
	f := newFixture(t)
	alice := f.account(t, "alice", nil)
	f.account(t, "bob", nil)
	submit := func(header string) error {
		s := &Submission{Envelope: Envelope{From: "alice@example.test", Recipients: []*Recipient{f.resolve(t, "bob@example.test")}}, Sender: alice}
		_, err := f.p.Submit(f.ctx, s, []byte(header+"Subject: x\r\n\r\nbody\r\n"))
		return err
	}
	for _, c := range []struct {
		name, header string
		want         *Error
		says         string
	}{
		{"sender", "From: alice@example.test\r\nSender: ceo@example.test\r\n", ErrNotOwnAddress, "Sender: <ceo@example.test>"},
		{"senderElsewhere", "From: Alice <ALICE@example.test>\r\nSender: x@other.test\r\n", ErrNotOwnAddress, "Sender: <x@other.test>"},
		{"resentFrom", "Resent-From: boss@remote.test\r\nFrom: alice@example.test\r\n", ErrNotOwnAddress, "Resent-From: <boss@remote.test>"},
		{"resentSender", "From: alice@example.test\r\nResent-Sender: bob@example.test\r\n", ErrNotOwnAddress, "Resent-Sender: <bob@example.test>"},
		{"secondFrom", "From: alice@example.test, ceo@example.test\r\n", ErrNotOwnAddress, "From: <ceo@example.test>"},
		{"noFrom", "To: bob@example.test\r\n", ErrNoFrom, "554 5.6.0"},
		{"emptyFrom", "From: \r\n", ErrNoFrom, "554 5.6.0"},
		{"groupFrom", "From: undisclosed-senders:;\r\n", ErrNoFrom, "554 5.6.0"},
		{"senderOnly", "Sender: alice@example.test\r\n", ErrNoFrom, "554 5.6.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := submit(c.header)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("err %v, want %v saying %q", err, c.want, c.says)
			}
		})
	}
	if n := len(f.inbox(t, alice, store.RoleSent)); n != 0 || f.blobCount() != 0 {
		t.Fatalf("refused messages stored: %d in Sent, %d blobs", n, f.blobCount())
	}
	// Resending as herself does not make another author's From hers: the
	// From is what recipients see.
	if err := submit("From: kim@remote.test\r\nResent-From: alice@example.test\r\nSender: alice@example.test\r\n"); !errors.Is(err, ErrNotOwnAddress) {
		t.Fatalf("a From of someone else is still refused: %v", err)
	}
	if err := submit("From: Alice <alice@example.test>\r\nSender: alice@example.test\r\nResent-From: alice@example.test\r\n"); err != nil {
		t.Fatal(err)
	}
}
