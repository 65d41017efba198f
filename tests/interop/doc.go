// Package interop holds Postroom's end-to-end tests: they build the real
// postroom binary, run `postroom serve` as a subprocess on loopback ports
// chosen at run time, and talk to it with real clients — Python's smtplib
// (scripts under py/), swaks, and small Go clients — through the public CLI
// and protocol contracts only. Nothing here imports the server's packages.
//
// Run them with the rest of the suite (scripts/test) or alone:
//
//	go test -count=1 ./tests/interop/
//	go test -count=1 -run Durability -v ./tests/interop/
//	go test -run '^$' -bench SMTPAccept -benchtime 3s ./tests/interop/
package interop
