package web

// Uploads (E3-3 attachments and inline images): the browser sends each file
// as the raw body of one POST, so that XMLHttpRequest's upload.onprogress
// reports its progress; the send service streams it into storage and
// keeps it for the account until it expires (send.UploadLife after its
// last use).

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"postroom/internal/store"
)

type uploadJSON struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Expires     time.Time `json:"expires"`
}

func (s *Server) uploadOf(u *store.Upload) uploadJSON {
	return uploadJSON{ID: s.outID(idUpload, u.ID), Filename: u.Filename, Size: u.Size, ContentType: u.ContentType, Expires: u.ExpiresAt}
}

// uploadList answers the limits (for refusing a file before sending it)
// and the account's uploads.
func (s *Server) uploadList(w http.ResponseWriter, r *http.Request) {
	list, err := s.Send.Uploads(r.Context(), actorOf(sessionOf(r)))
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	out := make([]uploadJSON, 0, len(list))
	for i := range list {
		out = append(out, s.uploadOf(&list[i]))
	}
	l := s.Send.Limits(r.Context(), actorOf(sessionOf(r)))
	writeJSON(w, http.StatusOK, map[string]any{"max_upload_size": l.MaxUploadSize, "max_message_size": l.MaxMessageSize, "uploads": out})
}

// uploadCreate stores the request body as an upload: POST
// /api/v1/uploads?filename=..., Content-Type the file's type.
func (s *Server) uploadCreate(w http.ResponseWriter, r *http.Request) {
	limit := s.Send.Limits(r.Context(), actorOf(sessionOf(r))).MaxUploadSize
	if r.ContentLength > limit {
		s.failTooLarge(w, r, "file", limit) // refused before reading a byte
		return
	}
	u, err := s.Send.CreateUpload(r.Context(), actorOf(sessionOf(r)), http.MaxBytesReader(w, r.Body, limit),
		r.URL.Query().Get("filename"), r.Header.Get("Content-Type"))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.failTooLarge(w, r, "file", limit)
	case err != nil:
		s.composeFail(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, s.uploadOf(u))
	}
}

// uploadGet serves an upload's bytes: the editor shows pasted and dropped
// images from here. Only raster images are served as what they are.
func (s *Server) uploadGet(w http.ResponseWriter, r *http.Request) {
	id, _ := s.pathID(r, idUpload, "id")
	u, data, err := s.Send.Upload(r.Context(), actorOf(sessionOf(r)), id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	ct := "application/octet-stream"
	switch u.ContentType {
	case "image/png", "image/gif", "image/jpeg", "image/webp":
		ct = u.ContentType
	default:
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": u.Filename}))
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(data)
}

// uploadDelete removes an upload (the user took the file off the message).
func (s *Server) uploadDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idUpload, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Send.DeleteUpload(r.Context(), actorOf(sessionOf(r)), id); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
