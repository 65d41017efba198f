// Package bodypart owns the MIME structure of a stored message as IMAP
// FETCH sees it: BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051
// §7.5.2), ENVELOPE, the byte ranges of BODY[section] (RFC 9051 §6.4.5)
// and the decoded content of BINARY[part] / BINARY.SIZE (RFC 3516).
//
// Use:
//
//	root, err := bodypart.Parse(f, size)        // one pass over the file
//	bs := root.Structure()                       // BODYSTRUCTURE / BODY
//	env := root.Envelope()                       // ENVELOPE
//	sr, err := bodypart.Section(f, root, sec)    // BODY[sec]; ErrNoPart
//	sr = bodypart.Partial(sr, p)                 // <origin.count>
//	rd, n, err := bodypart.BinaryRange(f, root, part, p) // BINARY[part]<p>
//	n, err := bodypart.BinarySize(f, root, part)          // BINARY.SIZE[part]
//
// ParseHeader reads the top-level header only: enough for ENVELOPE and
// BODY[], [HEADER], [HEADER.FIELDS], [TEXT] (what clients fetch for new
// mail), so such a FETCH never scans attachments. Find resolves a part
// number; ParseAddressList is the envelope's RFC 5322 address parser
// (groups, comments, route addresses).
//
// What is read. Parse reads the message once, sequentially, through a
// pooled 32 KiB buffer (longer lines are read in chunks): every header
// line and every body line is looked at (boundaries can only be found
// that way, and body-fld-lines counts lines), nothing of a body is kept.
// Of each header only the fields the structure and the envelope need are
// kept (Content-*, Date, Subject, the address fields, Message-ID,
// In-Reply-To), each bounded (maxFieldLen) within a budget for the whole
// message (maxKeptHeader): memory is O(parts), independent of attachment
// sizes (about 40 KB for a 2 MB or a 20 MB message with four
// attachments, BenchmarkParseStructure_*). Structure and Envelope read
// nothing. Section returns an *io.SectionReader over the stored file (no
// copy) except for HEADER.FIELDS[.NOT], which re-reads that one header
// (at most maxHeaderRead octets) to build the answer. BINARY decodes on
// the fly; BinarySize (and BinaryRange, which needs the size before the
// literal) decode the part once more to count the octets. So FETCH
// BODYSTRUCTURE of N messages reads each file exactly once; what it
// cannot avoid is scanning the attachments for boundaries.
//
// Robustness. Parse never fails on content: malformed MIME (no final
// boundary, broken headers, 8-bit and NUL bytes, bare LF line ends, a
// Content-Type it cannot read, a multipart without boundary) gives
// text/plain (RFC 2045 §5.2 defaults) or the structure as far as it was
// readable. Beyond maxDepth nesting levels or maxParts parts the rest is
// an opaque body of the part that contains it. Parse returns an error
// only when reading fails.
//
// Part numbers follow RFC 3501/9051 §6.4.5: a non-multipart message has
// part 1 = its body; the parts of a multipart are 1..n; inside a
// message/rfc822 part numbering continues with the encapsulated
// message's body. A nonexistent part is ErrNoPart: the FETCH handler
// decides what to answer (RFC 3501 sends an empty string for BODY).
package bodypart
