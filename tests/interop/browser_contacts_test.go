package interop

// Browser end-to-end tests of the Contacts screen (issue 15, C1–C4, E3):
// the scenarios are tests/interop/browser/contacts-scenarios.mjs, run by
// the same runner as browser_test.go on a server of their own. A Korean
// Outlook CSV saved by Excel (CP949) is imported through the preview, a
// group is made of two of its contacts, and mail composed to the group
// from the Contacts toolbar arrives in both members' mailboxes.
//
// Invariants:
//   - The import file is built here byte by byte (the Korean Outlook
//     header row, encoded to CP949 with x/text): no fixture file that an
//     editor could re-encode.
//   - What arrived is read over IMAP by the control listener (GET /imap),
//     never through the API the screen uses.
//   - The logged-in user is no administrator: the shared book, filled
//     here by the domain's administrator over the JSON API, is read-only
//     for him.
//   - Every listener is on 127.0.0.1 (the server's, the control's).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"
)

// browserContactsScenarios are contacts-scenarios.mjs's, in the order they
// run; none depends on another having passed (each makes what it needs
// over the API when an earlier one did not).
var browserContactsScenarios = []string{
	"contacts_import_cp949",      // 가져오기: a CP949 Korean Outlook CSV, preview with its columns and a bad line, import, 가나다 order
	"contacts_group",             // 새 그룹 of two checked contacts; it lists them
	"contacts_compose_group",     // 메일쓰기 with the group chosen: both members in To; IMAP: both received it
	"contacts_compose_one",       // 메일쓰기 with one contact checked: that address alone in To, no draft
	"contacts_search_hangul",     // a partial Hangul word finds by name and by company
	"contacts_shared_readonly",   // a user sees 공용 주소록 without edit buttons; the API refuses his change
	"contacts_trash_restore",     // 삭제 moves to 휴지통, 복원 brings back
	"contacts_picker_group",      // compose: 받는사람 picker, 그룹 tab adds every member
	"contacts_new_edit",          // [+] folder, 새 연락처 with two addresses and numbers in it, then an edit
	"contacts_import_duplicates", // the same file again: every row a duplicate; merged, none imported
	"contacts_import_bad",        // a file that is neither CSV nor vCard: the server's message, nothing imported
	"contacts_export_outlook",    // 내보내기: Outlook CSV in CP949 with its English header row
	"contacts_english",           // the screen in English (the glossary's words, plural counts), then Korean again
	"contacts_phone",             // 390x844: nothing past the screen's edge; the books as a drawer
	"contacts_shared_admin",      // the administrator edits the shared book (can_edit); the user sees his contact
	"contacts_group_edit_delete", // 그룹 수정 renames and drops a member; 그룹 삭제 keeps the contacts
	"contacts_move",              // 폴더로 이동 puts a checked contact in a folder
	"contacts_paging",            // 57 contacts: 50 a page, 다음 shows the rest
}

// browserContactsUndo is the server's undo_send for these scenarios.
const browserContactsUndo = 2 * time.Second

// browserContact is one contact of the import file, as the scenarios
// expect to find it (Name is 성 + 이름 without a space).
type browserContact struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Company    string `json:"company"`
	Department string `json:"department"`
	Position   string `json:"position"`
}

// browserContactsFixtures is what contacts-scenarios.mjs starts from
// (POSTROOM_CONTACTS_FIXTURES).
type browserContactsFixtures struct {
	CSVPath string           `json:"csvPath"` // the CP949 file to upload
	Columns []string         `json:"columns"` // its header row, decoded
	People  []browserContact `json:"people"`  // its good rows, in 가나다 order
	BadLine int              `json:"badLine"` // the line with an invalid address
	// Members are the two people (local accounts) of the group.
	Members []browserContact `json:"members"`
	Group   string           `json:"group"`
	// Searches: a partial Hangul word and the names it must find.
	Searches []browserContactSearch `json:"searches"`
	Shared   browserContact         `json:"shared"` // in the shared book, made by the administrator
	Admin    string                 `json:"admin"`  // the domain's administrator (the test password)
}

type browserContactSearch struct {
	Q    string   `json:"q"`
	Want []string `json:"want"`
}

