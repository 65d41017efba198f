package admin

// Bulk creation of accounts from a CSV file (M3, "CSV로 일괄 등록"): the
// console previews the file (every line with what is wrong with it),
// then creates every account or none.
//
// Invariants:
//   - Every line gets every check CreateUser makes (address valid, of
//     the domain and free, name, password at the domain's policy level,
//     department, position, phone, quota) and the file's own: an address
//     twice in it, more accounts than the domain's limit leaves room for.
//   - A dry run writes nothing. A real import writes nothing while any
//     line is invalid; when a creation fails midway, the accounts this
//     import made are deleted again, so the file is in or it is not.
//   - Columns are found by header name (English or Korean), never by
//     position; the file may be UTF-8 with or without a BOM, or CP949 as
//     Korean Excel saves it (internal/csvtext).

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"postroom/internal/actor"
	"postroom/internal/csvtext"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Limits of one import file.
const (
	MaxImportBytes = 2 << 20
	MaxImportLines = 5000
)

// ErrImportInvalid is returned (with the report) by a real import of a
// file that has invalid lines: nothing was created.
var ErrImportInvalid = errors.New("admin: the file has invalid lines; nothing was created")

// ImportTemplate is the file the console offers to fill in: the Korean
// headers, one example line, UTF-8 with a BOM so that Excel opens it
// as Unicode.
func ImportTemplate() []byte {
	return append(append([]byte{}, csvtext.BOM...),
		"아이디,이름,비밀번호,복구 이메일,부서,직위,전화번호,용량\r\n"+
			"hong,홍길동,Chang3-this-pw,hong@gmail.com,영업부/1팀,과장,02-123-4567,1GB\r\n"...)
}

// importColumns maps a header (lower case, spaces collapsed) to its field.
var importColumns = map[string]string{
	"email": "email", "e-mail": "email", "e-mail address": "email", "email address": "email", "address": "email",
	"이메일": "email", "메일": "email", "메일 주소": "email", "메일주소": "email", "이메일 주소": "email",
	"id": "email", "user": "email", "username": "email", "login": "email", "아이디": "email", "계정": "email",
	"name": "name", "display name": "name", "이름": "name", "성명": "name",
	"password": "password", "비밀번호": "password", "암호": "password",
	"recovery_email": "recovery_email", "recovery email": "recovery_email", "복구 이메일": "recovery_email",
	"복구이메일": "recovery_email", "복구 메일": "recovery_email",
	"department": "department", "dept": "department", "부서": "department",
	"position": "position", "title": "position", "직위": "position", "직급": "position", "직책": "position",
	"phone": "phone", "telephone": "phone", "전화번호": "phone", "전화": "phone", "휴대폰": "phone",
	"quota": "quota", "quota (mb)": "quota", "quota_mb": "quota", "용량": "quota", "용량(mb)": "quota", "용량 (mb)": "quota",
}

// ImportError is what is wrong with one field of a line; Code is the
// stable reason (as an *InvalidError's), Value what was given when it
// helps (never a password).
type ImportError struct {
	Field string
	Code  string
	Value string
}

// ImportRow is one line of the file as read and checked.
type ImportRow struct {
	Line          int // in the file, the header being line 1
	Email         string
	Name          string
	Department    string
	Position      string
	Phone         string
	RecoveryEmail string
	Quota         int64 // bytes, 0 unlimited
	Errors        []ImportError

	password     string
	departmentID int64
}

// OK reports whether the line can be created.
func (r *ImportRow) OK() bool { return len(r.Errors) == 0 }

func (r *ImportRow) fail(err error) {
	var ie *InvalidError
	if errors.As(err, &ie) {
		r.Errors = append(r.Errors, ImportError{Field: ie.Field, Code: ie.Code, Value: ie.Value})
		return
	}
	r.Errors = append(r.Errors, ImportError{Field: "", Code: "invalid", Value: err.Error()})
}

// ImportReport is what an import read, checked and (unless a dry run)
// created.
type ImportReport struct {
	Encoding string // csvtext's: "utf-8-bom", "utf-8", "cp949"
	Rows     []ImportRow
	Valid    int
	Invalid  int
	Created  int
}

