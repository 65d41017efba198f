package interop

// Browser end-to-end test of Settings > 메일함 관리 > 가져오기 (issue 19,
// Migration in): the scenarios are
// tests/interop/browser/folder-import-scenarios.mjs, run by runner.mjs on
// a server of their own. A user picks a .zip of two .eml files (written
// here) in a folder's file picker; the webmail uploads it, the server
// imports it as a job, the page says what came in, and the folder's mail
// list shows the two Korean subjects; the same zip again brings nothing.
//
// Invariants:
//   - The files are made by this test in its temporary directory, and
//     reach the server only through the browser's upload.
//   - Every listener is on 127.0.0.1.

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// browserFolderImportScenarios are folder-import-scenarios.mjs's, in order.
var browserFolderImportScenarios = []string{
	"folder_import",         // a .zip of two .eml into a new folder: 가져온 메일 2통, the subjects in the list; again: 이미 있는 메일 2통
	"folder_import_refused", // a PDF is refused whole, in Korean
}

// browserFolderImportFixtures is what folder-import-scenarios.mjs starts
// from (POSTROOM_IMPORT_FIXTURES).
type browserFolderImportFixtures struct {
	Zip      string   `json:"zip"`      // absolute path of the .zip
	Subjects []string `json:"subjects"` // of its two messages
	PDF      string   `json:"pdf"`      // a file that is no mail
}

func TestBrowser_FolderImport(t *testing.T) {
	dir, node, selected := browserStart(t, browserFolderImportScenarios)

	s := newServer(t, serverOptions{listen: []string{"http"}})
	user := uniqueAddr("importer")
	s.AddUser(t, user, "--name", "최가져")

	fx := writeFolderImportFixtures(t)
	fxJSON, err := json.Marshal(fx)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("POSTROOM_IMPORT_FIXTURES", string(fxJSON))
	out := browserOutputDir(t, "folder-import")
	t.Logf("screenshots: %s", out)
	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         out,
		Scenarios:     selected,
	})
}

// writeFolderImportFixtures writes the zip (Korean subjects as RFC 2047
// words, as mail programs save them) and the PDF.
func writeFolderImportFixtures(t *testing.T) browserFolderImportFixtures {
	t.Helper()
	tmp := t.TempDir()
	fx := browserFolderImportFixtures{Zip: filepath.Join(tmp, "거래처 메일.zip"), PDF: filepath.Join(tmp, "견적서.pdf"),
		Subjects: []string{"2026년 3분기 견적서", "계약서 초안 검토 요청"}}
	f, err := os.Create(fx.Zip)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	date := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("KST", 9*3600))
	for i, subject := range fx.Subjects {
		m := browserMail{From: utf8Word("거래처") + " <partner@remote.example>", To: "<someone@remote.example>", Subject: utf8Word(subject),
			MessageID: uniqueID("import"), Date: date.Add(time.Duration(i) * time.Hour), ContentType: "text/plain; charset=utf-8",
			Encoding: "8bit", Body: subject + " 본문입니다.\n"}
		w, err := zw.Create(fmt.Sprintf("메일%d.eml", i+1))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fx.PDF, []byte("%PDF-1.7\n%견적서\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return fx
}
