package safehtml

import "strings"

// The policies below are for the document that shows a message: an iframe
// with sandbox=IframeSandbox whose content is Document(Sanitize(...).HTML).
// Sanitize is the defence; these are the second line, so that a gap in the
// sanitizer still cannot run script, submit a form, load a stylesheet or
// font, or (without consent) a remote image.
//
//   - default-src 'none': nothing loads unless a directive below allows it;
//     this covers script, object, frame, font, connect, media and manifest.
//   - img-src: the webmail's own origin (inline cid: parts) and data: images;
//     remote images only in CSPAllowRemote.
//   - style-src 'unsafe-inline': inline style attributes and Document's own
//     <style>; no stylesheet can be fetched.
//   - form-action 'none' and base-uri 'none': no form posts, no <base href>.
//   - frame-ancestors 'self': only the webmail may frame the message.
//   - sandbox: the same restrictions as the iframe attribute, so that the
//     document stays scriptless and in an opaque origin even if opened on
//     its own (a shared link, "open frame in new tab").
const (
	// CSP is the Content-Security-Policy header for the sandboxed iframe
	// document that shows Result.HTML while remote images are blocked.
	CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; " + cspTail
	// CSPAllowRemote is CSP for a message whose remote images the user
	// chose to show (Options.AllowRemote): img-src adds http: and https:.
	CSPAllowRemote = "default-src 'none'; img-src 'self' data: https: http:; style-src 'unsafe-inline'; " + cspTail

	cspTail = "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox " + IframeSandbox

	// IframeSandbox is the value of the iframe's sandbox attribute: no
	// scripts, an opaque origin (no allow-same-origin, so the message
	// cannot reach the webmail's cookies or DOM), no forms, no top
	// navigation. Popups are allowed so that links (target=_blank) open,
	// and escape the sandbox so that the sites they open work normally.
	IframeSandbox = "allow-popups allow-popups-to-escape-sandbox"
)

// metaCSP is repeated inside the document for the case where the webmail
// loads it with srcdoc, which no response header reaches. A <meta> policy
// cannot carry frame-ancestors or sandbox, and it must not block images the
// user allowed (policies combine, and Document does not know the choice), so
// it holds what is true in every case.
const metaCSP = "default-src 'none'; img-src 'self' data: https: http:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"

// defaultStyle is the frame's own small style sheet: the message's inline
// styles override it. Long words and URLs wrap instead of widening the
// frame; <pre> wraps too, as plain-text-ish mail often uses it.
const defaultStyle = `html,body{margin:0;padding:0;background:#fff;color:#222}` +
	`body{padding:12px;font:14px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic",sans-serif;overflow-wrap:break-word}` +
	`pre{white-space:pre-wrap}` +
	`blockquote[type=cite]{margin:0 0 0 .8ex;padding-left:1ex;border-left:2px solid #ccc}`

// Document wraps sanitized HTML into a full document for the iframe: UTF-8,
// the meta CSP, no referrer sent with image requests or link clicks, links
// opening in a new window (<base target=_blank>) and a small default style.
// body must be Result.HTML: Document does not sanitize.
func Document(body string) string {
	var b strings.Builder
	b.Grow(len(body) + 1024)
	b.WriteString("<!DOCTYPE html>\n<html><head>\n")
	b.WriteString(`<meta charset="utf-8">` + "\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + metaCSP + `">` + "\n")
	b.WriteString(`<meta name="referrer" content="no-referrer">` + "\n")
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n")
	b.WriteString(`<base target="_blank">` + "\n")
	b.WriteString("<style>" + defaultStyle + "</style>\n")
	b.WriteString("</head><body>\n")
	b.WriteString(body)
	b.WriteString("\n</body></html>\n")
	return b.String()
}
