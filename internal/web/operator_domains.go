package web

import (
	"net/http"
	"strings"
	"time"

	"postroom/internal/admin"
	"postroom/internal/dnsrecords"
)

// domainJSON is a hosted domain in the operator's console.
type domainJSON struct {
	Name       string `json:"name"`
	Language   string `json:"language"`
	TimeZone   string `json:"time_zone"`
	QuotaBytes int64  `json:"quota_bytes"`
	Suspended  bool   `json:"suspended"`
	MaxUsers   int    `json:"max_users"`
	// MessagesPerHour: each user's hourly sending limit, 0 = the
	// server's default, -1 = none (internal/send/hourly.go)
	MessagesPerHour int       `json:"messages_per_hour"`
	Accounts        int       `json:"accounts"`
	Admins          int       `json:"admins"`
	UsedBytes       int64     `json:"used_bytes"`
	Created         time.Time `json:"created"`
}

func domainOf(d admin.DomainSummary) domainJSON {
	return domainJSON{Name: d.Name, Language: d.Language, TimeZone: d.TimeZone, QuotaBytes: d.QuotaBytes,
		Suspended: d.Suspended, MaxUsers: d.MaxUsers, MessagesPerHour: d.MessagesPerHour, Accounts: d.Accounts, Admins: d.Admins, UsedBytes: d.UsedBytes, Created: d.CreatedAt.UTC()}
}

// operatorDomains lists the hosted domains.
func (s *Server) operatorDomains(w http.ResponseWriter, r *http.Request) {
	doms, err := s.Admin.Domains(r.Context(), actorOf(sessionOf(r)))
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	out := make([]domainJSON, len(doms))
	for i, d := range doms {
		out[i] = domainOf(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": out})
}

// operatorDomainCreate adds a hosted domain (with its DKIM keys).
func (s *Server) operatorDomainCreate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	d, err := s.Admin.CreateDomain(r.Context(), actorOf(sessionOf(r)), req.Name)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, domainOf(admin.DomainSummary{Domain: *d}))
}

// dnsRecordJSON is one record to publish.
type dnsRecordJSON struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Value   string `json:"value"`
	Comment string `json:"comment"`
}

// operatorDNS answers the DNS records of `postroom domain dns`, and the
// zone-file text to paste.
func (s *Server) operatorDNS(w http.ResponseWriter, r *http.Request) {
	recs, err := s.Admin.DNSRecords(r.Context(), actorOf(sessionOf(r)), r.PathValue("name"), s.Hostname)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	out := make([]dnsRecordJSON, len(recs))
	for i, rec := range recs {
		out[i] = dnsRecordJSON{Name: rec.Name, Type: rec.Type, Value: rec.Value, Comment: rec.Comment}
	}
	writeJSON(w, http.StatusOK, map[string]any{"hostname": s.Hostname, "records": out, "zone": dnsrecords.Format(recs),
		"mta_sts_policy": strings.TrimSpace(dnsrecords.MTASTSPolicy(s.Hostname))})
}
