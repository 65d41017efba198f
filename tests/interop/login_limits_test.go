package interop

// Login protection (issue 13, item 4; README "Login protection"): the
// failed logins against one account are capped across connections,
// protocols and source addresses, checked before the password is hashed,
// and the owner keeps logging in from the address he used before the
// attack. Attackers come from other loopback addresses (127.0.0.2 and up:
// Linux routes all of 127/8 to lo), the owner from 127.0.0.1.

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// lpAccountBudget is the README's budget of failed logins per account from
// addresses it is not known for (auth.DefaultLimits.Account).
const lpAccountBudget = 10

// lpIMAPFrom connects to the imap listener from the loopback address src
// with the go-imap client.
func lpIMAPFrom(t *testing.T, s *Server, src string) *imapclient.Client {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 30 * time.Second}
	conn, err := d.Dial("tcp", s.Addr(t, "imap"))
	if err != nil {
		t.Fatalf("connect from %s: %v", src, err)
	}
	c := imapclient.New(conn, nil)
	t.Cleanup(func() { c.Close() })
	if err := c.WaitGreeting(); err != nil {
		t.Fatalf("greeting to %s: %v", src, err)
	}
	return c
}

// lpIMAPLogin is one IMAP LOGIN from src: "ok", or the response code of
// the refusal ("AUTHENTICATIONFAILED", "UNAVAILABLE", ...).
func lpIMAPLogin(t *testing.T, s *Server, src, user, password string) string {
	c := lpIMAPFrom(t, s, src)
	return lpIMAPAnswer(c.Login(user, password).Wait())
}

func lpIMAPAnswer(err error) string {
	if err == nil {
		return "ok"
	}
	if e := igErr(err); e != nil {
		return string(e.Code)
	}
	return "error: " + err.Error()
}

// lpPOP3Script logs in with poplib from each [source, password] of its
// third argument at once (one thread each, released together once every
// connection is open and the test says go) and prints each answer.
const lpPOP3Script = `
import json, poplib, socket, sys, threading
host, port, user, attempts = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
class POP3From(poplib.POP3):
    def __init__(self, source, *args, **kw):
        self.source = source
        super().__init__(*args, **kw)
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(self.source, 0))
conns = [POP3From(src, host, port, timeout=120) for src, _ in attempts]
print(json.dumps({"step": "connected"}), flush=True)
sys.stdin.readline()
answers = [None] * len(attempts)
def login(i):
    p, password = conns[i], attempts[i][1]
    try:
        p.user(user)
        answers[i] = p.pass_(password).decode()
        p.quit()
    except poplib.error_proto as e:
        answers[i] = e.args[0].decode()
    except Exception as e:
        answers[i] = "error: " + repr(e)
threads = [threading.Thread(target=login, args=(i,)) for i in range(len(attempts))]
for th in threads: th.start()
for th in threads: th.join()
print(json.dumps({"step": "answers", "answers": answers}), flush=True)
`

// lpPOP3Logins runs lpPOP3Script: the returned function releases the
// logins and returns their answers.
func lpPOP3Logins(t *testing.T, s *Server, user string, attempts [][2]string) func() []string {
	js, _ := json.Marshal(attempts)
	py := lpPython(t, lpPOP3Script, "127.0.0.1", strconv.Itoa(s.Port(t, "pop3")), user, string(js))
	py.next("connected")
	return func() []string {
		py.proceed()
		var answers []string
		for _, a := range py.next("answers")["answers"].([]any) {
			answers = append(answers, fmt.Sprint(a))
		}
		return answers
	}
}

// lpKind sorts an answer of either protocol: "ok", "wrong" (the password
// was checked and is wrong), "later" (refused for now, not checked) or
// the answer itself.
func lpKind(answer string) string {
	switch {
	case answer == "ok" || strings.HasPrefix(answer, "+OK"):
		return "ok"
	case answer == string(imap.ResponseCodeAuthenticationFailed) || strings.HasPrefix(answer, "-ERR [AUTH]"):
		return "wrong"
	case answer == string(imap.ResponseCodeUnavailable) || strings.HasPrefix(answer, "-ERR [SYS/TEMP]"):
		return "later"
	}
	return answer
}

