package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `spam train` learns an mbox for the domain, once however often it is
// run; an account's folder for the account; and refuses a command line
// without a scope.
func TestSpamTrain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := runCmd(t, dir, "init", "--domain", "company.kr", "--admin", "boss@company.kr", "--password", "Long-enough-pass-26"); err != nil {
		t.Fatal(err)
	}
	mbox := filepath.Join(t.TempDir(), "spam.mbox")
	body := "From promo@deals.test Thu Nov 26 09:00:00 2026\nFrom: promo@deals.test\nSubject: (광고) 무료 대출 1\n\n무료 상담\n\n" +
		"From promo@deals.test Thu Nov 26 09:01:00 2026\nFrom: promo@deals.test\nSubject: (광고) 무료 대출 2\n\n저금리 대출\n"
	if err := os.WriteFile(mbox, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"2 messages read, 2 learned as spam", "2 messages read, 0 learned as spam"} {
		out, err := runCmd(t, dir, "spam", "train", "--spam", mbox, "--domain", "company.kr")
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("run %d: %v\n%s\nwant %q", i+1, err, out, want)
		}
	}
	if _, err := runCmd(t, dir, "import", "--mbox", mbox, "--folder", "Spam", "boss@company.kr"); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, dir, "spam", "train", "--ham", "boss@company.kr:Spam", "--account", "boss@company.kr")
	if err != nil || !strings.Contains(out, "boss@company.kr:Spam: 2 messages read, 2 learned as ham") {
		t.Errorf("a folder: %v\n%s", err, out)
	}
	if _, err := runCmd(t, dir, "spam", "train", "--spam", mbox); !errors.Is(err, errUsage) {
		t.Errorf("without --domain or --account: %v", err)
	}
}
