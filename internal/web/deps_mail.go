package web

import (
	"context"
	"io"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Mailboxes is the mailbox service as the webmail reads and files mail
// (*mail.Service): folders, lists, conversations, messages and their
// bytes, search, and what the user does to messages. What each action
// means (delete in Trash is for good, report spam trains the filter, mark
// read is reading) is the service's rule; the handlers translate JSON.
type Mailboxes interface {
	// folders
	Folders(ctx context.Context, a actor.Actor) ([]mail.Folder, error)
	Mailbox(ctx context.Context, a actor.Actor, id int64) (*store.Mailbox, error)
	MailboxByRole(ctx context.Context, a actor.Actor, role store.Role) (*store.Mailbox, error)
	CreateMailbox(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error)
	RenameMailbox(ctx context.Context, a actor.Actor, mailboxID int64, newName string) error
	DeleteMailbox(ctx context.Context, a actor.Actor, mailboxID int64) error
	// reading
	Page(ctx context.Context, a actor.Actor, mailboxID int64, p store.Page) ([]store.Message, int, error)
	Thread(ctx context.Context, a actor.Actor, threadID int64) ([]store.Message, error)
	Message(ctx context.Context, a actor.Actor, id int64) (*store.Message, error)
	Load(ctx context.Context, a actor.Actor, id int64) (*store.Message, []byte, error)
	SpamVerdict(ctx context.Context, a actor.Actor, id int64) (*store.SpamVerdict, error)
	Search(ctx context.Context, a actor.Actor, r mail.SearchRequest) (*store.SearchResult, error)
	// the sandboxed HTML view's inline images (cid_token.go)
	InlineToken(ctx context.Context, a actor.Actor, messageID int64, now time.Time) (string, error)
	InlineGrant(ctx context.Context, token string, now time.Time) (actor.Actor, int64, error)
	// actions
	MarkRead(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]store.Message, error)
	StoreFlags(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error)
	Move(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	Copy(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	Delete(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error)
	Expunge(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) ([]uint32, error)
	ReportSpam(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error)
	NotSpam(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error)
	// Settings > Folder management (folders_*.go)
	FolderStats(ctx context.Context, a actor.Actor) (*mail.FolderStats, error)
	Export(ctx context.Context, a actor.Actor, mailboxID int64, f mail.ExportFormat, w io.Writer) error
	Purge(ctx context.Context, a actor.Actor, mailboxID int64, r mail.PurgeRequest, now time.Time) (int, error)
}

var _ Mailboxes = (*mail.Service)(nil)