// ImportUsers reads a CSV file of accounts for a domain the actor
// manages (an administrator may leave domain empty for his own), checks
// every line and, unless dryRun, creates them all. A file that cannot be
// read at all is an *InvalidError of field "file" (empty_file, not_csv,
// too_many_lines, file_too_large, no_email_column); a real import with
// invalid lines returns the report and ErrImportInvalid, having created
// nothing.
func (s *Service) ImportUsers(ctx context.Context, p actor.Actor, domain string, data []byte, dryRun bool) (*ImportReport, error) {
	d, err := s.managedDomain(ctx, p, domain)
	if err != nil {
		return nil, err
	}
	rep, err := readImport(data)
	if err != nil {
		return nil, err
	}
	if err := s.checkImport(ctx, d, rep); err != nil {
		return nil, err
	}
	if dryRun {
		return rep, nil
	}
	if rep.Invalid > 0 {
		return rep, ErrImportInvalid
	}
	if err := s.createImported(ctx, p, d, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// readImport decodes and parses the file into rows (nothing checked
// beyond the file's shape).
func readImport(data []byte) (*ImportReport, error) {
	if len(data) > MaxImportBytes {
		return nil, invalid("file", "file_too_large", fmt.Sprint(MaxImportBytes))
	}
	text, enc, err := csvtext.Decode(data)
	if err != nil {
		return nil, invalid("file", "not_csv", "")
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalid("file", "empty_file", "")
	}
	r := csvtext.NewReader(text)
	header, err := r.Read()
	if err != nil {
		return nil, invalid("file", "not_csv", "")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(h, "\uFEFF")), " "))
		if f, ok := importColumns[h]; ok {
			if _, dup := col[f]; !dup {
				col[f] = i
			}
		}
	}
	if _, ok := col["email"]; !ok {
		return nil, invalid("file", "no_email_column", strings.Join(header, ","))
	}
	rep := &ImportReport{Encoding: enc}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Rows = append(rep.Rows, ImportRow{Line: pe.StartLine, Errors: []ImportError{{Code: "malformed_row"}}})
				continue
			}
			return nil, invalid("file", "not_csv", "")
		}
		line, _ := r.FieldPos(0)
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // an empty line, as spreadsheets leave at the end
		}
		if len(rep.Rows) >= MaxImportLines {
			return nil, invalid("file", "too_many_lines", fmt.Sprint(MaxImportLines))
		}
		rep.Rows = append(rep.Rows, ImportRow{Line: line, Email: get("email"), Name: get("name"), password: get("password"),
			RecoveryEmail: get("recovery_email"), Department: get("department"), Position: get("position"), Phone: get("phone")})
		row := &rep.Rows[len(rep.Rows)-1]
		q, ok := parseQuota(get("quota"))
		if !ok {
			row.Errors = append(row.Errors, ImportError{Field: "quota", Code: "invalid_quota", Value: get("quota")})
		}
		row.Quota = q
	}
	return rep, nil
}

// parseQuota reads a quota as people write it: megabytes by default
// ("500"), or with a unit ("500MB", "1.5 GB", "2G"); empty, 0,
// "unlimited" or "무제한" is none.
func parseQuota(v string) (int64, bool) {
	v = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	switch v {
	case "", "0", "UNLIMITED", "무제한":
		return 0, true
	}
	unit := float64(1 << 20)
	num := strings.TrimRightFunc(v, unicode.IsLetter)
	switch strings.TrimSuffix(v[len(num):], "B") {
	case "K":
		unit = 1 << 10
	case "", "M":
	case "G":
		unit = 1 << 30
	case "T":
		unit = 1 << 40
	default:
		return 0, false
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 || n*unit > 1<<50 {
		return 0, false
	}
	return int64(n * unit), true
}

// checkImport checks every row as CreateUser would and against the file
// itself, and counts the valid and invalid rows.
func (s *Service) checkImport(ctx context.Context, d *store.Domain, rep *ImportReport) error {
	deps, err := s.Store.Departments(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("departments of %s: %w", d.Name, err)
	}
	byPath, byName := departmentPaths(deps)
	existing, err := s.Store.Accounts(ctx, d.ID)
	if err != nil {
		return fmt.Errorf("accounts of %s: %w", d.Name, err)
	}
	taken := map[string]bool{}
	for _, a := range existing {
		taken[strings.ToLower(a.LocalPart)] = true
	}
	firstLine := map[string]int{}
	room := -1 // unlimited
	if d.MaxUsers > 0 {
		room = max(d.MaxUsers-len(existing), 0)
	}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if len(row.Errors) > 0 && row.Errors[0].Code == "malformed_row" {
			continue
		}
		local := s.checkImportAddress(ctx, d, row, taken)
		if local != "" {
			if first, dup := firstLine[local]; dup {
				row.Errors = append(row.Errors, ImportError{Field: "email", Code: "duplicate_in_file", Value: strconv.Itoa(first)})
			} else {
				firstLine[local] = row.Line
			}
		}
		if err := checkName(row.Name); err != nil {
			row.fail(err)
		}
		if err := s.checkNewPassword(ctx, d.ID, localOf(row.Email), row.password); err != nil {
			row.fail(err)
		}
		if _, err := s.checkRecovery(row.RecoveryEmail, row.Email); err != nil {
			row.fail(err)
		}
		if row.Department != "" {
			id, code := findDepartment(row.Department, byPath, byName)
			if code != "" {
				row.Errors = append(row.Errors, ImportError{Field: "department", Code: code, Value: row.Department})
			}
			row.departmentID = id
		}
		if err := checkPlacement(Placement{Position: row.Position, Phone: row.Phone}); err != nil {
			row.fail(err)
		}
		if row.OK() && room >= 0 {
			if room == 0 {
				row.Errors = append(row.Errors, ImportError{Field: "email", Code: "user_limit", Value: d.Name})
			} else {
				room--
			}
		}
	}
	for i := range rep.Rows {
		if rep.Rows[i].OK() {
			rep.Valid++
		} else {
			rep.Invalid++
		}
	}
	return nil
}

