package interop

// curl's IMAP client (IMAPS URLs, RFC 5092) against the server: LIST, an
// upload (APPEND) into a Korean-named folder, a SEARCH in the URL, a fetch
// by UID and a custom STORE command (issue 17: the real-client suite).
//
//	go test -count=1 -run Curl -v ./tests/interop/

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// curlIMAP runs curl with the account's credentials against a path of the
// imaps listener and returns its output; extra are more curl arguments.
func curlIMAP(t *testing.T, s *Server, user, path string, extra ...string) string {
	t.Helper()
	requireTool(t, "curl", "curl")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := fmt.Sprintf("imaps://localhost:%d/%s", s.Port(t, "imaps"), path)
	args := append([]string{"--silent", "--show-error", "--fail", "--cacert", certFile, "--user", user + ":" + testPassword}, extra...)
	args = append(args, url)
	cmd := exec.CommandContext(ctx, "curl", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %v: %v\n%s", extra, err, stderr.String())
	}
	return out.String()
}

// TestCurlIMAP uploads into 보관함, finds the message with SEARCH, reads
// it back by UID byte for byte, flags it with a custom command, and lists
// the folders with their modified UTF-7 names.
func TestCurlIMAP(t *testing.T) {
	s := imappyServer(t)
	user := uniqueAddr("imap-curl")
	s.AddUser(t, user)
	const folder = "보관함"
	wireName := igMUTF7(folder)
	c := ipDial(t, s, user)
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", folder, err)
	}

	id := uniqueID("curl")
	msg := ipMessage("sender@remote.example", user, id, "curl로 올린 메일", "curl 본문.\n")
	file := filepath.Join(t.TempDir(), "msg.eml")
	if err := os.WriteFile(file, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	curlIMAP(t, s, user, wireName, "--upload-file", file)
	got := s.RequireMessage(t, user, folder, id)
	t.Logf("uploaded: %+v", got)

	// LIST: the folder appears under its wire name.
	list := curlIMAP(t, s, user, "")
	if !strings.Contains(list, wireName) || !strings.Contains(list, "INBOX") {
		t.Errorf("curl LIST does not show INBOX and %s:\n%s", wireName, list)
	}

	// A search in the URL (RFC 5092: ?search) makes curl send SEARCH and
	// print the answer: sequence numbers, and the folder's only message is 1.
	search := curlIMAP(t, s, user, wireName+"?SUBJECT%20curl")
	if strings.TrimSpace(search) != "* SEARCH 1" {
		t.Errorf("curl SEARCH SUBJECT curl in %s: %q, want \"* SEARCH 1\"", folder, search)
	}
	if none := curlIMAP(t, s, user, wireName+"?SUBJECT%20nothing-like-this"); strings.TrimSpace(none) != "* SEARCH" {
		t.Errorf("curl SEARCH for a missing subject: %q, want \"* SEARCH\"", none)
	}

	// Fetch by UID: the message as uploaded.
	uid := ipSnapshot(t, c, folder)[id].UID
	body := curlIMAP(t, s, user, fmt.Sprintf("%s;UID=%d", wireName, uid))
	if !ipSameMessage(msg, []byte(body)) {
		t.Errorf("curl fetch of UID %d:\n%q\nwant\n%q", uid, body, msg)
	}

	// A custom command on the selected folder: STORE +FLAGS \Flagged.
	out := curlIMAP(t, s, user, wireName, "--request", fmt.Sprintf(`UID STORE %d +FLAGS (\Flagged)`, uid))
	if !strings.Contains(out, `\Flagged`) {
		t.Errorf("curl UID STORE output %q does not show \\Flagged", out)
	}
	if m := ipSnapshot(t, c, folder)[id]; !slices.Contains(m.Flags, `\Flagged`) {
		t.Errorf("after curl's STORE the message has flags %v", m.Flags)
	}
}
