package deliver

import (
	"context"

	"postroom/internal/settings"
)

// AccountSettings reads an account's settings, every default filled in,
// for the steps that act on them (forwarding, out-of-office, personal
// spam). settings.Service.ForAccount in the server; tests fill it.
type AccountSettings interface {
	ForAccount(ctx context.Context, accountID int64) (settings.Settings, error)
}

// settingsOf returns the account's settings; ok is false when the
// pipeline reads none or they could not be read (logged): the steps then
// leave the message as it is, stored in the Inbox, so that nothing is
// lost or sent anywhere by a setting that could not be read.
func (p *Pipeline) settingsOf(ctx context.Context, d *Delivery) (settings.Settings, bool) {
	if p.Settings == nil {
		return settings.Settings{}, false
	}
	if d.set != nil {
		return *d.set, true
	}
	set, err := p.Settings.ForAccount(ctx, d.Recipient.Account.ID)
	if err != nil {
		p.log().Error("settings not read for delivery", "id", d.Envelope.ID, "account", d.Recipient.Account.Address(), "err", err)
		return settings.Settings{}, false
	}
	d.set = &set
	return set, true
}