// 60 guesses at once, half over IMAP (the go-imap client) and half over
// POP3 (poplib), each from its own connection and source address: no more
// than the account's budget are checked; the rest, and the right password
// from a new address, are refused for now, while the owner logs in over
// both protocols from the address he used before. The access log shows
// exactly the budget's failures.
func TestLoginLimits_bruteForceOverIMAPAndPOP3(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "imap", "pop3"}})
	victim := uniqueAddr("victim")
	s.AddUser(t, victim)
	if got := lpIMAPLogin(t, s, "127.0.0.1", victim, testPassword); got != "ok" {
		t.Fatalf("the owner's login before the attack: %s", got)
	}

	const perProtocol = 30
	var popAttempts [][2]string
	for i := range perProtocol {
		popAttempts = append(popAttempts, [2]string{fmt.Sprintf("127.0.0.%d", 100+i), fmt.Sprintf("pop-guess-%d", i)})
	}
	releasePOP3 := lpPOP3Logins(t, s, victim, popAttempts)
	imapConns := make([]*imapclient.Client, perProtocol)
	for i := range imapConns {
		imapConns[i] = lpIMAPFrom(t, s, fmt.Sprintf("127.0.0.%d", 2+i))
	}
	answers := make([]string, perProtocol)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range imapConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			answers[i] = lpIMAPAnswer(c.Login(victim, fmt.Sprintf("imap-guess-%d", i)).Wait())
		}()
	}
	close(start)
	popAnswers := releasePOP3()
	wg.Wait()

	count := map[string]int{}
	for _, a := range append(answers, popAnswers...) {
		count[lpKind(a)]++
	}
	t.Logf("%d guesses at once over IMAP and POP3: %v", 2*perProtocol, count)
	if count["wrong"] > lpAccountBudget || count["ok"] > 0 || count["wrong"]+count["later"] != 2*perProtocol {
		t.Fatalf("answers %v: want at most %d checked (wrong), the others refused for now\nIMAP: %q\nPOP3: %q",
			count, lpAccountBudget, answers, popAnswers)
	}
	// The budget is spent now, unless a check found the slots busy (a
	// very slow machine): guesses one by one spend what is left.
	wrong := count["wrong"]
	for i := 0; wrong < lpAccountBudget && i < lpAccountBudget; i++ {
		if lpKind(lpIMAPLogin(t, s, "127.0.0.90", victim, "one-more-guess")) == "wrong" {
			wrong++
		}
	}
	if wrong != lpAccountBudget {
		t.Fatalf("%d wrong passwords were checked in all, want the budget, %d", wrong, lpAccountBudget)
	}

	if got := lpIMAPLogin(t, s, "127.0.0.91", victim, testPassword); got != string(imap.ResponseCodeUnavailable) {
		t.Errorf("the right password over IMAP from a new address during the attack: %s, want NO [UNAVAILABLE]", got)
	}
	if got := lpPOP3Logins(t, s, victim, [][2]string{{"127.0.0.92", testPassword}})(); lpKind(got[0]) != "later" {
		t.Errorf("the right password over POP3 from a new address during the attack: %q, want -ERR [SYS/TEMP]", got[0])
	}
	if got := lpIMAPLogin(t, s, "127.0.0.1", victim, testPassword); got != "ok" {
		t.Errorf("the owner over IMAP from his usual address during the attack: %s", got)
	}
	if got := lpPOP3Logins(t, s, victim, [][2]string{{"127.0.0.1", testPassword}})(); lpKind(got[0]) != "ok" {
		t.Errorf("the owner over POP3 from his usual address during the attack: %q", got[0])
	}
	var failed int
	for _, l := range igAccessLog(t, s, victim) {
		if l.Result == "failed" {
			failed++
			if l.IP == "127.0.0.1" {
				t.Errorf("a failure from the owner's address: %s", l.Raw)
			}
		}
	}
	if failed != lpAccountBudget {
		t.Errorf("the access log has %d failed logins, want %d (the budget: refused attempts are not checked)", failed, lpAccountBudget)
	}
}
