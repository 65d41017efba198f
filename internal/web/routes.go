package web

import "net/http"

// route is one API endpoint; docs/api.md documents every one (a test
// checks).
type route struct {
	method, path string
	handler      http.Handler
	public       bool // no session needed
}

// routes lists every route the server answers.
func (s *Server) routes() []route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []route{
		{"GET", "/healthz", h(s.healthz), true},
		{"POST", "/api/v1/session", h(s.sessionCreate), true},
		{"GET", "/api/v1/session", h(s.sessionGet), false},
		{"DELETE", "/api/v1/session", h(s.sessionDelete), false},
		{"PATCH", "/api/v1/account", h(s.accountUpdate), false},
		{"GET", "/api/v1/mailboxes", h(s.mailboxList), false},
		{"POST", "/api/v1/mailboxes", h(s.mailboxCreate), false},
		{"PATCH", "/api/v1/mailboxes/{id}", h(s.mailboxUpdate), false},
		{"DELETE", "/api/v1/mailboxes/{id}", h(s.mailboxDelete), false},
		{"GET", "/api/v1/mailboxes/{id}/messages", h(s.messageList), false},
		{"GET", "/api/v1/mailboxes/{id}/ids", h(s.mailboxIDs), false},
		{"GET", "/api/v1/messages/{id}", h(s.messageGet), false},
		{"GET", "/api/v1/messages/{id}/raw", h(s.messageRaw), false},
		{"GET", "/api/v1/messages/{id}/html", h(s.messageHTML), false},
		{"GET", "/api/v1/messages/{id}/cid/{cid}", h(s.messageCID), false},
		{"GET", "/api/v1/inline/{token}/{cid}", h(s.inlinePart), true},
		{"GET", "/api/v1/messages/{id}/attachments/{n}", h(s.attachmentGet), false},
		{"POST", "/api/v1/messages/actions", h(s.messageActions), false},
		{"GET", "/api/v1/threads/{id}", h(s.threadGet), false},
		{"GET", "/api/v1/search", h(s.searchMessages), false},
		{"GET", "/api/v1/addresses", h(s.addresses), false},
		{"GET", "/api/v1/events", h(s.eventStream), false},
		{"GET", "/api/v1/uploads", h(s.uploadList), false},
		{"POST", "/api/v1/uploads", h(s.uploadCreate), false},
		{"GET", "/api/v1/uploads/{id}", h(s.uploadGet), false},
		{"DELETE", "/api/v1/uploads/{id}", h(s.uploadDelete), false},
		{"POST", "/api/v1/send", h(s.sendMessage), false},
		{"GET", "/api/v1/send/scheduled", h(s.sendScheduled), false},
		{"DELETE", "/api/v1/send/{id}", h(s.sendCancel), false},
		{"POST", "/api/v1/drafts", h(s.draftCreate), false},
		{"GET", "/api/v1/drafts/{id}", h(s.draftGet), false},
		{"PUT", "/api/v1/drafts/{id}", h(s.draftUpdate), false},
		{"DELETE", "/api/v1/drafts/{id}", h(s.draftDelete), false},
	}
}
