package web

import "net/http"

// settingsBlockSender adds one address to the user's blocked senders:
// the "report spam" dialog's "block this sender" (issue 18). The service
// adds it to the list as it stands, so a concurrent edit of the settings
// is not overwritten as a PATCH of the whole list would be.
func (s *Server) settingsBlockSender(w http.ResponseWriter, r *http.Request) {
	if s.Settings == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Address string `json:"address"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	set, err := s.Settings.BlockSender(r.Context(), sessionOf(r).actor, req.Address)
	if err != nil {
		s.settingsFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}
