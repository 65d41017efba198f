package contacts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// Import's duplicate handling: an incoming contact with an address (or,
// without one, the name and a phone) of a contact already in the book
// is skipped, or merged into it.
const (
	DuplicatesSkip  = "skip"
	DuplicatesMerge = "merge"
)

// PreviewRows is how many contacts a dry run shows.
const PreviewRows = 20

// ImportOptions say where an import goes and what it does.
type ImportOptions struct {
	Book   Book
	Folder int64 // a personal folder, 0 for none
	Group  int64 // a group of the book every contact joins, 0 for none
	// DryRun reads and checks everything and writes nothing.
	DryRun bool
	// Duplicates is DuplicatesSkip (the default) or DuplicatesMerge.
	Duplicates string
}

// ImportReport is a dry run's preview or an import's result.
type ImportReport struct {
	Format   string // "postroom", "outlook", "google", "mailplug", "csv", "vcard"
	Encoding string // "utf-8-bom", "utf-8", "cp949"
	Columns  []Column
	// Rows is the first PreviewRows contacts as they will be stored.
	Rows   []Contact
	Errors []LineError
	// Total is the contacts read; Duplicates how many of them match one
	// already in the book (or earlier in the file).
	Total, Duplicates int
	// Imported, Merged and Skipped are what the import did (0 for a dry
	// run).
	Imported, Merged, Skipped int
}

// ErrNotContacts: the file is neither CSV nor vCard (a spreadsheet saved
// as .xlsx, a picture).
var ErrNotContacts = errors.New("contacts: the file is neither CSV nor vCard")

// Import reads a CSV or vCard file (formats.go's readers) into book
// o.Book. Lines that cannot be read are reported and left out; the rest
// is stored in one transaction, so an import completes with its report or
// changes nothing. Group names the file gives become groups of the book.
func (s *Service) Import(ctx context.Context, a actor.Actor, data []byte, o ImportOptions) (*ImportReport, error) {
	if o.Book == "" {
		o.Book = Personal
	}
	sb, err := s.writable(ctx, a, o.Book)
	if err != nil {
		return nil, err
	}
	switch o.Duplicates {
	case "":
		o.Duplicates = DuplicatesSkip
	case DuplicatesSkip, DuplicatesMerge:
	default:
		return nil, invalid("duplicates", "unknown")
	}
	if o.Book == Shared && o.Folder != 0 {
		return nil, invalid("folder", "not_personal")
	}
	if o.Group != 0 {
		if _, err := s.Store.ContactGroup(ctx, sb, o.Group); err != nil {
			return nil, fmt.Errorf("import group %d: %w", o.Group, mapErr(err))
		}
	}
	rep, incoming, groupNames, err := readFile(data)
	if err != nil {
		return nil, err
	}
	plan, err := s.planImport(ctx, sb, rep, incoming, groupNames, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		rep.Imported, rep.Merged, rep.Skipped = 0, 0, 0
		return rep, nil
	}
	if err := s.commitImport(ctx, sb, plan); err != nil {
		return nil, err
	}
	return rep, nil
}

// readFile tells CSV from vCard and reads every contact, normalised;
// contacts that fail Normalize become line errors.
func readFile(data []byte) (*ImportReport, []Contact, [][]string, error) {
	if len(data) > MaxImportSize {
		return nil, nil, nil, ErrTooLarge
	}
	body := bytes.TrimSpace(bytes.TrimPrefix(data, csvUtf8BOM))
	if len(body) == 0 {
		return nil, nil, nil, ErrEmpty
	}
	rep := &ImportReport{}
	var (
		cs     []Contact
		lines  []int
		groups [][]string
	)
	if looksLikeVCard(body) {
		cards, err := DecodeVCards(data)
		if err != nil {
			return nil, nil, nil, err
		}
		rep.Format, rep.Encoding = "vcard", "utf-8"
		for _, c := range cards {
			cs, lines, groups = append(cs, c.Contact), append(lines, c.Line), append(groups, c.Groups)
		}
	} else {
		res, err := ParseCSV(data)
		if errors.Is(err, ErrNotCSV) {
			return nil, nil, nil, ErrNotContacts
		}
		if err != nil {
			return nil, nil, nil, err
		}
		rep.Format, rep.Encoding, rep.Columns, rep.Errors = res.Format, res.Encoding, res.Columns, res.Errors
		cs, lines, groups = res.Contacts, res.Lines, res.GroupNames
	}
	var out []Contact
	var outGroups [][]string
	for i := range cs {
		c := cs[i]
		c.ID, c.Version, c.Groups = 0, 0, nil
		if err := Normalize(&c); err != nil {
			reason := "invalid"
			var ie *InvalidError
			if errors.As(err, &ie) {
				reason = ie.Reason
			}
			rep.Errors = append(rep.Errors, LineError{Line: lines[i], Reason: reason})
			continue
		}
		out = append(out, c)
		var g []string
		if i < len(groups) {
			g = groups[i]
		}
		outGroups = append(outGroups, g)
	}
	slices.SortStableFunc(rep.Errors, func(x, y LineError) int { return x.Line - y.Line })
	rep.Total = len(out)
	return rep, out, outGroups, nil
}

