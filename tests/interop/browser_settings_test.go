package interop

// Browser end-to-end tests of the Settings screen (issue 14, S1–S8): the
// scenarios are tests/interop/browser/settings-scenarios.mjs, run by the
// same runner as browser_test.go on a server of their own. Each setting
// is checked by its effect outside the screen that set it: a filter rule
// moves mail delivered over SMTP afterwards, a signature appears in
// compose, a send delay is the undo window, an export is a .zip of .eml
// files, a new password is the only one IMAP and SMTP take.
//
// Invariants:
//   - Mail arrives through the MX listener (POST /deliver of the control
//     listener) and logins are tried with real protocol clients (GET
//     /login: the go-imap client, and AUTH PLAIN after STARTTLS on
//     submission), never through the API the screen uses.
//   - Every listener is on 127.0.0.1 (the server's, the control's).

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// browserSettingsScenarios are settings-scenarios.mjs's, in the order they
// run; none depends on another having passed (the password change is
// last: it leaves the account with a new password).
var browserSettingsScenarios = []string{
	"settings_language_zone", // 기본 설정: English and another zone apply at once to the menu and a date
	"settings_field_error",   // a 400 invalid from PATCH /api/v1/settings shows beside its field; nothing saved
	"settings_filter_moves",  // 메일분류 규칙: a rule made in the UI moves mail delivered over SMTP afterwards
	"settings_mail_screen",   // the mail screen reads first folder, layout and page size from the account
	"settings_signature",     // 서명: on new mail only, then on replies only, as compose opens
	"settings_send_delay",    // 발송 후 대기: 5 s is the undo window; undone, nothing arrives
	"settings_spam_blocked",  // 스팸관리 설정: a blocked sender's and a blocked phrase's mail over SMTP goes to Spam
	"settings_export_zip",    // 메일함관리: ZIP download holds one .eml per message of the folder
	"settings_phone",         // 390x844: no section scrolls sideways
	"settings_password",      // 비밀번호 변경: the old password stops working on the web, IMAP and SMTP
}

// browserSettingsFixtures is cfg.settings for the runner.
type browserSettingsFixtures struct {
	Colleague   string   `json:"colleague"`
	NewPassword string   `json:"newPassword"`
	Reply       string   `json:"reply"`      // subject of a message from Colleague to reply to
	ReplyID     string   `json:"replyId"`    // its Message-ID
	Inbox       []string `json:"inbox"`      // the subjects delivered to the Inbox before the scenarios
	InboxCount  int      `json:"inboxCount"` // how many
}

func TestBrowser_settings(t *testing.T) {
	dir, node, selected := browserStart(t, browserSettingsScenarios)

	s := newServer(t, serverOptions{listen: []string{"smtp", "submission", "http", "imap"}})
	user := uniqueAddr("setter")
	colleague := uniqueAddr("colleague")
	s.AddUser(t, user, "--name", "김설정")
	s.AddUser(t, colleague, "--name", "박동료")

	fx := deliverBrowserSettingsFixtures(t, s, user, colleague)
	control := startBrowserSettingsControl(t, s, user)

	shots := browserOutputDir(t, "settings")
	t.Logf("screenshots: %s", shots)

	runBrowserScenarios(t, node, dir, browserConfig{
		BaseURL:       "http://" + s.Addr(t, "http"),
		Email:         user,
		Password:      testPassword,
		WrongPassword: testPassword + "-wrong",
		Chromium:      browserChromium,
		Shots:         shots,
		Control:       control,
		Scenarios:     selected,
		Settings:      &fx,
	})
}

