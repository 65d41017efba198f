// Package order owns what IMAP SORT and THREAD compute: the base subject
// (RFC 5256 §2.1), the sent date (RFC 5256 §2.2), the sort orders of SORT
// (RFC 5256 §3) with DISPLAYFROM and DISPLAYTO (RFC 5957), the PARTIAL
// ranges of ESORT/CONTEXT=SORT (RFC 5267), and the ORDEREDSUBJECT and
// REFERENCES thread trees with their thread-list text (RFC 5256 §4, §5).
//
// It works on plain values (Msg), filled by the IMAP layer from the store:
// no storage, no protocol parsing, no I/O.
//
// Invariants of this package:
//   - Every function is total: any input, however malformed (duplicate or
//     missing Message-IDs, References that loop or name the message
//     itself), gives an answer without panicking and in bounded time.
//   - Orders are total and deterministic: when every criterion ties, the
//     sequence number decides (RFC 5256 §3), then the position in the
//     input, so equal input gives byte-identical output.
//   - Strings compare with the "i;ascii-casemap" collation (RFC 4790 §9.2),
//     the one RFC 5256 requires for I18NLEVEL=1; no other collation is
//     used anywhere in the package.
package order