// looksLikeVCard: a vCard file starts with BEGIN:VCARD, perhaps after
// blank lines; a CSV file whose first cell says so is not one.
func looksLikeVCard(body []byte) bool {
	return len(body) >= 11 && strings.EqualFold(string(body[:11]), "BEGIN:VCARD")
}

// importPlan is what an import will write.
type importPlan struct {
	newGroups []string // group names to create first
	rows      []*store.ContactRow
	// rowGroups[i] names the new groups rows[i] joins.
	rowGroups [][]string
}

// planImport matches the incoming contacts against the book (and each
// other), fills the report, and makes the rows to write.
func (s *Service) planImport(ctx context.Context, sb store.ContactBook, rep *ImportReport, incoming []Contact, groupNames [][]string, o ImportOptions) (*importPlan, error) {
	existing, _, err := s.Store.Contacts(ctx, store.ContactQuery{Book: sb})
	if err != nil {
		return nil, fmt.Errorf("import: read book: %w", mapErr(err))
	}
	trashed, _, err := s.Store.Contacts(ctx, store.ContactQuery{Book: sb, Trash: true})
	if err != nil {
		return nil, fmt.Errorf("import: read trash: %w", mapErr(err))
	}
	groups, err := s.Store.ContactGroups(ctx, sb)
	if err != nil {
		return nil, fmt.Errorf("import: read groups: %w", mapErr(err))
	}
	groupID := map[string]int64{}
	for _, g := range groups {
		groupID[strings.ToLower(g.Name)] = g.ID
	}
	idx := newDupIndex()
	uids := map[string]bool{}
	for _, r := range trashed {
		uids[r.UID] = true
	}
	var targets []*Contact // existing and new contacts, as they will be written
	for i := range existing {
		c, err := fromRow(&existing[i])
		if err != nil {
			return nil, err
		}
		uids[c.UID] = true
		targets = append(targets, c)
		idx.add(c, len(targets)-1)
	}
	plan := &importPlan{}
	changed := map[int]bool{}
	joins := map[int][]string{} // new group names by target
	newSet := map[string]bool{}
	for i := range incoming {
		c := incoming[i]
		if o.Book == Personal {
			c.Folder = o.Folder
		}
		c.Book = o.Book
		var gids []int64
		var gnew []string
		if o.Group != 0 {
			gids = append(gids, o.Group)
		}
		for _, name := range groupNames[i] {
			name = strings.TrimSpace(name)
			if name == "" || tooLong(name, MaxShortField) {
				continue
			}
			if id, ok := groupID[strings.ToLower(name)]; ok {
				gids = append(gids, id)
			} else {
				gnew = append(gnew, name)
				if !newSet[strings.ToLower(name)] {
					newSet[strings.ToLower(name)] = true
					plan.newGroups = append(plan.newGroups, name)
				}
			}
		}
		c.Groups = gids
		if len(rep.Rows) < PreviewRows {
			rep.Rows = append(rep.Rows, c)
		}
		if at, dup := idx.find(&c); dup {
			rep.Duplicates++
			if o.Duplicates == DuplicatesSkip {
				rep.Skipped++
				continue
			}
			rep.Merged++
			merge(targets[at], &c)
			joins[at] = append(joins[at], gnew...)
			changed[at] = true
			idx.add(targets[at], at)
			continue
		}
		if c.UID == "" || uids[c.UID] {
			c.UID = newUID()
		}
		uids[c.UID] = true
		rep.Imported++
		targets = append(targets, &c)
		at := len(targets) - 1
		changed[at] = true
		joins[at] = gnew
		idx.add(&c, at)
	}
	for at, t := range targets {
		if !changed[at] {
			continue
		}
		row, err := toRow(t, sb)
		if err != nil {
			return nil, err
		}
		plan.rows = append(plan.rows, row)
		plan.rowGroups = append(plan.rowGroups, joins[at])
	}
	return plan, nil
}