// deliverBrowserSettingsFixtures fills the Inbox through the MX listener
// (a Korean subject, an ASCII one, one with characters Windows refuses in
// file names, and a message from the colleague to reply to) and waits
// until the store lists them.
func deliverBrowserSettingsFixtures(t *testing.T, s *Server, user, colleague string) browserSettingsFixtures {
	t.Helper()
	fx := browserSettingsFixtures{Colleague: colleague, NewPassword: "Fresh-pass-" + uniqueID("pw")[:12]}
	date := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	var ids []string
	send := func(from, name, subject, body string) string {
		t.Helper()
		date = date.Add(time.Minute)
		m := browserMail{From: utf8Word(name) + " <" + from + ">", To: "<" + user + ">", Subject: utf8Word(subject),
			MessageID: uniqueID("settings"), Date: date, ContentType: "text/plain; charset=utf-8", Encoding: "8bit", Body: body}
		if r := mxSend(t, s, from, []string{user}, m.Bytes()); r.Code != 250 {
			t.Fatalf("MX delivery of %q: %s", subject, r)
		}
		ids = append(ids, m.MessageID)
		fx.Inbox = append(fx.Inbox, subject)
		return m.MessageID
	}
	send("partner@remote.example", "거래처", "3분기 견적서 송부", "견적서를 보내 드립니다.\n")
	send("news@remote.example", "News", "Weekly report", "Numbers of the week.\n")
	send("ops@remote.example", "Ops", `a/b:c*d?"e"<f>|g`, "A subject no Windows file name may hold.\n")
	fx.Reply = "회의 일정 문의"
	fx.ReplyID = send(colleague, "박동료", fx.Reply, "다음 주 회의 가능한 시간을 알려 주세요.\n")
	fx.InboxCount = len(ids)
	waitBrowserStored(t, s, user, "", ids)
	return fx
}

// startBrowserSettingsControl serves the runner's callbacks and returns
// its URL:
//
//	POST /deliver?from=F&subject=S   one message from F to the user through
//	    the MX listener: {"message_id"}
//	GET /imap?user=A&mailbox=M[&subject=S]  M read over IMAP as A (with
//	    the test password): [imapMessage], as for the compose scenarios
//	GET /login?password=P            P tried over IMAP (LOGIN) and SMTP
//	    submission (STARTTLS, AUTH PLAIN): {"imap": bool, "smtp": bool,
//	    "imapError", "smtpError"}
func startBrowserSettingsControl(t *testing.T, s *Server, user string) string {
	t.Helper()
	mxAddr := s.Addr(t, "smtp")
	imapAddr := s.Addr(t, "imap")
	subAddr := s.Addr(t, "submission")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /deliver", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		from, subject := q.Get("from"), q.Get("subject")
		if from == "" || subject == "" {
			http.Error(w, "want from and subject", http.StatusBadRequest)
			return
		}
		m := browserMail{From: "<" + from + ">", To: "<" + user + ">", Subject: utf8Word(subject),
			MessageID: uniqueID("deliver"), Date: time.Now(), ContentType: "text/plain; charset=utf-8",
			Encoding: "8bit", Body: "설정 시나리오가 보낸 메일입니다.\n"}
		if err := browserMXSend(mxAddr, from, user, m.Bytes()); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		browserWriteJSON(w, map[string]string{"message_id": m.MessageID})
	})
	mux.HandleFunc("GET /imap", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		msgs, err := browserIMAPFetch(imapAddr, q.Get("user"), q.Get("mailbox"), q.Get("subject"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		browserWriteJSON(w, msgs)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		pass := r.URL.Query().Get("password")
		imapErr := browserIMAPLogin(imapAddr, user, pass)
		smtpErr := browserSMTPAuth(subAddr, user, pass)
		errText := func(err error) string {
			if err == nil {
				return ""
			}
			return err.Error()
		}
		browserWriteJSON(w, map[string]any{"imap": imapErr == nil, "smtp": smtpErr == nil,
			"imapError": errText(imapErr), "smtpError": errText(smtpErr)})
	})
	return serveLoopback(t, mux)
}

// browserIMAPLogin is nil when user logs in with pass over the plain
// loopback IMAP listener.
func browserIMAPLogin(addr, user, pass string) error {
	c, err := imapclient.DialInsecure(addr, &imapclient.Options{Dialer: &net.Dialer{Timeout: 10 * time.Second}})
	if err != nil {
		return fmt.Errorf("IMAP connect: %w", err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		return fmt.Errorf("IMAP LOGIN: %w", err)
	}
	return c.Logout().Wait()
}

// browserSMTPAuth is nil when user authenticates with pass on submission.
func browserSMTPAuth(addr, user, pass string) error {
	c, err := dialSMTP(addr)
	if err != nil {
		return fmt.Errorf("SMTP connect: %w", err)
	}
	defer c.Close()
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		return fmt.Errorf("EHLO: %v %v", r, err)
	}
	if err := c.StartTLS(); err != nil {
		return fmt.Errorf("STARTTLS: %w", err)
	}
	r, err := c.AuthPlain(user, pass)
	if err != nil {
		return fmt.Errorf("AUTH PLAIN: %w", err)
	}
	if r.Code != 235 {
		return errors.New("AUTH PLAIN: " + r.String())
	}
	_, _ = c.Cmd("QUIT")
	return nil
}
