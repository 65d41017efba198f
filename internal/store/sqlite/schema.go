package sqlite

import "slices"

// migrations are applied in order; the index of the last one applied is
// kept in PRAGMA user_version. Never edit a released migration: append.
var migrations = slices.Concat(featureMigrations, servingMigrations)

// featureMigrations made the suite's tables, issue by issue up to external
// mail accounts. Never edited: new migrations go at the end of
// servingMigrations (schema_serving.go).
var featureMigrations = []string{`
CREATE TABLE domains (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	language    TEXT NOT NULL,
	time_zone   TEXT NOT NULL,
	quota_bytes INTEGER NOT NULL DEFAULT 0,
	used_bytes  INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL
);
CREATE TABLE operators (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	domain_id     INTEGER NOT NULL REFERENCES domains(id),
	local_part    TEXT NOT NULL,
	display_name  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '',
	quota_bytes   INTEGER NOT NULL DEFAULT 0,
	enabled       INTEGER NOT NULL DEFAULT 1,
	client_access INTEGER NOT NULL DEFAULT 1,
	admin         INTEGER NOT NULL DEFAULT 0,
	language      TEXT NOT NULL DEFAULT 'ko',
	time_zone     TEXT NOT NULL DEFAULT 'Asia/Seoul',
	used_bytes    INTEGER NOT NULL DEFAULT 0,
	used_messages INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	UNIQUE (domain_id, local_part)
);
CREATE TABLE mailboxes (
	id             INTEGER PRIMARY KEY,
	account_id     INTEGER NOT NULL REFERENCES accounts(id),
	name           TEXT NOT NULL,
	role           TEXT NOT NULL DEFAULT '',
	subscribed     INTEGER NOT NULL DEFAULT 1,
	uid_validity   INTEGER NOT NULL,
	uid_next       INTEGER NOT NULL DEFAULT 1,
	highest_modseq INTEGER NOT NULL DEFAULT 1,
	created_at     INTEGER NOT NULL,
	UNIQUE (account_id, name)
);
CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	account_id     INTEGER NOT NULL,
	mailbox_id     INTEGER NOT NULL REFERENCES mailboxes(id),
	uid            INTEGER NOT NULL,
	modseq         INTEGER NOT NULL,
	blob_key       TEXT NOT NULL,
	size           INTEGER NOT NULL,
	internal_date  INTEGER NOT NULL,
	flags          TEXT NOT NULL DEFAULT '',
	seen           INTEGER NOT NULL DEFAULT 0,
	envelope       TEXT NOT NULL DEFAULT '{}',
	message_id     TEXT NOT NULL DEFAULT '',
	thread_id      INTEGER NOT NULL DEFAULT 0,
	preview        TEXT NOT NULL DEFAULT '',
	has_attachment INTEGER NOT NULL DEFAULT 0,
	UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_account_msgid ON messages(account_id, message_id);
CREATE INDEX messages_blob ON messages(blob_key);
CREATE TABLE expunged (
	mailbox_id INTEGER NOT NULL,
	uid        INTEGER NOT NULL,
	modseq     INTEGER NOT NULL,
	PRIMARY KEY (mailbox_id, uid)
);
CREATE TABLE blobs (
	key  TEXT PRIMARY KEY,
	refs INTEGER NOT NULL
);
CREATE TABLE queue (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL DEFAULT 0,
	mail_from  TEXT NOT NULL,
	recipients TEXT NOT NULL,
	blob_key   TEXT NOT NULL,
	size       INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	next_try   INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_blob ON queue(blob_key);
CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
`, `
CREATE TABLE logins (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL,
	time       INTEGER NOT NULL,
	protocol   TEXT NOT NULL,
	ip         TEXT NOT NULL,
	success    INTEGER NOT NULL
);
CREATE INDEX logins_account_time ON logins(account_id, time);
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_mailbox_seen ON messages(mailbox_id, seen, uid);
`, `
ALTER TABLE accounts ADD COLUMN pop3_delete TEXT NOT NULL DEFAULT 'keep';
ALTER TABLE messages ADD COLUMN pop3_hidden INTEGER NOT NULL DEFAULT 0;
`, `
CREATE TABLE outbound (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL DEFAULT 0,
	mail_from  TEXT NOT NULL,
	blob_key   TEXT NOT NULL,
	size       INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	send_at    INTEGER NOT NULL,
	utf8       INTEGER NOT NULL DEFAULT 0,
	warned     INTEGER NOT NULL DEFAULT 0,
	save_sent  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbound_blob ON outbound(blob_key);
CREATE TABLE outbound_rcpts (
	id          INTEGER PRIMARY KEY,
	outbound_id INTEGER NOT NULL REFERENCES outbound(id),
	address     TEXT NOT NULL,
	status      TEXT NOT NULL DEFAULT 'pending',
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_try    INTEGER NOT NULL,
	last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbound_rcpts_due ON outbound_rcpts(status, next_try);
CREATE INDEX outbound_rcpts_msg ON outbound_rcpts(outbound_id);
INSERT INTO outbound (id, account_id, mail_from, blob_key, size, created_at, send_at)
	SELECT id, account_id, mail_from, blob_key, size, created_at, next_try FROM queue;
INSERT INTO outbound_rcpts (outbound_id, address, attempts, next_try, last_error)
	SELECT q.id, j.value, q.attempts, q.next_try, q.last_error FROM queue q, json_each(q.recipients) j;
DROP TABLE queue;
CREATE TABLE dkim_keys (
	id          INTEGER PRIMARY KEY,
	domain_id   INTEGER NOT NULL REFERENCES domains(id),
	selector    TEXT NOT NULL,
	algorithm   TEXT NOT NULL,
	private_pem BLOB NOT NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (domain_id, selector)
);
`, `
-- Message ids are never reused (AUTOINCREMENT): a POP3 UIDL and a thread id
-- name one message forever, even after the newest message was deleted.
CREATE TABLE messages_new (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id     INTEGER NOT NULL,
	mailbox_id     INTEGER NOT NULL REFERENCES mailboxes(id),
	uid            INTEGER NOT NULL,
	modseq         INTEGER NOT NULL,
	blob_key       TEXT NOT NULL,
	size           INTEGER NOT NULL,
	internal_date  INTEGER NOT NULL,
	flags          TEXT NOT NULL DEFAULT '',
	seen           INTEGER NOT NULL DEFAULT 0,
	envelope       TEXT NOT NULL DEFAULT '{}',
	message_id     TEXT NOT NULL DEFAULT '',
	thread_id      INTEGER NOT NULL DEFAULT 0,
	preview        TEXT NOT NULL DEFAULT '',
	has_attachment INTEGER NOT NULL DEFAULT 0,
	deleted        INTEGER NOT NULL DEFAULT 0,
	pop3_hidden    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (mailbox_id, uid)
);
INSERT INTO messages_new (id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, flags, seen, envelope,
	message_id, thread_id, preview, has_attachment, deleted, pop3_hidden)
	SELECT id, account_id, mailbox_id, uid, modseq, blob_key, size, internal_date, flags, seen, envelope,
	message_id, thread_id, preview, has_attachment, deleted, pop3_hidden FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_account_msgid ON messages(account_id, message_id);
CREATE INDEX messages_blob ON messages(blob_key);
CREATE INDEX messages_mailbox_seen ON messages(mailbox_id, seen, uid);
CREATE INDEX messages_mailbox_date ON messages(mailbox_id, internal_date, uid);
`, `
-- The search index (E2): one row per message, rowid = messages.id, the
-- terms made by internal/search; FTS5 splits them on spaces only.
CREATE VIRTUAL TABLE message_index USING fts5(subject, from_addr, to_addr, body,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '");
-- Messages stored before the index get empty rows (found by every filter
-- but words) until they are indexed again.
INSERT INTO message_index (rowid, subject, from_addr, to_addr, body) SELECT id, '', '', '', '' FROM messages;
`, `
-- Threads by subject (E1): base_subject is store.BaseSubject of the
-- subject, what a reply without known References is matched on. Rows
-- stored before get it from the same Go function (threads.go); a row whose
-- envelope is unreadable keeps '' and never matches.
ALTER TABLE messages ADD COLUMN base_subject TEXT NOT NULL DEFAULT '';
UPDATE messages SET base_subject = postroom_base_subject(json_extract(envelope, '$.subject')) WHERE json_valid(envelope);
CREATE INDEX messages_account_subject ON messages(account_id, base_subject, internal_date);
CREATE INDEX messages_account_thread ON messages(account_id, thread_id);
`, `
-- Writing mail (E3): files uploaded for a message being written, each
-- holding one blob reference until used or expired; and messages queued
-- to be sent one copy per recipient (E3-2).
CREATE TABLE uploads (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id   INTEGER NOT NULL,
	blob_key     TEXT NOT NULL,
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
CREATE INDEX uploads_account ON uploads(account_id, id);
CREATE INDEX uploads_expires ON uploads(expires_at);
CREATE INDEX uploads_blob ON uploads(blob_key);
ALTER TABLE outbound ADD COLUMN individually INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbound_account ON outbound(account_id, send_at);
`, `
-- Webmail speed on large folders (measured at 100k messages): the folder
-- counts (MailboxStatus) and the conversation list read these indexes
-- instead of every row of the table.
CREATE INDEX messages_mailbox_status ON messages(mailbox_id, seen, deleted, size);
CREATE INDEX messages_mailbox_thread ON messages(mailbox_id, thread_id, internal_date, uid);
`, `
-- Search within one account (E2, X1): every index row carries its account
-- as the term a<id> in column acct, and every search requires that term,
-- so FTS5 returns only the searcher's hits. Before, a common word matched
-- every account's mail and each hit was looked up only to be thrown away.
CREATE VIRTUAL TABLE message_index_new USING fts5(subject, from_addr, to_addr, body, acct,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '");
INSERT INTO message_index_new (rowid, subject, from_addr, to_addr, body, acct)
	SELECT i.rowid, i.subject, i.from_addr, i.to_addr, i.body, 'a' || m.account_id
	FROM message_index i JOIN messages m ON m.id = i.rowid;
DROP TABLE message_index;
ALTER TABLE message_index_new RENAME TO message_index;
`, `
-- The conversation list walks a folder newest first reading each
-- message's thread: this index answers it without the table.
CREATE INDEX messages_mailbox_date_thread ON messages(mailbox_id, internal_date, uid, thread_id, seen);
DROP INDEX messages_mailbox_date; -- a prefix of the one above
-- "Has attachment" searched without words reads only such messages.
CREATE INDEX messages_account_attachment ON messages(account_id, internal_date, id, mailbox_id) WHERE has_attachment = 1;
`, `
-- Webmail sessions (E, X5): kept here so that a restart or another node
-- does not log users out. token_hash is the SHA-256 of the cookie value.
CREATE TABLE web_sessions (
	token_hash TEXT PRIMARY KEY,
	csrf       TEXT NOT NULL,
	account_id INTEGER NOT NULL,
	language   TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
CREATE INDEX web_sessions_last_seen ON web_sessions(last_seen);
-- The installation's own random keys (store.SecretStore).
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
`, `
-- The system operator's console sessions (M, X5): a session belongs to an
-- account or, with account_id 0, to an operator.
ALTER TABLE web_sessions ADD COLUMN operator_id INTEGER NOT NULL DEFAULT 0;
`, `
-- Undo and cancel (S2-4, X5) live in the store, not in a process: what an
-- undo puts back is on the queue row, and a delayed or scheduled send that
-- left the queue (sent, or cancelled) is remembered for
-- store.QueueGoneKeep (outbound ids are never reused: AUTOINCREMENT), so
-- that a late undo is told so after a restart and on any node.
ALTER TABLE outbound ADD COLUMN undo_answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound ADD COLUMN undo_draft TEXT NOT NULL DEFAULT '';
CREATE TABLE outbound_gone (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL,
	outcome    TEXT NOT NULL, -- 'sent' or 'cancelled'
	gone_at    INTEGER NOT NULL
);
CREATE INDEX outbound_gone_at ON outbound_gone(gone_at);
`, `
-- The event log (X5, store.EventLog): every process sharing the database
-- (the command line while the server runs; later every node) appends the
-- changes it publishes and follows the others' rows. Trimmed after
-- minutes: a follower only needs what it has not read yet. AUTOINCREMENT:
-- an id is never reused, so "id > the last one read" finds every new row.
CREATE TABLE events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	node       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	account_id INTEGER NOT NULL,
	mailbox_id INTEGER NOT NULL DEFAULT 0,
	uids       TEXT NOT NULL DEFAULT '', -- JSON array
	modseq     INTEGER NOT NULL DEFAULT 0,
	at         INTEGER NOT NULL
);
CREATE INDEX events_at ON events(at);
`, `
-- Rate-limit counters shared by every process (store.LimitStore): one row
-- per recorded hit (or batch of hits) of a key.
CREATE TABLE limit_hits (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL,
	n   INTEGER NOT NULL
);
CREATE INDEX limit_hits_key_at ON limit_hits(key, at);
CREATE INDEX limit_hits_at ON limit_hits(at);
`, `
-- Login protection (issue 13): a web session remembers a fingerprint of
-- its principal's password, so that a changed password ends it (sessions
-- from before have none and end at their next use); the addresses an
-- account's owner logs in from are read from the access log.
ALTER TABLE web_sessions ADD COLUMN credential TEXT NOT NULL DEFAULT '';
CREATE INDEX logins_account_success ON logins(account_id, success, time, ip);
`, `
-- POP3 UIDLs (issue 13): a message's UIDL was its row id, global and
-- sequential, which told every POP3 user how much mail the server takes
-- in for everyone. A message stored from now on gets an opaque random one
-- (store.NewUIDL); a message stored before keeps the one its POP3 clients
-- already know, its id, so that "leave a copy on the server" downloads
-- nothing twice.
ALTER TABLE messages ADD COLUMN pop3_uidl TEXT NOT NULL DEFAULT '';
UPDATE messages SET pop3_uidl = CAST(id AS TEXT);
`, `
-- Out-of-office replies (S2, RFC 3834 §2): the last time an account
-- answered a sender, so that a sender hears it once per period whatever
-- restarts and nodes. No foreign key: an account's deletion leaves its
-- rows, which only ever say "replied".
CREATE TABLE auto_replies (
	account_id INTEGER NOT NULL,
	sender     TEXT NOT NULL,
	at         INTEGER NOT NULL,
	PRIMARY KEY (account_id, sender)
);
`, `
-- A user's own settings (S1-S8, internal/settings): one JSON document per
-- account, changed by compare-and-swap on version so that two tabs saving
-- different fields both keep theirs. Display name, language and time
-- zone stay in accounts. The one-time tokens of "forgot password" (S1)
-- keep only the SHA-256 of the token. Both go with their account.
CREATE TABLE account_settings (
	account_id INTEGER PRIMARY KEY,
	doc        TEXT NOT NULL,
	version    INTEGER NOT NULL
);
CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX password_resets_account ON password_resets(account_id);
CREATE TRIGGER account_settings_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM account_settings WHERE account_id = OLD.id;
	DELETE FROM password_resets WHERE account_id = OLD.id;
END;
`, `
-- Filter rules (S4, internal/filters): an account's rules in the order
-- they run, each an opaque JSON rule. Background jobs (internal/jobs):
-- whose, what, how far, how it ended; heartbeat is the runner's last
-- sign of life, so that a restart (or another node) can tell an
-- interrupted job from a running one. Both go with their account.
CREATE TABLE filters (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	name       TEXT NOT NULL,
	enabled    INTEGER NOT NULL,
	rule       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX filters_account ON filters(account_id, position);
CREATE TABLE jobs (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL,
	domain_id   INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	state       TEXT NOT NULL,
	params      TEXT NOT NULL,
	done        INTEGER NOT NULL,
	total       INTEGER NOT NULL,
	result      TEXT NOT NULL,
	error       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	heartbeat   INTEGER NOT NULL,
	finished_at INTEGER NOT NULL
);
CREATE INDEX jobs_state ON jobs(state, heartbeat);
CREATE INDEX jobs_finished ON jobs(finished_at);
CREATE TRIGGER filters_jobs_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM filters WHERE account_id = OLD.id;
	DELETE FROM jobs WHERE account_id = OLD.id;
END;
`, `
-- An account's out-of-office reply log goes with it (its id may be taken
-- again, and the new account has answered no one).
CREATE TRIGGER auto_replies_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM auto_replies WHERE account_id = OLD.id;
END;
`, `
-- Address books (C1-C4, store.ContactStore): a book is (domain_id,
-- account_id), account_id 0 being the domain's shared book. A contact is
-- an opaque JSON document (internal/contacts' shape) beside the columns
-- it is sorted, found and scoped by. contact_books holds each book's
-- change counter (CardDAV's ctag); a contact's version is the counter at
-- its last change. trashed is 0 or 1 so that the list index can seek on
-- it; deleted_at says when. Folders are an account's only.
CREATE TABLE contact_books (
	domain_id  INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	PRIMARY KEY (domain_id, account_id)
);
CREATE TABLE contact_folders (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL,
	name       TEXT NOT NULL,
	UNIQUE (account_id, name)
);
CREATE TABLE contacts (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	domain_id  INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	folder_id  INTEGER REFERENCES contact_folders(id),
	uid        TEXT NOT NULL,
	name       TEXT NOT NULL,
	sort_key   TEXT NOT NULL,
	search     TEXT NOT NULL,
	data       TEXT NOT NULL,
	version    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	trashed    INTEGER NOT NULL DEFAULT 0,
	deleted_at INTEGER NOT NULL DEFAULT 0,
	UNIQUE (domain_id, account_id, uid)
);
-- A page of a book and its count, searched or not, are read from this
-- index alone (search is in it: checking each row in the table made a
-- search of 10,000 contacts ten times slower), then the page's rows.
CREATE INDEX contacts_book_sort ON contacts(domain_id, account_id, trashed, sort_key, id, search);
CREATE INDEX contacts_folder ON contacts(folder_id, trashed, sort_key, id) WHERE folder_id IS NOT NULL;
CREATE TABLE contact_groups (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	domain_id  INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	name       TEXT NOT NULL,
	UNIQUE (domain_id, account_id, name)
);
CREATE TABLE contact_group_members (
	group_id   INTEGER NOT NULL REFERENCES contact_groups(id),
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	PRIMARY KEY (group_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_group_members_contact ON contact_group_members(contact_id, group_id);
-- An account's personal book, its groups and folders go with it; a
-- domain's shared book with the domain (its accounts' went first). Ids
-- of accounts and domains may be taken again: the newcomer starts empty.
CREATE TRIGGER contacts_account_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM contact_group_members WHERE contact_id IN
		(SELECT id FROM contacts WHERE domain_id = OLD.domain_id AND account_id = OLD.id);
	DELETE FROM contact_group_members WHERE group_id IN
		(SELECT id FROM contact_groups WHERE domain_id = OLD.domain_id AND account_id = OLD.id);
	DELETE FROM contacts WHERE domain_id = OLD.domain_id AND account_id = OLD.id;
	DELETE FROM contact_groups WHERE domain_id = OLD.domain_id AND account_id = OLD.id;
	DELETE FROM contact_folders WHERE account_id = OLD.id;
	DELETE FROM contact_books WHERE domain_id = OLD.domain_id AND account_id = OLD.id;
END;
CREATE TRIGGER contacts_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM contact_group_members WHERE contact_id IN (SELECT id FROM contacts WHERE domain_id = OLD.id);
	DELETE FROM contact_group_members WHERE group_id IN (SELECT id FROM contact_groups WHERE domain_id = OLD.id);
	DELETE FROM contacts WHERE domain_id = OLD.id;
	DELETE FROM contact_groups WHERE domain_id = OLD.id;
	DELETE FROM contact_books WHERE domain_id = OLD.id;
END;
`, `
-- A domain's organisation (M6): departments as a tree, and where each
-- account sits (department 0: none). Both go with their domain or account.
CREATE TABLE departments (
	id        INTEGER PRIMARY KEY,
	domain_id INTEGER NOT NULL,
	parent_id INTEGER NOT NULL DEFAULT 0,
	name      TEXT NOT NULL
);
CREATE INDEX departments_domain ON departments(domain_id, parent_id, name);
CREATE TABLE account_orgs (
	account_id    INTEGER PRIMARY KEY,
	department_id INTEGER NOT NULL DEFAULT 0,
	position      TEXT NOT NULL DEFAULT '',
	phone         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_orgs_department ON account_orgs(department_id);
CREATE TRIGGER account_orgs_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM account_orgs WHERE account_id = OLD.id;
END;
CREATE TRIGGER departments_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM departments WHERE domain_id = OLD.id;
END;
`, `
-- Mailing lists (M4): an address of a domain that delivers to its
-- members (a JSON array of addresses). A domain's lists go with it.
CREATE TABLE lists (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	domain_id    INTEGER NOT NULL REFERENCES domains(id),
	local_part   TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	members      TEXT NOT NULL DEFAULT '[]',
	members_only INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	UNIQUE (domain_id, local_part)
);
CREATE TRIGGER lists_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM lists WHERE domain_id = OLD.id;
END;
`, `
-- A domain's security policy (M7-M12): one JSON document per domain,
-- internal/auth's shape, written by the admin service; it goes with its
-- domain. When each account's password was last set (M11's change
-- interval), kept by triggers on the hash itself so that every path that
-- sets a password (creation, the user's change, a reset link, the
-- administrator, the command line) records it; a password set before
-- this version counts from the upgrade.
CREATE TABLE domain_security (
	domain_id INTEGER PRIMARY KEY,
	doc       TEXT NOT NULL
);
CREATE TRIGGER domain_security_gone AFTER DELETE ON domains BEGIN
	DELETE FROM domain_security WHERE domain_id = OLD.id;
END;
CREATE TABLE password_set (
	account_id INTEGER PRIMARY KEY,
	set_at     INTEGER NOT NULL
);
INSERT INTO password_set (account_id, set_at)
	SELECT id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000000 FROM accounts;
CREATE TRIGGER password_set_new AFTER INSERT ON accounts BEGIN
	INSERT OR REPLACE INTO password_set (account_id, set_at) VALUES (NEW.id, NEW.created_at);
END;
CREATE TRIGGER password_set_changed AFTER UPDATE OF password_hash ON accounts
	WHEN OLD.password_hash IS NOT NEW.password_hash BEGIN
	INSERT OR REPLACE INTO password_set (account_id, set_at)
		VALUES (NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000000);
END;
CREATE TRIGGER password_set_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM password_set WHERE account_id = OLD.id;
END;
`, `
-- The integration API's tokens (M14): a domain's, kept as the SHA-256 of
-- the secret, revoked (revoked_at) rather than deleted; they go with
-- their domain.
CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	domain_id  INTEGER NOT NULL,
	name       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	prefix     TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_used  INTEGER NOT NULL,
	revoked_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_domain ON api_tokens(domain_id);
CREATE TRIGGER api_tokens_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM api_tokens WHERE domain_id = OLD.id;
END;
`, `
-- The operator's hold on a domain (suspended: no login, no mail in) and
-- its limit of accounts (0 = none); the domain's own spam lists (M2) as
-- JSON arrays, applied to every account of the domain.
ALTER TABLE domains ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE domains ADD COLUMN max_users INTEGER NOT NULL DEFAULT 0;
ALTER TABLE domains ADD COLUMN blocked_senders TEXT NOT NULL DEFAULT '[]';
ALTER TABLE domains ADD COLUMN blocked_phrases TEXT NOT NULL DEFAULT '[]';
-- What administrators did (issue 16): who, what, to what, when, from
-- where. domain_id 0 is the installation (the operator's own changes);
-- a domain's rows go with it.
CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	domain_id INTEGER NOT NULL,
	actor     TEXT NOT NULL,
	role      TEXT NOT NULL,
	action    TEXT NOT NULL,
	target    TEXT NOT NULL,
	detail    TEXT NOT NULL,
	remote    TEXT NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX audit_log_domain ON audit_log(domain_id, id);
CREATE TRIGGER audit_log_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM audit_log WHERE domain_id = OLD.id;
END;
-- One-time login links of the integration API (M14), kept as the
-- SHA-256 of the secret; used_at is set by the one use.
CREATE TABLE login_links (
	hash       TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL,
	domain_id  INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL
);
CREATE TRIGGER login_links_account_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM login_links WHERE account_id = OLD.id;
END;
`, `
-- What an administrator's mailbox copy (M5) copied: a source message
-- (its id, kept through moves, never reused) into a target account, so
-- that a second run copies only what is new. A row goes with its source
-- message or its target account (store.MailboxCopyStore).
CREATE TABLE mailbox_copies (
	source_message_id INTEGER NOT NULL,
	target_account_id INTEGER NOT NULL,
	copied_at         INTEGER NOT NULL,
	PRIMARY KEY (source_message_id, target_account_id)
) WITHOUT ROWID;
CREATE INDEX mailbox_copies_target ON mailbox_copies(target_account_id);
CREATE TRIGGER mailbox_copies_message_gone AFTER DELETE ON messages BEGIN
	DELETE FROM mailbox_copies WHERE source_message_id = OLD.id;
END;
CREATE TRIGGER mailbox_copies_account_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM mailbox_copies WHERE target_account_id = OLD.id;
END;
`, `
-- Users' external mail accounts (외부메일 가져오기, internal/fetch): the
-- schedule (next_run, 0 = not scheduled) and the lease live here so that
-- two nodes never fetch one account at once. password is sealed by the
-- service. external_uidls are the POP3 messages already fetched.
CREATE TABLE external_accounts (
	id            INTEGER PRIMARY KEY,
	account_id    INTEGER NOT NULL,
	name          TEXT NOT NULL,
	protocol      TEXT NOT NULL,
	host          TEXT NOT NULL,
	port          INTEGER NOT NULL,
	security      TEXT NOT NULL,
	user          TEXT NOT NULL,
	password      BLOB NOT NULL,
	folder        TEXT NOT NULL,
	all_folders   INTEGER NOT NULL,
	leave         INTEGER NOT NULL,
	insecure_tls  INTEGER NOT NULL,
	every_minutes INTEGER NOT NULL,
	enabled       INTEGER NOT NULL,
	next_run      INTEGER NOT NULL,
	last_run      INTEGER NOT NULL DEFAULT 0,
	last_imported INTEGER NOT NULL DEFAULT 0,
	last_skipped  INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_kind TEXT NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0,
	lease_owner   TEXT NOT NULL DEFAULT '',
	lease_until   INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX external_accounts_account ON external_accounts(account_id);
CREATE INDEX external_accounts_due ON external_accounts(enabled, next_run);
CREATE TABLE external_uidls (
	external_id INTEGER NOT NULL,
	uidl        TEXT NOT NULL,
	fetched_at  INTEGER NOT NULL,
	PRIMARY KEY (external_id, uidl)
) WITHOUT ROWID;
CREATE TRIGGER external_accounts_account_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM external_accounts WHERE account_id = OLD.id;
END;
CREATE TRIGGER external_uidls_gone AFTER DELETE ON external_accounts BEGIN
	DELETE FROM external_uidls WHERE external_id = OLD.id;
END;
`}
