package contacts

import (
	"context"
	"fmt"
	"io"

	"postroom/internal/actor"
)

// Export formats and charsets (C4).
const (
	FormatCSV     = "csv"     // our layout (TemplateHeader)
	FormatOutlook = "outlook" // Microsoft Outlook's full English header
	FormatVCard   = "vcard"   // vCard 3.0, always UTF-8

	CharsetUTF8  = "utf-8" // with a BOM, as Korean Excel needs
	CharsetCP949 = "cp949"
)

// ExportOptions say what to export and how.
type ExportOptions struct {
	Book    Book
	Format  string // FormatCSV when empty
	Charset string // CharsetUTF8 when empty
	// IDs, when not empty, exports only these contacts of the book.
	IDs []int64
}

// ExportFile names the file and its media type for a download.
func ExportFile(format string) (name, mediaType string) {
	switch format {
	case FormatVCard:
		return "contacts.vcf", "text/vcard; charset=utf-8"
	case FormatOutlook:
		return "contacts-outlook.csv", "text/csv"
	}
	return "contacts.csv", "text/csv"
}

// Export writes the live contacts of a book a may read, in name order,
// with their group names.
func (s *Service) Export(ctx context.Context, a actor.Actor, w io.Writer, o ExportOptions) error {
	switch o.Format {
	case "":
		o.Format = FormatCSV
	case FormatCSV, FormatOutlook, FormatVCard:
	default:
		return invalid("format", "unknown")
	}
	switch o.Charset {
	case "":
		o.Charset = CharsetUTF8
	case CharsetUTF8, CharsetCP949:
	default:
		return invalid("charset", "unknown")
	}
	page, err := s.List(ctx, a, Query{Book: o.Book, PageSize: -1})
	if err != nil {
		return err
	}
	cs := page.Contacts
	if len(o.IDs) > 0 {
		want := map[int64]bool{}
		for _, id := range o.IDs {
			want[id] = true
		}
		kept := cs[:0]
		for _, c := range cs {
			if want[c.ID] {
				kept = append(kept, c)
			}
		}
		cs = kept
	}
	groups, err := s.Groups(ctx, a, o.Book)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	groupNames := make([][]string, len(cs))
	for i, c := range cs {
		for _, id := range c.Groups {
			if n, ok := names[id]; ok {
				groupNames[i] = append(groupNames[i], n)
			}
		}
	}
	switch o.Format {
	case FormatOutlook:
		err = WriteOutlookCSV(w, cs, o.Charset)
	case FormatVCard:
		err = WriteVCards(w, cs, groupNames)
	default:
		err = WriteOurCSV(w, cs, groupNames, o.Charset)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", o.Format, err)
	}
	return nil
}

// Template writes the empty import template: our header row, UTF-8 with
// a BOM.
func Template(w io.Writer) error {
	return WriteOurCSV(w, nil, nil, CharsetUTF8)
}
