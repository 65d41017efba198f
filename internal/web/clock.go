package web

import (
	"time"

	"postroom/internal/store"
)

// now is the server's clock: Server.Now when set (tests), else the real one.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// accountZone is the account's time zone: dates it types are read in it.
func accountZone(a *store.Account) *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}
