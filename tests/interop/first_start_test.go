package interop

// The first hour of a new user (issue 11): `postroom serve` on an empty
// data directory says where to go and what to type, and what it prints
// logs in — first with curl, then in the browser, where the operator
// makes a domain, its administrator and a user, who then reads his mail.

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// firstStart is a server started as the README's first command starts
// it: no init, so serve makes the operator and prints the password.
type firstStart struct {
	*Server
	password string // the operator's, as printed
	url      string // "webmail and console: URL"
}

var (
	operatorLine = regexp.MustCompile(`(?m)^operator login: operator / (\S+) \(saved in .+operator-password\.txt\)$`)
	urlLine      = regexp.MustCompile(`(?m)^webmail and console: (\S+)$`)
)

func startFresh(t *testing.T) *firstStart {
	t.Helper()
	s := newServer(t, serverOptions{fresh: true, listen: []string{"smtp", "submission", "http"}})
	out := s.log.String()
	pw := operatorLine.FindStringSubmatch(out)
	url := urlLine.FindStringSubmatch(out)
	if pw == nil || url == nil {
		t.Fatalf("serve on an empty data directory printed no operator login or URL:\n%s", out)
	}
	return &firstStart{Server: s, password: pw[1], url: url[1]}
}

// The first lines name the URL and the login, before the listener lines,
// and say what to do while there is no domain.
func TestFirstStart_serveSaysWhereToGoAndWhatToType(t *testing.T) {
	fs := startFresh(t)
	if want := "http://" + fs.Addr(t, "http") + "/"; fs.url != want {
		t.Errorf("printed URL %q, the http listener is %q", fs.url, want)
	}
	out := fs.log.String()
	if i, j := strings.Index(out, "webmail and console:"), strings.Index(out, "listening:"); i < 0 || j < 0 || i > j {
		t.Errorf("the URL is not among the first lines:\n%s", out)
	}
	if !strings.Contains(out, "next: no domain yet: log in at "+fs.url+" as operator") {
		t.Errorf("no hint what to do first:\n%s", out)
	}

	// curl logs in with what was printed, on the login route the page uses
	curl := requireTool(t, "curl", "curl")
	login := func(user, password string) string {
		t.Helper()
		body := `{"email":"` + user + `","password":"` + password + `"}`
		out, err := exec.Command(curl, "-sS", "-H", "Content-Type: application/json", "-d", body, fs.url+"api/v1/session").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v %s", err, out)
		}
		return string(out)
	}
	if got := login("operator", fs.password); !strings.Contains(got, `"role":"operator"`) {
		t.Fatalf("the printed operator login does not log in: %s", got)
	}
	if got := login("operator", fs.password+"x"); !strings.Contains(got, "invalid_credentials") {
		t.Fatalf("a wrong operator password: %s", got)
	}

	// a second start prints no password, but where it is kept
	fs.stop()
	if err := fs.start(); err != nil {
		t.Fatal(err)
	}
	second := fs.log.String()[len(out):]
	if strings.Contains(second, fs.password) || !strings.Contains(second, "operator login: operator (password in ") {
		t.Errorf("second start:\n%s", second)
	}
}

// browserConsoleFixtures is what the first-hour scenarios are given.
type browserConsoleFixtures struct {
	Operator, OperatorPassword string
	Domain                     string
	Admin, AdminName           string // the id (before @) and name of the first administrator
	User, UserName             string
	Password                   string // of both
}

// browserConsoleScenarios run on a fresh server, in this order: the
// later ones use what the earlier made (the first start is one story).
var browserConsoleScenarios = []string{
	"console_first_domain", // the operator logs in, adds a domain, its administrator and a user
	"console_user_reads",   // the new user logs in to the webmail
	"console_phone",        // the console at 390x844
}

func TestBrowser_firstHour(t *testing.T) {
	dir, node, selected := browserStart(t, browserConsoleScenarios)
	fs := startFresh(t)
	fx := &browserConsoleFixtures{Operator: "operator", OperatorPassword: fs.password, Domain: "first-company.co.kr",
		Admin: "boss", AdminName: "홍길동", User: "kim.minji", UserName: "김민지", Password: testPassword}
	shots := browserOutputDir(t, "")
	cfg := browserConfig{
		BaseURL:   strings.TrimSuffix(fs.url, "/"),
		Chromium:  browserChromium,
		Shots:     shots,
		Scenarios: selected,
		Console:   fx,
	}
	runBrowserScenarios(t, node, dir, cfg)

	// what the browser made is in the store, as the command line sees it
	if len(selected) == len(browserConsoleScenarios) {
		res := fs.CLI(t, "user list", fx.Domain)
		for _, want := range []string{fx.Admin + "@" + fx.Domain + "\t" + fx.AdminName, fx.User + "@" + fx.Domain + "\t" + fx.UserName} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("postroom user list %s lacks %q:\n%s", fx.Domain, want, res)
			}
		}
		if lines := strings.Count(res.Stdout, "\n"); lines != 3 {
			t.Errorf("postroom user list %s: %d accounts, want 3 (administrator, user, the phone's user):\n%s", fx.Domain, lines, res.Stdout)
		}
	}
}
