package send

import (
	"context"
	"time"
)

// Prefs is what sending reads of the sender's own settings (S2): the
// delay of a webmail send (S2-4, replacing the config's undo_send as the
// per-user value) and whether a Sent copy is kept. The wiring fills it
// from the settings service; nil: UndoDelay, and Sent copies kept.
type Prefs func(ctx context.Context, accountID int64) (SenderPrefs, error)

// SenderPrefs are one account's sending preferences.
type SenderPrefs struct {
	Delay    time.Duration
	SaveSent bool
	// AddRecipients adds the recipients a webmail send names that the
	// sender has in no address book to his personal one (S2-9).
	AddRecipients bool
}

// prefs reads the account's preferences; when they cannot be read the
// send goes on with the installation's defaults (a send is not refused
// for want of a preference), and the failure is logged.
func (s *Service) prefs(ctx context.Context, accountID int64) SenderPrefs {
	def := SenderPrefs{Delay: s.UndoDelay, SaveSent: true}
	if s.Prefs == nil {
		return def
	}
	p, err := s.Prefs(ctx, accountID)
	if err != nil {
		s.log().Warn("send: the sender's settings, defaults used", "account", accountID, "err", err)
		return def
	}
	return p
}
