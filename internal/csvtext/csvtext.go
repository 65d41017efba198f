// Package csvtext reads the CSV files people make with spreadsheets, as
// Korean offices save them: Excel's "CSV UTF-8" (with a byte order
// mark), plain UTF-8, or its plain "CSV", which is CP949; separated by
// commas, or the semicolons or tabs of other locales. The address
// books' import (internal/contacts) and the bulk creation of accounts
// (internal/admin) read through it, so that a file one accepts the
// other accepts too.
package csvtext

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
)

// Encodings Decode names.
const (
	UTF8BOM = "utf-8-bom"
	UTF8    = "utf-8"
	CP949   = "cp949"
)

// BOM is what Excel writes at the start of a "CSV UTF-8" file.
var BOM = []byte{0xEF, 0xBB, 0xBF}

// ErrNotText: the file is neither UTF-8 nor CP949 (a spreadsheet's
// .xlsx, say).
var ErrNotText = errors.New("csvtext: not a text file")

// Decode turns the file into UTF-8 text and names the encoding it was
// in. Korean Excel saves "CSV" in CP949, which is never valid UTF-8 once
// it holds Hangul, so anything that is not UTF-8 is read as CP949. A NUL
// byte never appears in text in either: such a file is ErrNotText.
func Decode(data []byte) (text, encoding string, err error) {
	if bytes.HasPrefix(data, BOM) {
		return string(data[len(BOM):]), UTF8BOM, nil
	}
	if utf8.Valid(data) {
		return string(data), UTF8, nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", fmt.Errorf("%w: it holds binary data", ErrNotText)
	}
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("%w: neither UTF-8 nor CP949: %v", ErrNotText, err)
	}
	return string(out), CP949, nil
}

// Delimiter picks the separator of the header line: a comma, or the
// semicolon European Excel writes, or a tab; whichever appears most
// outside quotes, a comma on a tie.
func Delimiter(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, ch := range text {
		if ch == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if ch == '\n' {
			break
		}
		if ch == ',' || ch == ';' || ch == '\t' {
			counts[ch]++
		}
	}
	best := ','
	for _, ch := range []rune{';', '\t'} {
		if counts[ch] > counts[best] {
			best = ch
		}
	}
	return best
}

// NewReader reads text (from Decode) with its Delimiter, forgiving as a
// spreadsheet's output needs: rows of any width, stray quotes inside
// fields.
func NewReader(text string) *csv.Reader {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = Delimiter(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return r
}
