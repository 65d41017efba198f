package web

// Uploads (E3-3 attachments and inline images): the browser sends each file
// as the raw body of one POST, so that XMLHttpRequest's upload.onprogress
// reports its progress and the server streams it into the blob store
// without holding it. An upload belongs to the session's account, is kept
// in the store (it survives a restart) and expires uploadLife after it was
// last used by a draft or a send.

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"postroom/internal/compose"
	"postroom/internal/config"
	"postroom/internal/store"
)

// uploadLife is how long an upload is kept after its last use.
const uploadLife = 24 * time.Hour

// messageHeadroom is what a message needs beside its attachments (header,
// text and HTML bodies), counted when deriving the upload limit.
const messageHeadroom = 64 << 10

// maxMessage is the largest message the server sends (max_message_size).
func (s *Server) maxMessage() int64 {
	if s.MaxMessageSize > 0 {
		return s.MaxMessageSize
	}
	return config.Default("").MaxMessageSize
}

// maxUpload is the largest file that still fits in a message once base64
// encoded (4/3, plus CRLF every 76 characters: RFC 2045 §6.8).
func (s *Server) maxUpload() int64 {
	return max(s.maxMessage()-messageHeadroom, 0) / 4 * 3 * 76 / 78
}

type uploadJSON struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Expires     time.Time `json:"expires"`
}

func uploadOf(u *store.Upload) uploadJSON {
	return uploadJSON{ID: u.ID, Filename: u.Filename, Size: u.Size, ContentType: u.ContentType, Expires: u.ExpiresAt}
}

// uploadList answers the limits (for refusing a file before sending it)
// and the account's uploads.
func (s *Server) uploadList(w http.ResponseWriter, r *http.Request) {
	list, err := s.Store.Uploads(r.Context(), sessionOf(r).accountID)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	out := make([]uploadJSON, 0, len(list))
	for i := range list {
		out = append(out, uploadOf(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"max_upload_size": s.maxUpload(), "max_message_size": s.maxMessage(), "uploads": out})
}

// uploadCreate stores the request body as an upload: POST
// /api/v1/uploads?filename=..., Content-Type the file's type.
func (s *Server) uploadCreate(w http.ResponseWriter, r *http.Request) {
	limit := s.maxUpload()
	if r.ContentLength > limit {
		s.failTooLarge(w, r, "file", limit) // refused before reading a byte
		return
	}
	ctx, acct := r.Context(), sessionOf(r).accountID
	key, size, err := s.Blobs.Put(ctx, http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.failTooLarge(w, r, "file", limit)
		return
	case err != nil:
		s.storeFail(w, r, err)
		return
	}
	now := s.now()
	if _, err := s.Store.DeleteExpiredUploads(ctx, now); err != nil {
		s.log().Warn("expired uploads", "err", err)
	}
	u := &store.Upload{AccountID: acct, BlobKey: key, Size: size, ExpiresAt: now.Add(uploadLife),
		Filename: compose.CleanFilename(r.URL.Query().Get("filename")), ContentType: compose.MediaType(r.Header.Get("Content-Type"))}
	if err := s.Store.CreateUpload(ctx, u); err != nil {
		s.storeFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, uploadOf(u))
}

// uploadGet serves an upload's bytes: the editor shows pasted and dropped
// images from here. Only raster images are served as what they are.
func (s *Server) uploadGet(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r, "id")
	u, data, err := s.readUpload(r, sessionOf(r).accountID, id)
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
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	if err := s.Store.DeleteUpload(r.Context(), sessionOf(r).accountID, id); err != nil {
		s.storeFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readUpload reads one of the account's live uploads.
func (s *Server) readUpload(r *http.Request, accountID, id int64) (*store.Upload, []byte, error) {
	u, err := s.Store.Upload(r.Context(), accountID, id)
	if err == nil && !u.ExpiresAt.After(s.now()) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	data, err := s.readBlob(u.BlobKey)
	return u, data, err
}
