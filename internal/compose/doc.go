// Package compose builds the RFC 5322/MIME messages a user writes in the
// webmail from a structured Draft: addresses, subject, HTML and text
// bodies, attachments, inline images, reply threading and the read-receipt
// request. Parsing stays in internal/message; this package only writes.
//
// Invariants:
//   - Nothing the user typed becomes a header field of its own: CR or LF in
//     a subject, a display name or an address is an *Error with code
//     header_injection, never written (RFC 5322 §2.2: a field ends at CRLF).
//     Every header line the package writes is folded at white space and
//     stays under 78 characters where a break exists (RFC 5322 §2.1.1).
//   - Non-ASCII text in header fields is RFC 2047 encoded (subject and
//     display names, B encoding in UTF-8); file names use RFC 2231 in
//     Content-Disposition, with an RFC 2047 name= beside it in Content-Type
//     for old readers, as Thunderbird writes them.
//   - HTML goes out sanitised by internal/safehtml (inline styles and cid:
//     images kept) and always with a text/plain alternative.
//   - Build writes the Bcc field; what recipients get must go through
//     deliver, which removes it (RFC 5322 §3.6.3), while the sender's Sent
//     copy keeps it.
package compose
