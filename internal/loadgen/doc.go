// Package loadgen owns generating realistic mail and driving protocol load
// against any server: a seeded corpus of Korean and English messages
// (UTF-8 and EUC-KR, plain, multipart/alternative, attachments) and the
// workloads of `postroom bench` — SMTP intake, an IMAP APPEND stream, a
// mixed IMAP session load, POP3 download and Postroom's web API — with
// their throughput and latency percentiles and the CPU the target spent.
//
// The clients speak the raw protocols over net.Conn, written here, so that
// the same bytes go to Postroom, Dovecot and Postfix, and so that the
// socket options that matter (TCP_NODELAY, issue 21) are ours to set.
// Nothing here depends on the server being Postroom except the web
// workload, which speaks Postroom's own API (docs/api.md).
package loadgen
