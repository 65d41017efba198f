package imapd

import (
	"context"
	"errors"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"postroom/internal/mail"
	"postroom/internal/store"
)

// delim is the hierarchy delimiter; the store uses the same one, so names
// pass through unchanged (the library converts modified UTF-7).
const delim = '/'

// specialUse maps roles to RFC 6154 attributes; our Spam is \Junk.
var specialUse = map[store.Role]imap.MailboxAttr{
	store.RoleSent:    imap.MailboxAttrSent,
	store.RoleDrafts:  imap.MailboxAttrDrafts,
	store.RoleTrash:   imap.MailboxAttrTrash,
	store.RoleSpam:    imap.MailboxAttrJunk,
	store.RoleArchive: imap.MailboxAttrArchive,
}

func no(code imap.ResponseCode, text string) *imap.Error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: text}
}

var (
	errNoMailbox  = no(imap.ResponseCodeNonExistent, "No such mailbox")
	errTryCreate  = no(imap.ResponseCodeTryCreate, "No such mailbox; create it first")
	errOverQuota  = no(imap.ResponseCodeOverQuota, "Mailbox full: the account's quota is exceeded")
	errReadOnly   = no(imap.ResponseCodeCannot, "Mailbox is read-only (EXAMINE)")
	errNoSelected = &imap.Error{Type: imap.StatusResponseTypeBad, Text: "No mailbox selected"}
	// errStorageFull and errBusy are the server's trouble, not the client's:
	// temporary, worth retrying (RFC 5530 §3 UNAVAILABLE).
	errStorageFull = no(imap.ResponseCodeUnavailable, "The server is out of storage space; try again later")
	errBusy        = no(imap.ResponseCodeUnavailable, "The server is busy; try again later")
)

// storeError translates the errors of the mailbox service (and the store
// errors it passes on) into responses with RFC 5530 codes. What is left
// (a missing message file, say) is the server's own bug: the library logs
// it and answers NO [SERVERBUG].
func storeError(err error) error {
	var ie *imap.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return err
	case errors.Is(err, mail.ErrStorageFull), errors.Is(err, store.ErrFull):
		// The server's disk, not the user's quota (that is OVERQUOTA): a
		// temporary failure the client may retry (RFC 5530 UNAVAILABLE).
		return errStorageFull
	case errors.Is(err, context.DeadlineExceeded):
		return errBusy
	case errors.Is(err, store.ErrNotFound):
		return errNoMailbox
	case errors.Is(err, store.ErrExists):
		return no(imap.ResponseCodeAlreadyExists, "Mailbox already exists")
	case errors.Is(err, store.ErrProtected):
		return no(imap.ResponseCodeCannot, "Special folders (Inbox, Sent, Drafts, Trash, Spam, Archive) cannot be deleted or renamed")
	case errors.Is(err, store.ErrHasChildren):
		return no(imap.ResponseCodeHasChildren, "Mailbox has subfolders; delete them first")
	case errors.Is(err, mail.ErrFolderName):
		return no(imap.ResponseCodeCannot, "Folder names are UTF-8 and have no level that is only dots (. or ..)")
	case errors.Is(err, store.ErrInvalid):
		return no(imap.ResponseCodeCannot, "Invalid mailbox name")
	case errors.Is(err, store.ErrOverQuota):
		return errOverQuota
	}
	return err // logged by the library, answered NO [SERVERBUG]-like
}

func (se *session) mailbox(name string) (*store.Mailbox, error) {
	mb, err := se.s.Mail.MailboxByName(se.ctx, se.who(), name)
	return mb, storeError(err)
}