// commitImport creates the groups the file named, then writes every row
// in one transaction; if that fails the new groups are removed again, so
// nothing of the import remains.
func (s *Service) commitImport(ctx context.Context, sb store.ContactBook, plan *importPlan) error {
	created := map[string]int64{}
	undo := func() {
		for _, id := range created {
			if err := s.Store.DeleteContactGroup(context.WithoutCancel(ctx), sb, id); err != nil {
				s.log().Warn("import: remove a group it created", "group", id, "err", err)
			}
		}
	}
	for _, name := range plan.newGroups {
		g := &store.ContactGroup{Book: sb, Name: name}
		if err := s.Store.CreateContactGroup(ctx, g); err != nil {
			undo()
			return fmt.Errorf("import: create group %q: %w", name, mapErr(err))
		}
		created[strings.ToLower(name)] = g.ID
	}
	for i, row := range plan.rows {
		for _, name := range plan.rowGroups[i] {
			row.Groups = append(row.Groups, created[strings.ToLower(name)])
		}
		slices.Sort(row.Groups)
		row.Groups = slices.Compact(row.Groups)
	}
	if err := s.Store.SaveContacts(ctx, sb, plan.rows); err != nil {
		undo()
		return fmt.Errorf("import %d contacts: %w", len(plan.rows), mapErr(err))
	}
	return nil
}

// dupIndex finds a contact already seen by address, or by name and phone
// for one without an address.
type dupIndex struct {
	byEmail     map[string]int
	byNamePhone map[string]int
}

func newDupIndex() *dupIndex {
	return &dupIndex{byEmail: map[string]int{}, byNamePhone: map[string]int{}}
}

func (d *dupIndex) add(c *Contact, at int) {
	for _, e := range c.Emails {
		if _, ok := d.byEmail[strings.ToLower(e.Address)]; !ok {
			d.byEmail[strings.ToLower(e.Address)] = at
		}
	}
	for _, p := range c.Phones {
		if k := namePhoneKey(c.Name, p.Number); k != "" {
			if _, ok := d.byNamePhone[k]; !ok {
				d.byNamePhone[k] = at
			}
		}
	}
}

func (d *dupIndex) find(c *Contact) (int, bool) {
	for _, e := range c.Emails {
		if at, ok := d.byEmail[strings.ToLower(e.Address)]; ok {
			return at, true
		}
	}
	if len(c.Emails) == 0 {
		for _, p := range c.Phones {
			if at, ok := d.byNamePhone[namePhoneKey(c.Name, p.Number)]; ok {
				return at, true
			}
		}
	}
	return 0, false
}

func namePhoneKey(name, phone string) string {
	d := onlyDigits(phone)
	if name == "" || d == "" {
		return ""
	}
	return strings.ToLower(name) + "\x00" + d
}

// merge fills dst's empty fields from src and adds src's addresses,
// numbers and groups that dst lacks.
func merge(dst, src *Contact) {
	for _, f := range []struct{ d, s *string }{
		{&dst.Name, &src.Name}, {&dst.Company, &src.Company}, {&dst.Department, &src.Department},
		{&dst.Position, &src.Position}, {&dst.Address, &src.Address}, {&dst.Memo, &src.Memo}, {&dst.Birthday, &src.Birthday},
	} {
		if *f.d == "" {
			*f.d = *f.s
		}
	}
	for _, e := range src.Emails {
		if !slices.ContainsFunc(dst.Emails, func(x Email) bool { return strings.EqualFold(x.Address, e.Address) }) && len(dst.Emails) < MaxEmails {
			dst.Emails = append(dst.Emails, e)
		}
	}
	for _, p := range src.Phones {
		if !slices.ContainsFunc(dst.Phones, func(x Phone) bool { return onlyDigits(x.Number) == onlyDigits(p.Number) }) && len(dst.Phones) < MaxPhones {
			dst.Phones = append(dst.Phones, p)
		}
	}
	for _, g := range src.Groups {
		if !slices.Contains(dst.Groups, g) {
			dst.Groups = append(dst.Groups, g)
		}
	}
	if dst.Folder == 0 {
		dst.Folder = src.Folder
	}
}
