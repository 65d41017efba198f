package session

import (
	"errors"
	"net"
	"time"

	"postroom/internal/events"
	"postroom/internal/imapd/wire"
)

// idle answers IDLE (RFC 2177, RFC 9051 §6.3.13): changes are pushed as
// their events arrive until the client sends DONE. A goroutine reads the
// DONE line (it alone touches the Reader meanwhile); this one applies
// events and writes (it alone touches the Writer). A change of the
// account checks the login again: an ended login leaves with BYE at once.
func (s *Session) idle(*wire.Command) error {
	if err := s.w.Continue("idling"); err != nil {
		return err
	}
	if err := s.updates("IDLE"); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		return errClosed
	}
	var ch <-chan events.Event
	if s.sel != nil {
		ch = s.sel.events
	} else if s.cfg.Events != nil && s.acct != nil {
		var unsubscribe func()
		ch, unsubscribe = s.cfg.Events.Subscribe(s.acct.ID)
		defer unsubscribe()
	}
	// clients restart IDLE every 29 minutes (RFC 2177 §3): a little
	// more than the autologout timer, as go-imap's server gave (35 min)
	_ = s.conn.SetReadDeadline(time.Now().Add(s.idleTimeout() + 5*time.Minute))
	done := make(chan error, 1)
	go func() { done <- s.r.ReadDone() }()
	// stopReader unblocks and waits for the reading goroutine.
	stopReader := func() {
		_ = s.raw.SetReadDeadline(time.Now())
		<-done
	}
	for {
		select {
		case err := <-done:
			switch {
			case err == nil:
				return nil
			case errors.Is(err, wire.ErrIdleNotDone):
				return bad(wire.Code{}, "Expected DONE to end IDLE")
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !s.stopping() {
				s.bye(wire.Code{}, "Autologout; idle for too long")
			} else if s.stopping() {
				s.bye(wire.Code{}, "Server shutting down, reconnect shortly")
			}
			return errClosed
		case <-s.stop:
			stopReader()
			s.bye(wire.Code{}, "Server shutting down, reconnect shortly")
			return errClosed
		case e, open := <-ch:
			if !open {
				ch = nil
				continue
			}
			err := s.apply(e)
			if err == nil {
				err = s.updates("IDLE")
			}
			if errors.Is(err, errLoginEnded) {
				stopReader()
				return errLoginEnded
			}
			if err != nil {
				s.log().Error("imap idle", "user", s.user(), "err", err)
			}
			if err := s.w.Flush(); err != nil {
				stopReader()
				return errClosed
			}
		}
	}
}
