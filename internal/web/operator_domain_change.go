package web

// The operator's terms of a domain (its hold, quota and account limit),
// its deletion with the name typed back, and the status panel (issue 16).
// The rules are the admin service's; these handlers only translate.

import (
	"net/http"
	"time"

	"postroom/internal/admin"
)

// domainChangeRequest is PATCH /api/v1/operator/domains/{name}: any
// subset; a field left out stays as it is.
type domainChangeRequest struct {
	Suspended *bool   `json:"suspended"`
	Quota     *int64  `json:"quota"` // bytes, 0 = unlimited
	MaxUsers  *int    `json:"max_users"`
	Language  *string `json:"language"`
	TimeZone  *string `json:"time_zone"`
	// MessagesPerHour: 0 = the server's default, -1 = no limit
	MessagesPerHour *int `json:"messages_per_hour"`
}

// operatorDomainUpdate changes a domain's settings and answers the domain
// as the domain list shows it.
func (s *Server) operatorDomainUpdate(w http.ResponseWriter, r *http.Request) {
	var req domainChangeRequest
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	a := actorOf(sessionOf(r))
	d, err := s.Admin.UpdateDomain(r.Context(), a, r.PathValue("name"), admin.DomainChange{Language: req.Language,
		TimeZone: req.TimeZone, QuotaBytes: req.Quota, Suspended: req.Suspended, MaxUsers: req.MaxUsers,
		MessagesPerHour: req.MessagesPerHour})
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	sum := admin.DomainSummary{Domain: *d}
	accts, err := s.Admin.Accounts(r.Context(), a, d.Name)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	sum.Accounts, sum.UsedBytes = len(accts), 0
	for _, acct := range accts {
		sum.UsedBytes += acct.Usage.Bytes
		if acct.Admin {
			sum.Admins++
		}
	}
	writeJSON(w, http.StatusOK, domainOf(sum))
}

// operatorDomainDelete deletes a domain with all its accounts and mail,
// once the body's "confirm" is the domain's name typed back.
func (s *Server) operatorDomainDelete(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Confirm string `json:"confirm"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if err := s.Admin.DeleteDomainConfirmed(r.Context(), actorOf(sessionOf(r)), r.PathValue("name"), req.Confirm); err != nil {
		s.adminFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// statusJSON is the operator's status panel.
type statusJSON struct {
	Version          string    `json:"version"`
	Started          time.Time `json:"started"`
	UptimeSeconds    int64     `json:"uptime_seconds"`
	Domains          int       `json:"domains"`
	SuspendedDomains int       `json:"suspended_domains"`
	Accounts         int       `json:"accounts"`
	Queue            struct {
		Queued   int `json:"queued"`
		Deferred int `json:"deferred"`
	} `json:"queue"`
	Storage struct {
		UsedBytes int64 `json:"used_bytes"`
		Messages  int64 `json:"messages"`
	} `json:"storage"`
	SearchIndex struct {
		Waiting int `json:"waiting"`
	} `json:"search_index"`
}

// operatorStatus answers the installation's numbers.
func (s *Server) operatorStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.Admin.Status(r.Context(), actorOf(sessionOf(r)))
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	out := statusJSON{Version: st.Version, Started: st.Started.UTC(), UptimeSeconds: int64(st.Uptime / time.Second),
		Domains: st.Domains, SuspendedDomains: st.SuspendedDomains, Accounts: st.Accounts}
	out.Queue.Queued, out.Queue.Deferred = st.Queued, st.Deferred
	out.Storage.UsedBytes, out.Storage.Messages = st.UsedBytes, st.Messages
	out.SearchIndex.Waiting = st.IndexWaiting
	writeJSON(w, http.StatusOK, out)
}
