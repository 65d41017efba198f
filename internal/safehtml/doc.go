// Package safehtml owns turning untrusted HTML mail into HTML that is safe to
// show in the webmail: Sanitize filters a message's HTML body, Document wraps
// the result for the sandboxed iframe that shows it, and CSP is the
// Content-Security-Policy that iframe document is served with.
//
// The filter works in two independent layers, so that a mistake in one is
// caught by the other:
//
//  1. bluemonday, configured with the e-mail allow-list in policy.go (not its
//     UGCPolicy, which drops every inline style and cid: image and keeps
//     remote tracking images), removes every element and attribute that is
//     not on the list, with the content of script, style, iframe, object,
//     svg, math and the like.
//  2. The result is parsed again with the HTML5 tree builder (the same
//     algorithm a browser runs) and walked: the same allow-list is enforced a
//     second time, inline styles are filtered declaration by declaration
//     (css.go), image sources are rewritten or blocked (images.go), links are
//     restricted to http, https, mailto and tel (urls.go), and the tree is
//     serialised. What the browser parses is therefore our own serialisation
//     of a tree we checked, not the sender's markup.
//
// Inline styles are the exception: bluemonday passes them through and css.go
// alone filters them, because bluemonday's style filter drops a whole
// attribute on harmless syntax (an empty ";;" declaration) and loses
// "!important". The second line for CSS is the frame's CSP (img-src governs
// CSS images too) and the fact that no current browser runs script from CSS.
//
// Invariants of this package:
//   - Sanitize never fails and never panics; its output is valid UTF-8 and
//     contains no element, attribute or URL that can run script, submit a
//     form, navigate the frame or load anything but the images the caller
//     allowed (FuzzSanitize checks this on arbitrary input).
//   - Without Options.AllowRemote no resource outside the message is loaded:
//     remote images, background attributes and CSS url() values are removed
//     and counted in Result.RemoteBlocked.
//   - Text the reader would see is kept as it went in (Korean or any), only
//     escaped where HTML requires it. Mail nested too deeply for the parser
//     loses formatting, never text (depth.go).
package safehtml