func TestBrowser_Contacts(t *testing.T) {
	dir, node, selected := browserStart(t, browserContactsScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http", "imap"}})
	// a short undo window, so that mail sent from the screen leaves in seconds
	setBrowserRootConfig(t, s, fmt.Sprintf("undo_send = %q", browserContactsUndo.String()))
	user := uniqueAddr("book")
	s.AddUser(t, user, "--name", "정주소")
	fx := browserContactsFixtures{Group: "영업팀 공지", BadLine: 5, Admin: adminAddr}
	// Two colleagues with mailboxes (the group's members) and three
	// people outside; the file lists them out of order.
	a := browserContact{Name: "김철수", Email: uniqueAddr("chulsoo"), Phone: "010-1111-2222", Company: "포스트룸", Department: "영업부", Position: "과장"}
	b := browserContact{Name: "이영희", Email: uniqueAddr("younghee"), Phone: "010-3333-4444", Company: "포스트룸", Department: "영업부", Position: "대리"}
	s.AddUser(t, a.Email, "--name", a.Name)
	s.AddUser(t, b.Email, "--name", b.Name)
	c := browserContact{Name: "박지훈", Email: "jihoon@partner.example", Phone: "02-555-0101", Company: "대한물산", Department: "구매팀", Position: "부장"}
	d := browserContact{Name: "강민준", Email: "minjun@partner.example", Phone: "010-7777-8888", Company: "대한물산", Department: "해외영업팀", Position: "사원"}
	e := browserContact{Name: "최서연", Email: "seoyeon@hanbit.example", Phone: "031-222-3333", Company: "한빛소프트웨어", Department: "개발팀", Position: "팀장"}
	fx.People = []browserContact{d, a, c, b, e} // 강, 김, 박, 이, 최
	fx.Members = []browserContact{a, b}
	fx.Searches = []browserContactSearch{{Q: "소프트", Want: []string{e.Name}}, {Q: "영희", Want: []string{b.Name}}}
	fx.Shared = browserContact{Name: "공용 거래처 담당", Email: "desk@supplier.example", Company: "공급사"}

	fx.Columns = []string{"이름", "성", "전자 메일 주소", "휴대폰", "회사", "부서", "직함"}
	row := func(p browserContact) []string {
		family, given := splitKoreanName(p.Name)
		return []string{given, family, p.Email, p.Phone, p.Company, p.Department, p.Position}
	}
	lines := [][]string{fx.Columns, row(c), row(a), row(e), {"나쁜", "주", "주소-아님", "", "", "", ""}, row(d), row(b)}
	fx.CSVPath = writeCP949CSV(t, lines)

	base := "http://" + s.Addr(t, "http")
	addSharedContact(t, base, fx.Shared)
	control := startBrowserComposeControl(t, s)

	// browserConfig has no field for these fixtures; the runner's
	// environment carries them (contacts-scenarios.mjs reads it).
	fxJSON, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("POSTROOM_CONTACTS_FIXTURES", string(fxJSON))

	shots := browserOutputDir(t, "contacts")
	t.Logf("screenshots: %s", shots)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       base,
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Control:       control,
		Scenarios:     selected,
	})
}

// splitKoreanName cuts a Korean name into 성 (the first syllable) and
// 이름, as Outlook's Korean export writes them.
func splitKoreanName(name string) (family, given string) {
	r := []rune(name)
	return string(r[:1]), string(r[1:])
}

// writeCP949CSV writes rows as Korean Excel saves a CSV: CP949, CRLF,
// fields quoted only when they must be.
func writeCP949CSV(t *testing.T, rows [][]string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		for i, f := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(f, ",\"\r\n") {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			b.WriteString(f)
		}
		b.WriteString("\r\n")
	}
	data, err := korean.EUCKR.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatalf("encode the CSV to CP949: %v", err)
	}
	// the point of the file: not UTF-8, so the server must know CP949
	if strings.Contains(string(data), "이름") {
		t.Fatal("the CP949 file still holds UTF-8 text")
	}
	p := filepath.Join(t.TempDir(), "outlook-contacts-cp949.csv")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// addSharedContact logs the domain's administrator in over the JSON API
// and puts p in the shared book.
func addSharedContact(t *testing.T, base string, p browserContact) {
	t.Helper()
	admin := webLogin(t, base, adminAddr)
	body, _ := json.Marshal(map[string]any{
		"book": "shared", "name": p.Name, "company": p.Company,
		"emails": []map[string]string{{"address": p.Email, "label": ""}},
	})
	var out map[string]any
	if code := admin.call(t, "POST", "/api/v1/contacts", string(body), &out); code != http.StatusCreated {
		t.Fatalf("the administrator's POST /api/v1/contacts (shared): %d %v", code, out)
	}
	if fmt.Sprint(out["book"]) != "shared" {
		t.Fatalf("the administrator's shared contact came back in book %v", out["book"])
	}
}