// List implements imapserver.Session (RFC 9051 §6.3.9, RFC 5258, RFC 5819,
// RFC 6154).
func (se *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 1 && patterns[0] == "" {
		// The delimiter and root of the reference (RFC 9051 §6.3.9).
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: delim})
	}
	mbs, err := se.s.Mail.Mailboxes(se.ctx, se.who())
	if err != nil {
		return storeError(err)
	}
	children := map[string]bool{}
	for _, mb := range mbs {
		if i := strings.LastIndexByte(mb.Name, delim); i > 0 {
			children[mb.Name[:i]] = true
		}
	}
	if options == nil {
		options = &imap.ListOptions{}
	}
	for _, mb := range mbs {
		if !matchAny(mb.Name, ref, patterns) {
			continue
		}
		if options.SelectSubscribed && !mb.Subscribed {
			continue
		}
		attr, special := specialUse[mb.Role]
		if options.SelectSpecialUse && !special {
			continue
		}
		data := &imap.ListData{Delim: delim, Mailbox: mb.Name}
		if children[mb.Name] {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasChildren)
		} else {
			data.Attrs = append(data.Attrs, imap.MailboxAttrHasNoChildren)
		}
		if special {
			data.Attrs = append(data.Attrs, attr)
		}
		if mb.Subscribed && (options.ReturnSubscribed || options.SelectSubscribed) {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		if options.ReturnStatus != nil {
			if data.Status, err = se.status(&mb, options.ReturnStatus); err != nil {
				return err
			}
		}
		if err := w.WriteList(data); err != nil {
			return err
		}
	}
	return nil
}

func matchAny(name, ref string, patterns []string) bool {
	for _, p := range patterns {
		if imapserver.MatchList(name, delim, ref, p) {
			return true
		}
	}
	return false
}

// Status implements imapserver.Session.
func (se *session) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	mb, err := se.mailbox(name)
	if err != nil {
		return nil, err
	}
	return se.status(mb, options)
}

// status fills every STATUS item, asked or not: the library dereferences
// whatever the client asked for and panics on nil.
func (se *session) status(mb *store.Mailbox, _ *imap.StatusOptions) (*imap.StatusData, error) {
	st, err := se.s.Mail.Status(se.ctx, se.who(), mb.ID)
	if err != nil {
		return nil, storeError(err)
	}
	messages, unseen, deleted, recent := uint32(st.Messages), uint32(st.Unseen), uint32(st.Deleted), uint32(0)
	size, deletedStorage := st.Size, int64(0)
	limit := uint32(min(se.s.MaxMessageSize, 1<<32-1))
	return &imap.StatusData{
		Mailbox:        mb.Name,
		NumMessages:    &messages,
		NumRecent:      &recent,
		UIDNext:        imap.UID(mb.UIDNext),
		UIDValidity:    mb.UIDValidity,
		NumUnseen:      &unseen,
		NumDeleted:     &deleted,
		Size:           &size,
		AppendLimit:    &limit,
		DeletedStorage: &deletedStorage,
		HighestModSeq:  mb.HighestModSeq,
	}, nil
}

// Create implements imapserver.Session. A trailing delimiter only declares
// the intent to create children (RFC 9051 §6.3.4).
func (se *session) Create(name string, _ *imap.CreateOptions) error {
	name = strings.TrimSuffix(name, string(delim))
	if strings.EqualFold(name, "INBOX") {
		return no(imap.ResponseCodeAlreadyExists, "INBOX always exists")
	}
	_, err := se.s.Mail.CreateMailbox(se.ctx, se.who(), name)
	return storeError(err)
}

// Delete implements imapserver.Session.
func (se *session) Delete(name string) error {
	mb, err := se.mailbox(name)
	if err != nil {
		return err
	}
	return storeError(se.s.Mail.DeleteMailbox(se.ctx, se.who(), mb.ID))
}

// Rename implements imapserver.Session.
func (se *session) Rename(name, newName string, _ *imap.RenameOptions) error {
	mb, err := se.mailbox(name)
	if err != nil {
		return err
	}
	return storeError(se.s.Mail.RenameMailbox(se.ctx, se.who(), mb.ID, strings.TrimSuffix(newName, string(delim))))
}

// Subscribe implements imapserver.Session.
func (se *session) Subscribe(name string) error { return se.subscribe(name, true) }

// Unsubscribe implements imapserver.Session.
func (se *session) Unsubscribe(name string) error { return se.subscribe(name, false) }

func (se *session) subscribe(name string, on bool) error {
	mb, err := se.mailbox(name)
	if err != nil {
		return err
	}
	return storeError(se.s.Mail.SetSubscribed(se.ctx, se.who(), mb.ID, on))
}
