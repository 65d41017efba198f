package web

import (
	"context"
	"net/http"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

type mailboxJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Role       string `json:"role,omitempty"`
	Parent     string `json:"parent,omitempty"`
	Total      int64  `json:"total"`
	Unread     int64  `json:"unread"`
	Size       int64  `json:"size"`
	Subscribed bool   `json:"subscribed"`
}

// mailboxList lists the account's folders with their counts.
func (s *Server) mailboxList(w http.ResponseWriter, r *http.Request) {
	out, err := s.mailboxes(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"mailboxes": out})
}

// mailboxes reads the actor's folders with their counts.
func (s *Server) mailboxes(ctx context.Context, a actor.Actor) ([]mailboxJSON, error) {
	folders, err := s.Mail.Folders(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]mailboxJSON, 0, len(folders))
	for _, mb := range folders {
		st := mb.Status
		j := mailboxJSON{ID: s.outID(idMailbox, mb.ID), Name: mb.Name, Role: string(mb.Role), Total: st.Messages, Unread: st.Unseen, Size: st.Size, Subscribed: mb.Subscribed}
		if i := strings.LastIndex(mb.Name, store.MailboxDelimiter); i > 0 {
			j.Parent = mb.Name[:i]
		}
		out = append(out, j)
	}
	return out, nil
}

type mailboxRequest struct {
	Name   string `json:"name"`
	Parent string `json:"parent"` // full name of the parent folder, for nesting
}

func (m mailboxRequest) fullName() string {
	if m.Parent == "" {
		return strings.TrimSpace(m.Name)
	}
	return m.Parent + store.MailboxDelimiter + strings.TrimSpace(m.Name)
}

// mailboxCreate adds a (nested) folder.
func (s *Server) mailboxCreate(w http.ResponseWriter, r *http.Request) {
	var req mailboxRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if strings.Contains(req.Name, store.MailboxDelimiter) {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	mb, err := s.Mail.CreateMailbox(r.Context(), sessionOf(r).actor, req.fullName())
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, mailboxJSON{ID: s.outID(idMailbox, mb.ID), Name: mb.Name, Subscribed: mb.Subscribed})
}

// mailboxUpdate renames a folder (children follow).
func (s *Server) mailboxUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req mailboxRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if strings.Contains(req.Name, store.MailboxDelimiter) {
		s.fail(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	if req.Parent == "" {
		// A rename keeps the folder where it is unless a parent is given.
		if mb, err := s.Mail.Mailbox(r.Context(), sessionOf(r).actor, id); err == nil {
			if i := strings.LastIndex(mb.Name, store.MailboxDelimiter); i > 0 {
				req.Parent = mb.Name[:i]
			}
		}
	}
	if err := s.Mail.RenameMailbox(r.Context(), sessionOf(r).actor, id, req.fullName()); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// mailboxDelete deletes a user folder and its messages.
func (s *Server) mailboxDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Mail.DeleteMailbox(r.Context(), sessionOf(r).actor, id); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
