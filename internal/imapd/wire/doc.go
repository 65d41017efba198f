// Package wire owns the IMAP wire format of Postroom: reading client
// commands into typed values and writing server responses, for both
// IMAP4rev1 (RFC 3501) and IMAP4rev2 (RFC 9051) and the extensions the
// server speaks (LITERAL+/LITERAL- RFC 7888, BINARY RFC 3516, CONDSTORE
// and QRESYNC RFC 7162, ESEARCH RFC 4731, SEARCHRES RFC 5182, SORT and
// THREAD RFC 5256, ESORT and CONTEXT RFC 5267 with PARTIAL ranges as RFC
// 9394 revises them, LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819,
// SPECIAL-USE RFC 6154, MULTIAPPEND RFC 3502, CATENATE RFC 4469, ID
// RFC 2971, QUOTA RFC 9208, UTF8=ACCEPT RFC 6855).
//
// The package is pure: it knows nothing of stores, sessions or services.
// The session layer keeps the state the grammar depends on (UTF8=ACCEPT,
// LITERAL-) in the Reader's and Writer's fields.
//
// Invariants:
//   - Parsing never panics and never allocates more than the Limits allow:
//     every literal size is checked before a byte of it is read.
//   - After a syntax error the Reader is positioned at the start of the
//     next command (literals the client already sent are skipped), unless
//     the Error says Fatal.
//   - The Writer never holds a message body in memory: literals are copied
//     from an io.Reader of known size.
package wire
