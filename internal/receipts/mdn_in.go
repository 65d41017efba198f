package receipts

// Disposition notifications that come back (RFC 8098) for external
// recipients: the only signal of a read we have for them besides the
// tracking image. An MDN is matched within the account it was delivered
// to, so a report arriving for account X updates only X's records, and
// only records of external recipients: internal reads are exact and a
// report from the internet may not overrule them.

import (
	"context"
	"strings"

	"postroom/internal/message"
	"postroom/internal/store"
)

// Reported is the delivery pipeline's hook for mail from the internet
// (deliver.Pipeline.Reported): m is the copy just stored in an account,
// parsed its parse. A disposition notification saying "displayed" for a
// message the account sent with receipts marks that recipient read, now.
// The report stays in the mailbox: the sender sees it as mail clients
// show it.
func (s *Service) Reported(ctx context.Context, m *store.Message, parsed *message.Message) {
	if m == nil || parsed == nil {
		return
	}
	d, ok := ParseMDN(parsed)
	if !ok {
		return
	}
	s.applyMDN(ctx, m.AccountID, d, parsed.Header.Addresses("From"))
}

// applyMDN records d for the account's own message; false when it matched
// no record it could change.
func (s *Service) applyMDN(ctx context.Context, accountID int64, d *MDN, from []store.Address) bool {
	if d.Disposition != "displayed" {
		// deleted/dispatched/processed: not a read; nothing to show
		s.log().Info("receipts: disposition notification not a read", "account", accountID, "disposition", d.Disposition)
		return false
	}
	rs, err := s.Store.MessageReceipts(ctx, accountID, d.OriginalMessageID)
	if err != nil {
		s.log().Warn("receipts: disposition notification", "account", accountID, "err", err)
		return false
	}
	r := matchReport(rs, d, from)
	if r == nil {
		s.log().Info("receipts: disposition notification matches no receipt", "account", accountID, "original", d.OriginalMessageID)
		return false
	}
	won, err := s.Store.SetReceiptStatus(ctx, r.ID, []store.ReceiptStatus{store.ReceiptUnknown}, store.ReceiptRead, s.now())
	if err != nil {
		s.log().Warn("receipts: disposition notification", "receipt", r.ID, "err", err)
		return false
	}
	if won {
		s.changed(accountID)
	}
	return won
}

// matchReport finds the external recipient a report is about: by its
// Original-Recipient (the address as we sent it), its Final-Recipient,
// then the report's From (a recipient whose server rewrote the address
// still answers from it).
func matchReport(rs []store.Receipt, d *MDN, from []store.Address) *store.Receipt {
	keys := []string{d.OriginalRecipient, d.FinalRecipient}
	for _, a := range from {
		keys = append(keys, strings.ToLower(a.Addr))
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		for i := range rs {
			if !rs[i].Internal && strings.EqualFold(rs[i].Recipient, k) {
				return &rs[i]
			}
		}
	}
	return nil
}
