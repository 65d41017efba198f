package events

import "testing"

func TestLocal_deliversOnlyToSubscribersOfTheAccount(t *testing.T) {
	bus := NewLocal()
	a, cancelA := bus.Subscribe(1)
	defer cancelA()
	b, cancelB := bus.Subscribe(2)
	defer cancelB()
	bus.Publish(Event{Kind: MessageNew, AccountID: 1, MailboxID: 7, UIDs: []uint32{3}})
	select {
	case e := <-a:
		if e.MailboxID != 7 || e.UIDs[0] != 3 {
			t.Fatalf("got %+v", e)
		}
	default:
		t.Fatal("account 1 subscriber got nothing")
	}
	select {
	case e := <-b:
		t.Fatalf("account 2 subscriber got %+v", e)
	default:
	}
}

func TestLocal_fullSubscriberGetsOverflowAndPublishNeverBlocks(t *testing.T) {
	bus := NewLocal()
	ch, cancel := bus.Subscribe(1)
	defer cancel()
	for i := 0; i < buffer*3; i++ {
		bus.Publish(Event{Kind: MessageNew, AccountID: 1})
	}
	var last Event
	n := 0
	for len(ch) > 0 {
		last = <-ch
		n++
	}
	if last.Kind != Overflow || n != buffer {
		t.Fatalf("last %v after %d events", last.Kind, n)
	}
}

func TestLocal_cancelStopsDelivery(t *testing.T) {
	bus := NewLocal()
	ch, cancel := bus.Subscribe(1)
	cancel()
	cancel() // twice is fine
	bus.Publish(Event{Kind: MessageNew, AccountID: 1})
	if len(ch) != 0 {
		t.Fatal("event after cancel")
	}
}
