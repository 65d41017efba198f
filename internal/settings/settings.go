// Package settings owns what a user sets for himself (S1–S8): the values,
// their defaults, what a valid value is, and reading and changing them
// for every adapter (the webmail's Settings screen and API today; the
// integration API later). The effects live where the rule applies:
// delivery reads forwarding, out-of-office, filters and the personal spam
// lists; the send service reads the send delay, the display name and
// "save sent mail"; auth reads the mail-client switch. They all read
// through this package, so a value means the same everywhere.
//
// Invariants:
//   - A change names the fields it changes; the rest is left as stored,
//     so that two tabs saving different fields both keep their change.
//   - An invalid value changes nothing and is reported with the field's
//     path (for example "vacation.end").
package settings

// Settings is one account's settings, as GET /api/v1/settings shows them.
type Settings struct {
	Mail          Mail          `json:"mail"`
	Forwarding    Forwarding    `json:"forwarding"`
	Vacation      Vacation      `json:"vacation"`
	Signature     Signature     `json:"signature"`
	Spam          Spam          `json:"spam"`
	Notifications Notifications `json:"notifications"`
	RecoveryEmail string        `json:"recovery_email"`
	Name          string        `json:"name"`      // display name, used in From on every path
	Language      string        `json:"language"`  // "ko" or "en"
	TimeZone      string        `json:"time_zone"` // an IANA name, such as "Asia/Seoul"
}

// Mail is the reading and writing preferences (S2).
type Mail struct {
	FirstFolder      string `json:"first_folder"` // a folder's role ("inbox", ...) or an opaque mailbox id
	Layout           string `json:"layout"`       // "split" or "list"
	PerPage          int    `json:"per_page"`
	SendDelaySeconds int    `json:"send_delay_seconds"`
	ExpandSendInfo   bool   `json:"expand_send_info"`
	IncludeOriginal  bool   `json:"include_original"`
	SaveSent         bool   `json:"save_sent"`
	ReadReceipts     bool   `json:"read_receipts"`
	AutoAddContacts  bool   `json:"auto_add_contacts"`
	// MDN is the answer to a sender's request for a read receipt
	// (Disposition-Notification-To, RFC 8098): "ask" (the reader asks),
	// "always" (sent on opening) or "never" (internal/receipts).
	MDN string `json:"mdn"`
}

// Forwarding sends every incoming message on to other addresses (S2).
type Forwarding struct {
	Addresses []string `json:"addresses"`
	KeepCopy  bool     `json:"keep_copy"`
}

// Vacation is the out-of-office reply (S2): between two dates, inclusive,
// in the account's time zone.
type Vacation struct {
	Enabled bool   `json:"enabled"`
	Start   string `json:"start"` // YYYY-MM-DD
	End     string `json:"end"`   // YYYY-MM-DD
	Subject string `json:"subject"`
	HTML    string `json:"html"`
}

// Signature is inserted by compose (S2).
type Signature struct {
	HTML    string `json:"html"`
	OnNew   bool   `json:"on_new"`
	OnReply bool   `json:"on_reply"`
}

// Spam is the personal part of spam filtering (S5).
type Spam struct {
	Method         string   `json:"method"` // "personal", "system" or "both"
	Action         string   `json:"action"` // "move" (to Spam) or "delete"
	KeepDays       int      `json:"keep_days"`
	BlockedSenders []string `json:"blocked_senders"` // addresses and whole domains ("@example.com" or "example.com")
	BlockedPhrases []string `json:"blocked_phrases"`
}

// Notifications are the browser's (S1).
type Notifications struct {
	Desktop bool `json:"desktop"`
}

// The answers to a request for a read receipt (Mail.MDN).
const (
	MDNAsk    = "ask"
	MDNAlways = "always"
	MDNNever  = "never"
)
