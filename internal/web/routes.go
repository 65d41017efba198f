package web

import "net/http"

// route is one API endpoint; docs/api.md documents every one (a test
// checks).
type route struct {
	method, path string
	handler      http.Handler
	access       access // who may call it (session.go)
}

// routes lists every route the server answers.
func (s *Server) routes() []route {
	h := func(f http.HandlerFunc) http.Handler { return f }
	return []route{
		{"GET", "/healthz", h(s.healthz), public},
		{"GET", "/readyz", h(s.readyz), public},
		{"GET", "/metrics", h(s.metricsEndpoint), public},
		{"GET", "/.well-known/mta-sts.txt", h(s.mtaSTSPolicy), public},
		// Mail clients that configure themselves (client_discovery.go, P8).
		{"GET", "/.well-known/autoconfig/mail/config-v1.1.xml", h(s.autoconfig), public},
		{"GET", "/mail/config-v1.1.xml", h(s.autoconfig), public},
		{"POST", "/autodiscover/autodiscover.xml", h(s.autodiscover), public},
		{"POST", "/Autodiscover/Autodiscover.xml", h(s.autodiscover), public},
		{"GET", "/autodiscover/autodiscover.json", h(s.autodiscoverJSON), public},
		{"POST", "/api/v1/session", h(s.sessionCreate), public},
		{"POST", "/api/v1/session/link", h(s.sessionLink), public}, // a one-time login link (login_link.go, M14)
		{"GET", "/api/v1/session", h(s.sessionGet), maybeSession},
		{"DELETE", "/api/v1/session", h(s.sessionDelete), anySession},
		{"PATCH", "/api/v1/session", h(s.sessionUpdate), anySession},
		{"PATCH", "/api/v1/account", h(s.accountUpdate), userOnly},
		{"GET", "/api/v1/settings", h(s.settingsGet), userOnly},
		{"PATCH", "/api/v1/settings", h(s.settingsPatch), userOnly},
		{"POST", "/api/v1/settings/blocked-senders", h(s.settingsBlockSender), userOnly}, // report spam's "block this sender"
		{"POST", "/api/v1/account/password", h(s.accountPassword), userOnly},
		{"POST", "/api/v1/password-reset", h(s.passwordReset), public},
		{"POST", "/api/v1/password-reset/confirm", h(s.passwordResetConfirm), public},
		{"GET", "/api/v1/mailboxes", h(s.mailboxList), userOnly},
		{"POST", "/api/v1/mailboxes", h(s.mailboxCreate), userOnly},
		{"PATCH", "/api/v1/mailboxes/{id}", h(s.mailboxUpdate), userOnly},
		{"DELETE", "/api/v1/mailboxes/{id}", h(s.mailboxDelete), userOnly},
		{"GET", "/api/v1/mailboxes/{id}/messages", h(s.messageList), userOnly},
		{"GET", "/api/v1/mailboxes/{id}/ids", h(s.mailboxIDs), userOnly},
		// Settings: folder management, mail server information, access log
		// (folders_*.go, client_setup*.go, access_log.go).
		{"GET", "/api/v1/mailboxes/stats", h(s.folderStats), userOnly},
		{"GET", "/api/v1/mailboxes/{id}/export", h(s.folderExport), userOnly},
		{"POST", "/api/v1/mailboxes/{id}/purge", h(s.folderPurge), userOnly},
		{"POST", "/api/v1/mailboxes/{id}/import", h(s.folderImport), userOnly},
		{"GET", "/api/v1/client-setup", h(s.clientSetupGet), userOnly},
		{"PATCH", "/api/v1/client-setup", h(s.clientSetupPatch), userOnly},
		{"GET", "/api/v1/client-setup/apple.mobileconfig", h(s.appleProfile), userOnly},
		{"GET", "/api/v1/access-log", h(s.accessLog), userOnly},
		// Settings: filter rules and the jobs that apply them (filters.go, jobs.go).
		{"GET", "/api/v1/filters", h(s.filterList), userOnly},
		{"POST", "/api/v1/filters", h(s.filterCreate), userOnly},
		{"POST", "/api/v1/filters/order", h(s.filterOrder), userOnly},
		{"PUT", "/api/v1/filters/{id}", h(s.filterUpdate), userOnly},
		{"DELETE", "/api/v1/filters/{id}", h(s.filterDelete), userOnly},
		{"POST", "/api/v1/filters/{id}/apply", h(s.filterApply), userOnly},
		// Email > 수신확인: read receipts and recall (receipts.go, E6).
		{"GET", "/api/v1/receipts", h(s.receiptList), userOnly},
		{"POST", "/api/v1/receipts/{message_id}/recall", h(s.receiptRecall), userOnly},
		{"POST", "/api/v1/messages/{id}/mdn", h(s.messageMDN), userOnly}, // answering a request (mdn.go)
		{"GET", "/r/{token}", h(s.trackingImage), maybeSession},          // the tracking image (tracking_image.go)
		// Settings: fetching external POP3/IMAP accounts (external_accounts.go).
		{"GET", "/api/v1/external-accounts", h(s.externalList), userOnly},
		{"POST", "/api/v1/external-accounts", h(s.externalCreate), userOnly},
		{"PUT", "/api/v1/external-accounts/{id}", h(s.externalUpdate), userOnly},
		{"DELETE", "/api/v1/external-accounts/{id}", h(s.externalDelete), userOnly},
		{"POST", "/api/v1/external-accounts/{id}/fetch", h(s.externalFetch), userOnly},
		{"GET", "/api/v1/jobs/{id}", h(s.jobGet), userOrToken},
		{"GET", "/api/v1/messages/{id}", h(s.messageGet), userOnly},
		{"GET", "/api/v1/messages/{id}/raw", h(s.messageRaw), userOnly},
		{"GET", "/api/v1/messages/{id}/html", h(s.messageHTML), userOnly},
		{"GET", "/api/v1/messages/{id}/cid/{cid}", h(s.messageCID), userOnly},
		{"GET", "/api/v1/inline/{token}/{cid}", h(s.inlinePart), public},
		{"GET", "/api/v1/messages/{id}/attachments/{n}", h(s.attachmentGet), userOnly},
		{"POST", "/api/v1/messages/actions", h(s.messageActions), userOnly},
		{"GET", "/api/v1/threads/{id}", h(s.threadGet), userOnly},
		{"GET", "/api/v1/search", h(s.searchMessages), userOnly},
		{"GET", "/api/v1/addresses", h(s.addresses), userOnly},
		// Contacts (contacts*.go).
		{"GET", "/api/v1/contacts", h(s.contactList), userOnly},
		{"POST", "/api/v1/contacts", h(s.contactCreate), userOnly},
		{"POST", "/api/v1/contacts/actions", h(s.contactActions), userOnly},
		{"POST", "/api/v1/contacts/import", h(s.contactImport), userOnly},
		{"GET", "/api/v1/contacts/export", h(s.contactExport), userOnly},
		{"GET", "/api/v1/contacts/template.csv", h(s.contactTemplate), userOnly},
		{"GET", "/api/v1/contacts/{id}", h(s.contactGet), userOnly},
		{"PUT", "/api/v1/contacts/{id}", h(s.contactUpdate), userOnly},
		{"DELETE", "/api/v1/contacts/{id}", h(s.contactDelete), userOnly},
		{"POST", "/api/v1/contacts/{id}/restore", h(s.contactRestore), userOnly},
		{"GET", "/api/v1/contact-groups", h(s.groupList), userOnly},
		{"POST", "/api/v1/contact-groups", h(s.groupCreate), userOnly},
		{"PUT", "/api/v1/contact-groups/{id}", h(s.groupUpdate), userOnly},
		{"DELETE", "/api/v1/contact-groups/{id}", h(s.groupDelete), userOnly},
		{"GET", "/api/v1/contact-folders", h(s.contactFolderList), userOnly},
		{"POST", "/api/v1/contact-folders", h(s.contactFolderCreate), userOnly},
		{"PUT", "/api/v1/contact-folders/{id}", h(s.contactFolderUpdate), userOnly},
		{"DELETE", "/api/v1/contact-folders/{id}", h(s.contactFolderDelete), userOnly},
		{"GET", "/api/v1/events", h(s.eventStream), userOnly},
		{"GET", "/api/v1/uploads", h(s.uploadList), userOnly},
		{"POST", "/api/v1/uploads", h(s.uploadCreate), userOnly},
		{"GET", "/api/v1/uploads/{id}", h(s.uploadGet), userOnly},
		{"DELETE", "/api/v1/uploads/{id}", h(s.uploadDelete), userOnly},
		{"POST", "/api/v1/send", h(s.sendMessage), userOnly},
		{"GET", "/api/v1/send/scheduled", h(s.sendScheduled), userOnly},
		{"DELETE", "/api/v1/send/{id}", h(s.sendCancel), userOnly},
		{"POST", "/api/v1/drafts", h(s.draftCreate), userOnly},
		{"GET", "/api/v1/drafts/{id}", h(s.draftGet), userOnly},
		{"POST", "/api/v1/drafts/{id}/reopen", h(s.draftReopen), userOnly},
		{"PUT", "/api/v1/drafts/{id}", h(s.draftUpdate), userOnly},
		{"DELETE", "/api/v1/drafts/{id}", h(s.draftDelete), userOnly},
		// The domain console: organisation and accounts (admin_departments.go).
		{"GET", "/api/v1/org", h(s.withOrg(s.orgChart)), userOnly},
		{"GET", "/api/v1/admin/departments", h(s.withOrg(s.departmentList)), adminOnly},
		{"POST", "/api/v1/admin/departments", h(s.withOrg(s.departmentCreate)), adminOnly},
		{"PUT", "/api/v1/admin/departments/{id}", h(s.withOrg(s.departmentUpdate)), adminOnly},
		{"DELETE", "/api/v1/admin/departments/{id}", h(s.withOrg(s.departmentDelete)), adminOnly},
		{"GET", "/api/v1/admin/users", h(s.withOrg(s.adminUserList)), adminOrToken},
		{"POST", "/api/v1/admin/users", h(s.withOrg(s.adminUserCreate)), adminOrToken},
		{"PATCH", "/api/v1/admin/users/{id}", h(s.withOrg(s.adminUserPatch)), adminOrToken},
		// Bulk operations on accounts (admin_users_bulk.go, M3).
		{"POST", "/api/v1/admin/users/delete", h(s.withUsersBulk(s.adminUsersDelete)), adminOrToken},
		{"GET", "/api/v1/admin/users/{id}/backup", h(s.withUsersBulk(s.adminUserBackup)), adminOnly},
		{"POST", "/api/v1/admin/users/import", h(s.withUsersBulk(s.adminUsersImport)), adminOrToken},
		{"GET", "/api/v1/admin/users/template.csv", h(s.adminUsersTemplate), adminOrToken},
		{"GET", "/api/v1/admin/tokens", h(s.withTokens(s.tokenList)), adminOnly},
		{"POST", "/api/v1/admin/tokens", h(s.withTokens(s.tokenCreate)), adminOnly},
		{"DELETE", "/api/v1/admin/tokens/{id}", h(s.withTokens(s.tokenRevoke)), adminOnly},
		// One-time login links (login_link.go, M14) and the audit log (admin_audit.go).
		{"POST", "/api/v1/admin/users/{id}/login-link", h(s.loginLinkCreate), adminOrToken},
		{"GET", "/api/v1/admin/audit", h(s.withAudit(s.adminAudit)), adminOnly},
		// The domain console: mailing lists (admin_lists.go, M4).
		{"GET", "/api/v1/admin/lists", h(s.withLists(s.adminListList)), adminOnly},
		{"POST", "/api/v1/admin/lists", h(s.withLists(s.adminListCreate)), adminOnly},
		{"PUT", "/api/v1/admin/lists/{id}", h(s.withLists(s.adminListUpdate)), adminOnly},
		{"DELETE", "/api/v1/admin/lists/{id}", h(s.withLists(s.adminListDelete)), adminOnly},
		// The domain console: the security page (admin_security.go, M7–M12).
		{"GET", "/api/v1/admin/security", h(s.adminSecurityGet), adminOnly},
		{"PUT", "/api/v1/admin/security", h(s.adminSecurityPut), adminOnly},
		// The domain console: mailbox copy (admin_mailbox_copy.go, M5).
		{"GET", "/api/v1/admin/users/{id}/folders", h(s.adminUserFolders), adminOnly},
		{"GET", "/api/v1/admin/users/{id}/apple.mobileconfig", h(s.adminUserProfile), adminOnly}, // admin_user_profile.go (P8)
		{"POST", "/api/v1/admin/mailbox-copy", h(s.adminMailboxCopy), adminOnly},
		// The domain console: basic settings and spam lists (admin_domain.go, admin_spam.go; M1, M2).
		{"GET", "/api/v1/admin/domain", h(s.adminDomainGet), adminOnly},
		{"PATCH", "/api/v1/admin/domain", h(s.adminDomainPatch), adminOnly},
		{"GET", "/api/v1/admin/spam", h(s.adminSpamGet), adminOnly},
		{"PUT", "/api/v1/admin/spam", h(s.adminSpamPut), adminOnly},
		// The system operator's console (operator_*.go).
		{"GET", "/api/v1/operator/domains", h(s.operatorDomains), operatorOnly},
		{"POST", "/api/v1/operator/domains", h(s.operatorDomainCreate), operatorOnly},
		{"PATCH", "/api/v1/operator/domains/{name}", h(s.operatorDomainUpdate), operatorOnly},
		{"DELETE", "/api/v1/operator/domains/{name}", h(s.operatorDomainDelete), operatorOnly},
		{"GET", "/api/v1/operator/status", h(s.operatorStatus), operatorOnly},
		{"GET", "/api/v1/operator/domains/{name}/users", h(s.operatorUsers), operatorOnly},
		{"POST", "/api/v1/operator/domains/{name}/users", h(s.operatorUserCreate), operatorOnly},
		{"POST", "/api/v1/operator/domains/{name}/admins", h(s.operatorAdminCreate), operatorOnly},
		{"GET", "/api/v1/operator/domains/{name}/dns", h(s.operatorDNS), operatorOnly},
	}
}
