package web

import (
	"context"
	"io"

	"postroom/internal/actor"
	"postroom/internal/send"
	"postroom/internal/store"
)

// Sending is the send service as the webmail uses it (*send.Service):
// writing a message (its uploads, its drafts), sending it, and taking back
// a send that waits. Every rule is the service's; the handlers translate
// JSON and the webmail's URLs.
type Sending interface {
	Limits(ctx context.Context, a actor.Actor) send.Limits
	Send(ctx context.Context, a actor.Actor, req *send.Request) (*send.Sent, error)
	Undo(ctx context.Context, a actor.Actor, queueID int64) (draftID int64, err error)
	Scheduled(ctx context.Context, a actor.Actor) ([]send.Scheduled, error)

	SaveDraft(ctx context.Context, a actor.Actor, req *send.Request, replaceID int64) (*send.SavedDraft, error)
	Draft(ctx context.Context, a actor.Actor, id int64, url func(send.ImageRef) string) (*send.OpenDraft, error)
	ReopenDraft(ctx context.Context, a actor.Actor, id int64, url func(send.ImageRef) string) (*send.OpenDraft, error)
	DiscardDraft(ctx context.Context, a actor.Actor, id int64, permanent bool) error

	Uploads(ctx context.Context, a actor.Actor) ([]store.Upload, error)
	Upload(ctx context.Context, a actor.Actor, id int64) (*store.Upload, []byte, error)
	CreateUpload(ctx context.Context, a actor.Actor, body io.Reader, filename, contentType string) (*store.Upload, error)
	DeleteUpload(ctx context.Context, a actor.Actor, id int64) error
}
