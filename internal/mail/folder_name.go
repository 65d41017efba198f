package mail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"postroom/internal/store"
)

// ErrFolderName: a folder name the rules below refuse. It is a
// store.ErrInvalid too, so that an adapter that only knows the store's
// errors still answers "invalid name".
var ErrFolderName = fmt.Errorf("%w: folder name not allowed", store.ErrInvalid)

// FolderName is the rule every way of naming a folder shares (IMAP CREATE
// and RENAME, the webmail, the command line): the name as it is stored, or
// ErrFolderName.
//
//   - It is normalised to NFC (Unicode's composed form): "한글" typed on a
//     Mac arrives decomposed (NFD), and must name the folder typed
//     elsewhere, not make a twin that looks the same.
//   - No level may be only dots, or dots and spaces (".", "..", ". ."):
//     mail clients that mirror folders to disk (Thunderbird, mbsync's
//     Maildir, Outlook's PST paths) would walk out of the account's tree,
//     "../carol@b.test/INBOX" into another account's copy. Windows drops a
//     level's trailing dots and spaces, so ".. " is ".." there.
//   - It must be valid UTF-8.
//
// The store adds its own (no empty level; no control characters, '*' or
// '%'; at most 1000 bytes).
func FolderName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: %q is not UTF-8", ErrFolderName, name)
	}
	name = norm.NFC.String(name)
	for _, level := range strings.Split(name, store.MailboxDelimiter) {
		if level != "" && strings.Trim(level, ". ") == "" && strings.Contains(level, ".") {
			return "", fmt.Errorf("%w: %q has a level of dots", ErrFolderName, name)
		}
	}
	return name, nil
}

// lookupNames are the names MailboxByName tries, in order: the name as
// given (a folder stored before FolderName existed keeps its bytes), then
// its NFC form (the folder a decomposed name means).
func lookupNames(name string) []string {
	if nfc := norm.NFC.String(name); nfc != name {
		return []string{name, nfc}
	}
	return []string{name}
}
