// Package ui holds the webmail's browser code: plain ES modules, the
// vendored Preact and htm (see vendor/VENDOR.md), the stylesheet and the
// Korean and English catalogues. There is no build step: internal/web
// serves these files as they are from the binary.
package ui

import "embed"

// Files are the webmail's static files, served under /.
//
//go:embed index.html *.js *.css vendor/*.js
var Files embed.FS
