package web

import (
	"io"
	"net/http"
	"strings"

	"postroom/internal/mail"
	"postroom/internal/store"
)

// exportTypes are the media types of the exports: RFC 4155 registers
// application/mbox.
var exportTypes = map[mail.ExportFormat]string{mail.ExportZip: "application/zip", mail.ExportMbox: "application/mbox"}

// folderExport streams a folder as a .zip of .eml files or an mbox (S3).
// The folder is checked before the answer starts; an error after that
// aborts the connection, so that the browser reports a failed download
// instead of saving a file cut short as if it were whole.
func (s *Server) folderExport(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idMailbox, "id")
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	format := mail.ExportFormat(r.URL.Query().Get("format"))
	if format == "" {
		format = mail.ExportZip
	}
	ctype, ok := exportTypes[format]
	if !ok {
		s.failFieldReason(w, r, "format", "invalid_export_format")
		return
	}
	a := sessionOf(r).actor
	mb, err := s.Mail.Mailbox(r.Context(), a, id)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	name := mb.Name
	if i := strings.LastIndex(name, store.MailboxDelimiter); i >= 0 {
		name = name[i+1:]
	}
	if name = fileName(name); name == "" {
		name = "mailbox"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", attachmentDisposition(name+"."+string(format), "mailbox."+string(format)))
	out := &countingWriter{w: w}
	if err := s.Mail.Export(r.Context(), a, id, format, out); err != nil {
		if out.n == 0 {
			// nothing sent yet (the exports write through a buffer): an
			// error answer can still be given
			w.Header().Del("Content-Disposition")
			s.storeFail(w, r, err)
			return
		}
		s.log().Error("web: export cut short", "mailbox", id, "format", format, "written", out.n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// countingWriter counts what went to the client.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