// checkImportAddress checks the row's address (a full one, or the local
// part alone for the domain's) and writes it in full; it returns the
// local part when the address is valid and free, else "".
func (s *Service) checkImportAddress(ctx context.Context, d *store.Domain, row *ImportRow, taken map[string]bool) string {
	addr := strings.ToLower(row.Email)
	if addr == "" {
		row.Errors = append(row.Errors, ImportError{Field: "email", Code: "email_required"})
		return ""
	}
	if !strings.Contains(addr, "@") {
		addr += "@" + d.Name
	}
	row.Email = addr
	local, domain, ok := message.SplitAddress(addr)
	switch {
	case !ok || !validLocalPart(local) || !ValidDomainName(domain):
		row.Errors = append(row.Errors, ImportError{Field: "email", Code: "invalid_address", Value: addr})
	case domain != d.Name:
		row.Errors = append(row.Errors, ImportError{Field: "email", Code: "wrong_domain", Value: addr})
	case taken[local]:
		row.Errors = append(row.Errors, ImportError{Field: "email", Code: "account_exists", Value: addr})
	default:
		if err := s.checkNotAList(ctx, d, local); err != nil {
			row.fail(err)
			return ""
		}
		return local
	}
	return ""
}

func localOf(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	return local
}

// departmentPaths indexes a domain's departments by their path from the
// top ("영업부/1팀") and by their own name (ids of every department of
// that name: a name two departments share must be given as a path).
func departmentPaths(deps []store.Department) (map[string]int64, map[string][]int64) {
	byID := map[int64]store.Department{}
	for _, d := range deps {
		byID[d.ID] = d
	}
	byPath, byName := map[string]int64{}, map[string][]int64{}
	for _, d := range deps {
		parts := []string{d.Name}
		for p, n := d.ParentID, 0; p != 0 && n < len(deps); n++ {
			parent, ok := byID[p]
			if !ok {
				break
			}
			parts = append([]string{parent.Name}, parts...)
			p = parent.ParentID
		}
		byPath[strings.ToLower(strings.Join(parts, "/"))] = d.ID
		byName[strings.ToLower(d.Name)] = append(byName[strings.ToLower(d.Name)], d.ID)
	}
	return byPath, byName
}

// findDepartment is a department given by path or by a name only one
// department has; otherwise the reason.
func findDepartment(v string, byPath map[string]int64, byName map[string][]int64) (int64, string) {
	parts := strings.Split(v, "/")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	key := strings.ToLower(strings.Join(parts, "/"))
	if id, ok := byPath[key]; ok {
		return id, ""
	}
	switch ids := byName[key]; len(ids) {
	case 1:
		return ids[0], ""
	case 0:
		return 0, "invalid_department"
	}
	return 0, "ambiguous_department"
}

// createImported creates every row through CreateUser; when one fails,
// the accounts created before it are deleted again and its error
// returned.
func (s *Service) createImported(ctx context.Context, p actor.Actor, d *store.Domain, rep *ImportReport) error {
	var made []*store.Account
	for i := range rep.Rows {
		row := &rep.Rows[i]
		a, err := s.CreateUser(ctx, p, NewAccount{Address: row.Email, Password: row.password, Name: row.Name, Quota: row.Quota, Domain: d.Name,
			RecoveryEmail: row.RecoveryEmail},
			Placement{Department: row.departmentID, Position: row.Position, Phone: row.Phone})
		if err != nil {
			row.fail(err)
			rep.Valid, rep.Invalid = rep.Valid-1, rep.Invalid+1
			s.undoImport(ctx, p, made)
			return fmt.Errorf("import line %d (%s): %w", row.Line, row.Email, err)
		}
		made = append(made, a)
	}
	rep.Created = len(made)
	addrs := make([]string, 0, min(len(made), 20))
	for _, a := range made[:min(len(made), 20)] {
		addrs = append(addrs, a.Address())
	}
	s.audit(ctx, p, d.ID, "user.import", d.Name, map[string]any{"created": len(made), "addresses": addrs})
	return nil
}

// undoImport deletes the accounts an import made before it failed
// (their creation was audited: so is their removal).
func (s *Service) undoImport(ctx context.Context, p actor.Actor, made []*store.Account) {
	ctx = context.WithoutCancel(ctx)
	for _, a := range made {
		if err := s.Store.DeleteAccount(ctx, a.ID); err != nil {
			s.log().Error("import: an account made before the failure is left", "account", a.Address(), "err", err)
			continue
		}
		s.accountChanged(a.ID)
		s.audit(ctx, p, a.DomainID, "user.delete", a.Address(), map[string]any{"undo": "import"})
	}
}
