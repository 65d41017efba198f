package contacts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"postroom/internal/csvtext"
)

// MaxImportSize is the largest import file accepted: 10 MiB. A book of
// tens of thousands of contacts fits with room to spare, and the limit
// keeps one upload from holding a request's memory for long.
const MaxImportSize = 10 << 20

// The errors ParseCSV returns for a file it cannot read at all; a file
// that is read but has bad rows returns a CSVResult with Errors instead.
var (
	ErrEmpty               = errors.New("contacts: the import file is empty")
	ErrTooLarge            = errors.New("contacts: the import file is larger than 10 MiB")
	ErrNotCSV              = errors.New("contacts: the import file is not a CSV file")
	ErrNoNameOrEmailColumn = errors.New("contacts: the CSV header has no name or e-mail column")
)

// Column is one column of the imported file: its header as written and
// the contact field it fills ("" when the column is ignored).
type Column struct {
	Header string
	Field  string
}

// LineError is a row that did not become a contact. Reason is a stable
// code (the web page translates it): "no_name_or_email",
// "invalid_email", "too_long", "invalid_birthday".
type LineError struct {
	Line   int
	Reason string
}

// CSVResult is what ParseCSV read from a file, for the import preview
// and then the import itself.
type CSVResult struct {
	// Format is the layout recognised from the header: "postroom",
	// "outlook", "google", "mailplug", or "csv" for another usable one.
	Format string
	// Encoding is "utf-8-bom", "utf-8" or "cp949".
	Encoding string
	Columns  []Column
	Contacts []Contact
	// Lines is the source line (1-based, the header is line 1) each
	// contact starts on, parallel to Contacts.
	Lines []int
	// GroupNames is the group names of each contact, parallel to
	// Contacts (nil for none): Contact.Groups holds ids, which only the
	// service can find or create.
	GroupNames [][]string
	Errors     []LineError
}

// csvUtf8BOM is what Excel writes at the start of a "CSV UTF-8" file.
var csvUtf8BOM = csvtext.BOM

// ParseCSV reads an address book exported as CSV by us, Outlook (English
// or Korean), Google Contacts, the hosted webmail or a spreadsheet.
// Columns are found by header name, never by position, because every
// program (and every user editing in Excel) orders them differently. It
// does not touch any store: the caller previews the result, then saves
// every contact or none.
func ParseCSV(data []byte) (*CSVResult, error) {
	if len(data) > MaxImportSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	// A NUL byte never appears in text, in UTF-8 or CP949: the user
	// picked a spreadsheet (.xlsx) or another binary file.
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: it holds binary data", ErrNotCSV)
	}
	text, enc, err := csvDecode(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmpty
	}

	r := csv.NewReader(strings.NewReader(text))
	r.Comma = csvDelimiter(text)
	// Spreadsheets write rows of any width and unescaped quotes inside
	// fields; both are better read than refused.
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false

	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: reading the header: %v", ErrNotCSV, err)
	}
	m := csvMapHeader(header)
	if !m.hasNameOrEmail() {
		if len(header) < 2 {
			return nil, fmt.Errorf("%w: one column and no known header", ErrNotCSV)
		}
		return nil, ErrNoNameOrEmailColumn
	}

	res := &CSVResult{
		Format:   m.format(),
		Encoding: enc,
		Columns:  m.columns,
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// With LazyQuotes encoding/csv hardly fails; when it does,
			// the position is in the error and reading goes on.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.Errors = append(res.Errors, LineError{Line: pe.StartLine, Reason: "malformed_row"})
				continue
			}
			return nil, fmt.Errorf("contacts: reading the CSV file: %w", err)
		}
		line, _ := r.FieldPos(0)
		c, groups, reason := m.contact(rec)
		switch {
		case reason == "skip":
		case reason != "":
			res.Errors = append(res.Errors, LineError{Line: line, Reason: reason})
		default:
			res.Contacts = append(res.Contacts, c)
			res.Lines = append(res.Lines, line)
			res.GroupNames = append(res.GroupNames, groups)
		}
	}
	return res, nil
}

// csvDecode turns the file into UTF-8 text and names the encoding it
// was in (internal/csvtext: UTF-8 with or without a BOM, else CP949).
func csvDecode(data []byte) (string, string, error) {
	text, enc, err := csvtext.Decode(data)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrNotCSV, err)
	}
	return text, enc, nil
}

// csvDelimiter is the header line's separator (internal/csvtext).
func csvDelimiter(text string) rune { return csvtext.Delimiter(text) }
