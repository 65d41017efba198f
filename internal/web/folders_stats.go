package web

import (
	"net/http"
)

// folderStatJSON is one row of Settings > Folder management (S3).
type folderStatJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Total int64  `json:"total"`
	Size  int64  `json:"size"`
}

// folderStats answers the folders' table: each folder's message count
// and size, their totals and the quota.
func (s *Server) folderStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.Mail.FolderStats(r.Context(), sessionOf(r).actor)
	if err != nil {
		s.storeFail(w, r, err)
		return
	}
	rows := make([]folderStatJSON, 0, len(st.Folders))
	for _, f := range st.Folders {
		rows = append(rows, folderStatJSON{ID: s.outID(idMailbox, f.ID), Name: f.Name, Role: string(f.Role),
			Total: f.Status.Messages, Size: f.Status.Size})
	}
	writeJSON(w, http.StatusOK, map[string]any{"mailboxes": rows, "total": st.Messages, "size": st.Size, "quota": st.QuotaBytes})
}
