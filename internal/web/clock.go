package web

import "time"

// now is the server's clock: Server.Now when set (tests), else the real one.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
