package sqlite

// servingMigrations follow featureMigrations (schema.go): what serving
// many users from one database added from issue 17 on (spam learning,
// read receipts, IMAP's own columns, the cluster's shared state, the
// performance work). A new migration goes at the end of this list; none
// is ever edited.
var servingMigrations = []string{`
-- What the spam classifier learned (issue 18): per domain (account_id 0)
-- and per account, how many spam and ham messages were trained and how
-- many of them held each token; and what each trained message was
-- trained as, so that reporting it again teaches nothing twice and
-- "not spam" undoes "spam".
CREATE TABLE bayes_totals (
	domain_id  INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	spam       INTEGER NOT NULL,
	ham        INTEGER NOT NULL,
	PRIMARY KEY (domain_id, account_id)
) WITHOUT ROWID;
CREATE TABLE bayes_tokens (
	domain_id  INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	token      TEXT NOT NULL,
	spam       INTEGER NOT NULL,
	ham        INTEGER NOT NULL,
	PRIMARY KEY (domain_id, account_id, token)
) WITHOUT ROWID;
CREATE TABLE bayes_trained (
	account_id INTEGER NOT NULL,
	blob_key   TEXT NOT NULL,
	spam       INTEGER NOT NULL,
	PRIMARY KEY (account_id, blob_key)
) WITHOUT ROWID;
CREATE TRIGGER bayes_account_gone AFTER DELETE ON accounts BEGIN
	DELETE FROM bayes_totals WHERE account_id = OLD.id;
	DELETE FROM bayes_tokens WHERE account_id = OLD.id;
	DELETE FROM bayes_trained WHERE account_id = OLD.id;
END;
CREATE TRIGGER bayes_domain_gone AFTER DELETE ON domains BEGIN
	DELETE FROM bayes_totals WHERE domain_id = OLD.id;
	DELETE FROM bayes_tokens WHERE domain_id = OLD.id;
END;
`, `
-- The operator's hourly sending limit of a domain's users (issue 19,
-- internal/send/hourly.go): 0 = the server's [limits] default, -1 = none.
ALTER TABLE domains ADD COLUMN messages_per_hour INTEGER NOT NULL DEFAULT 0;
`, `
-- The spam verdict given at delivery (issue 18, store.SpamVerdictStore):
-- per account and blob, so that moves and copies keep it. reasons is a
-- JSON array of strings.
CREATE TABLE spam_verdicts (
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	blob_key   TEXT NOT NULL,
	verdict    TEXT NOT NULL,
	score      REAL NOT NULL,
	reasons    TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (account_id, blob_key)
) WITHOUT ROWID;
`, `
-- Read receipts (issue 18, store.ReceiptStore): one row per recipient of
-- a message sent with receipts on; delivered_id is the recipient's copy
-- (0 until delivered, and for external recipients).
CREATE TABLE receipts (
	id                   INTEGER PRIMARY KEY,
	account_id           INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	sender               TEXT NOT NULL COLLATE NOCASE,
	message_id           TEXT NOT NULL,
	subject              TEXT NOT NULL,
	sent_at              INTEGER NOT NULL,
	recipient            TEXT NOT NULL COLLATE NOCASE,
	internal             INTEGER NOT NULL,
	status               TEXT NOT NULL,
	status_at            INTEGER NOT NULL DEFAULT 0,
	recipient_account_id INTEGER NOT NULL DEFAULT 0,
	delivered_id         INTEGER NOT NULL DEFAULT 0,
	UNIQUE (account_id, message_id, recipient)
);
CREATE INDEX receipts_message ON receipts(message_id);
CREATE INDEX receipts_sent ON receipts(account_id, sent_at);
CREATE INDEX receipts_delivered ON receipts(recipient_account_id, delivered_id) WHERE delivered_id <> 0;
`, `
-- What IMAP reads from columns (issue 17, store.IMAPIndexStore):
-- save_date, when the message was put into its mailbox (RFC 8514
-- SAVEDATE; old rows get their internal date); sent_day, the Date
-- header's day as written, YYYYMMDD, for SENTON and friends (old rows get
-- the day of the stored UTC date, which is a day off for mail written
-- east of UTC near midnight); refs, the last References message-ids,
-- space-separated, for THREAD=REFERENCES (old rows have none and thread
-- by In-Reply-To). The modseq index answers CHANGEDSINCE.
ALTER TABLE messages ADD COLUMN save_date INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN sent_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN refs TEXT NOT NULL DEFAULT '';
UPDATE messages SET save_date = internal_date,
	sent_day = CASE WHEN NOT json_valid(envelope) THEN 0
		WHEN coalesce(json_extract(envelope, '$.date'), '0001-') LIKE '0001-%' THEN 0
		ELSE coalesce(CAST(strftime('%Y%m%d', json_extract(envelope, '$.date')) AS INTEGER), 0) END;
CREATE INDEX messages_mailbox_modseq ON messages(mailbox_id, modseq);
`, `
-- The read receipts' tracking image (issue 18): a domain may put a 1x1
-- image with a per-recipient token into the HTML of a message sent with
-- receipts to one external recipient; its first fetch is a read.
ALTER TABLE domains ADD COLUMN tracking_image INTEGER NOT NULL DEFAULT 0;
ALTER TABLE receipts ADD COLUMN token TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX receipts_token ON receipts(token) WHERE token <> '';
`, `
-- A covering index for IMAP's whole-mailbox listings (issue 17,
-- store.IMAPIndexStore.MailboxIndex: UID FETCH 1:* FLAGS, SEARCH by
-- flags): read from this index alone, not from table rows that carry
-- each message's envelope and preview.
CREATE INDEX messages_mailbox_state ON messages(mailbox_id, uid, modseq, flags, size, internal_date, save_date, thread_id, blob_key);
`, `
-- Each message's IMAP ENVELOPE and BODYSTRUCTURE (issue 17,
-- store.IMAPMetaStore), in internal/imapd/bodypart's stored form: FETCH
-- answers them without opening the message file. A table of its own, not
-- columns of messages, so that the rows the whole-mailbox listings read
-- stay small. Rows stored before have none until IMAP backfills them.
CREATE TABLE imap_meta (
	message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	envelope   BLOB NOT NULL,
	structure  BLOB NOT NULL
);
`, `
-- Background jobs shared by the nodes of one database (issue 20): a
-- node claims a job under a lease (node, lease_until; attempts counts
-- the claims), so each job runs once and the job of a node that died is
-- taken over when its lease ends. actor is who submitted it (a resumed
-- run acts as him); lock_key, when set, is held by one unfinished job
-- at a time.
ALTER TABLE jobs ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lock_key TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_claim ON jobs(state, created_at, id);
CREATE UNIQUE INDEX jobs_lock_key ON jobs(lock_key) WHERE lock_key <> '' AND state IN ('queued', 'running');
`, `
-- What the ACME client caches (issue 20, store.CertCacheStore): the
-- account key, certificates with their private keys, challenge tokens,
-- each under autocert's own key. In the database rather than in
-- data_dir/acme so that the nodes of a cluster share one account, one
-- certificate per name and the HTTP-01 tokens. Secrets: never logged.
CREATE TABLE cert_cache (
	key  TEXT PRIMARY KEY,
	data BLOB NOT NULL
);
`, `
-- A number that every change a held login depends on moves, in the same
-- transaction (issue 21, store.AccountStore.LoginEpoch): an account's
-- password, enabled or mail-client switch, its removal, a domain's hold
-- or removal. IMAP, POP3 and submission sessions check it before each
-- command and recheck the account in full only when it moved.
CREATE TABLE login_epoch (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO login_epoch (id, n) VALUES (1, 0);
CREATE TRIGGER login_epoch_account AFTER UPDATE OF password_hash, enabled, client_access ON accounts
	WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.enabled IS NOT NEW.enabled OR OLD.client_access IS NOT NEW.client_access
	BEGIN UPDATE login_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER login_epoch_account_gone AFTER DELETE ON accounts
	BEGIN UPDATE login_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER login_epoch_domain AFTER UPDATE OF suspended ON domains
	WHEN OLD.suspended IS NOT NEW.suspended
	BEGIN UPDATE login_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER login_epoch_domain_gone AFTER DELETE ON domains
	BEGIN UPDATE login_epoch SET n = n + 1 WHERE id = 1; END;
`, `
-- The texts SEARCH SUBJECT/FROM/TO/CC/BCC compare (issue 21,
-- store.EnvelopeMatchStore): per message, lower-cased in Go
-- (store.EnvelopeMatchTexts), so that a key is instr() over this narrow
-- table, clustered by mailbox and UID, and no envelope is decoded.
-- Moves and deletions of messages carry over through the foreign key;
-- the store writes the texts with each new message and copy. A row whose
-- subject is NULL has no texts yet (every message stored before this
-- migration): the first SEARCH of its mailbox fills them.
CREATE TABLE envelope_match (
	mailbox_id INTEGER NOT NULL,
	uid        INTEGER NOT NULL,
	subject    TEXT,
	from_text  TEXT,
	to_text    TEXT,
	cc_text    TEXT,
	bcc_text   TEXT,
	PRIMARY KEY (mailbox_id, uid),
	FOREIGN KEY (mailbox_id, uid) REFERENCES messages(mailbox_id, uid) ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;
INSERT INTO envelope_match (mailbox_id, uid) SELECT mailbox_id, uid FROM messages;
`, `
-- The search index merges its segments less eagerly (issue 21): FTS5
-- merges a level once 16 segments (not its default 4) have gathered
-- there, so each term is rewritten at about half as many levels as the
-- index grows. Measured: 8-9 % less CPU per AppendMessage at 10,000
-- messages, 17 % at 50,000, the same search times (docs/performance.md,
-- "FTS5 settings"). FTS5 keeps it in message_index_config: a migration
-- that makes the table anew must set it again.
INSERT INTO message_index(message_index, rank) VALUES('automerge', 16);
`, `
-- A contentless search index (issue 21, docs/performance.md "Disk"):
-- FTS5 no longer keeps a second copy of every message's terms, which took
-- more room than the index itself; the index answers MATCH, rowid
-- lookups and DELETE, which is all the store asks of it. A copy of a
-- message shares its source's index row (the same file, the same terms):
-- messages.index_id names the row, the message's own id unless it is a
-- copy. A row goes when the last message naming it goes (index.go).
ALTER TABLE messages ADD COLUMN index_id INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET index_id = id;
CREATE INDEX messages_index_id ON messages(index_id);
-- The tokenizer becomes ascii with every ASCII character but the space a
-- token character (fts5query.go): the same terms as unicode61 saw, found
-- without decoding UTF-8 or classifying characters.
CREATE VIRTUAL TABLE message_index_new USING fts5(subject, from_addr, to_addr, body, acct,
	content = '', contentless_delete = 1,
	` + fts5Tokenize + `);
INSERT INTO message_index_new (rowid, subject, from_addr, to_addr, body, acct)
	SELECT rowid, subject, from_addr, to_addr, body, acct FROM message_index;
DROP TABLE message_index;
ALTER TABLE message_index_new RENAME TO message_index;
-- the merge setting lives in the table's configuration (see above)
INSERT INTO message_index(message_index, rank) VALUES('automerge', 16);
`, `
-- Small messages kept in the database (issue 21, blob_inline.go): the
-- bytes of a message of up to 64 KiB that APPEND or SMTP delivery stores
-- go here, in the transaction that inserts its message row, instead of a
-- file of the blob directory (blob.Inline reads here first). A row lives
-- as long as its key's row in blobs, whose last reference deletes it:
-- the trigger, so that no path that drops references forgets it. A
-- rowid table, not WITHOUT ROWID: its rows are large, and the key's
-- index stays dense when the bytes live in the table's pages. coding: 0
-- the bytes as they are, 1 compressed with zstd (blob_inline.go).
CREATE TABLE blob_inline (
	key    TEXT PRIMARY KEY,
	data   BLOB NOT NULL,
	coding INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER blob_inline_gone AFTER DELETE ON blobs BEGIN
	DELETE FROM blob_inline WHERE key = OLD.key;
END;
`, `
-- SEARCH BODY (body_match.go) finds a message by its own id among the
-- index's rows, and a copy, which shares its source's row, by index_id:
-- this index holds the copies only, so it costs nothing to mail that is
-- not copied.
CREATE INDEX messages_copies ON messages(mailbox_id, index_id, uid) WHERE index_id != id;
`, `
-- Search terms written after the append (issue 21, index_later.go): the
-- index rows (messages.index_id) that wait for the mail service's
-- indexer. Named as part of the index: storecopy leaves it, like the
-- index, to the target's reindex.
CREATE TABLE message_index_waiting (
	index_id   INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL
);
CREATE INDEX message_index_waiting_account ON message_index_waiting(account_id, index_id);
`, `
-- The rows of envelope_match without texts yet (issue 21,
-- envelope_match.go): a SEARCH asks whether its mailbox has any before it
-- scans, and this answers without reading the mailbox's rows. It holds
-- no new message's row (those come with their texts), so an APPEND does
-- not write it.
CREATE INDEX envelope_match_unfilled ON envelope_match(mailbox_id) WHERE subject IS NULL;
`, `
-- The keys of message files named by rows committed while the files were
-- being made durable (issue 21, pending_blobs.go): a key stays until its
-- file is known durable; after a crash, the mail service checks those
-- left at start. A handful of rows at most.
CREATE TABLE blob_pending (key TEXT PRIMARY KEY) WITHOUT ROWID;
`, `
-- The search index moves to a file of its own (issue 21, index_file.go):
-- the index rows no message names any more, listed by the transaction
-- that removed their last message, until the indexer deletes them from
-- the index file. The index itself is moved out when the store opens
-- (moveIndexOut), which SQL alone cannot do.
CREATE TABLE message_index_gone (index_id INTEGER PRIMARY KEY);
`}
