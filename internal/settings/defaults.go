package settings

import "time"

// Defaults are the values of an account that never set them. Each is
// stated here once; SendDelay comes from the config (undo_send), which
// stays the installation's default of the per-user value.
type Defaults struct {
	SendDelay time.Duration
}

// DefaultPerPage is the page size of the message list and of search when
// neither the user nor the request says (the webmail's before settings).
const DefaultPerPage = 50

// defaults fills a Settings with every default; the account's own fields
// (name, language, time zone) are read from its row afterwards.
func (d Defaults) settings() Settings {
	delay := d.sendDelaySeconds()
	return Settings{
		Mail: Mail{FirstFolder: "inbox", Layout: "split", PerPage: DefaultPerPage, SendDelaySeconds: delay,
			ExpandSendInfo: false, IncludeOriginal: true, SaveSent: true, ReadReceipts: false, AutoAddContacts: false, MDN: MDNAsk},
		Forwarding: Forwarding{Addresses: []string{}, KeepCopy: true},
		Vacation:   Vacation{},
		Signature:  Signature{OnNew: true, OnReply: true},
		Spam:       Spam{Method: "both", Action: "move", KeepDays: 30, BlockedSenders: []string{}, BlockedPhrases: []string{}},
	}
}

// sendDelaySeconds is the config's undo_send in whole seconds.
func (d Defaults) sendDelaySeconds() int { return max(int(d.SendDelay/time.Second), 0) }

// maxSendDelay is the longest delay a user may set: MaxSendDelaySeconds,
// or the installation's default when the config sets a longer one.
func (d Defaults) maxSendDelay() int { return max(MaxSendDelaySeconds, d.sendDelaySeconds()) }
