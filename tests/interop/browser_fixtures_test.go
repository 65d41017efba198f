package interop

// The mail the browser scenarios read (delivered over SMTP before the
// browser starts), the beacon that counts requests an HTML mail's script
// would make, and the control listener the node runner calls back into
// (deliver a message now, list a mailbox with the CLI, read the beacon).
// All three listen on 127.0.0.1 only.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// browserFixtures tells the runner what was delivered.
type browserFixtures struct {
	EUCKR   browserEUCKR   `json:"euckr"`
	Quote   browserQuote   `json:"quote"`
	HTML    browserHTML    `json:"html"`
	Move    browserMove    `json:"move"`
	Cleanup browserCleanup `json:"cleanup"`
	Thread  browserThread  `json:"thread"`
	// UnreadThread: three Inbox messages of one thread, all unread.
	UnreadThread browserThread `json:"unreadThread"`
	// Long: a subject of 30 Hangul syllables, as office mail has them.
	Long browserLong `json:"long"`
	// Keys: two messages handled with the keyboard (deleted, marked, moved).
	Keys browserCleanup `json:"keys"`
	// Late: its Date header is five days before its arrival.
	Late browserQuote `json:"late"`
	// Logo: HTML mail whose only attachment is the picture it shows by cid:.
	Logo browserQuote `json:"logo"`
	// Header: a short message to seven people with two in Cc and a file;
	// ReplySubject's message has a Reply-To.
	Header browserHeader `json:"header"`
}

type browserHeader struct {
	Subject      string   `json:"subject"`
	ToNames      []string `json:"toNames"`
	CcNames      []string `json:"ccNames"`
	Filename     string   `json:"filename"`
	ReplySubject string   `json:"replySubject"`
	ReplyTo      string   `json:"replyTo"`
}

type browserLong struct {
	Subject string `json:"subject"`
}

// browserEUCKR: a message sent in EUC-KR (subject, sender name and body).
type browserEUCKR struct {
	Subject  string `json:"subject"`
	FromName string `json:"fromName"`
	Text     string `json:"text"`
}

// browserQuote: the only message whose body has Word's longer form (견적서).
type browserQuote struct {
	Subject string `json:"subject"`
	Word    string `json:"word"`
}

// browserHTML: HTML mail whose script and onerror would hit BadPaths on
// the beacon.
type browserHTML struct {
	Subject  string   `json:"subject"`
	Visible  string   `json:"visible"`
	BadPaths []string `json:"badPaths"`
}

// browserMove: a message to drag into a new folder named Folder.
type browserMove struct {
	Subject string `json:"subject"`
	Folder  string `json:"folder"`
}

// browserCleanup: four messages delivered one after the other (so they are
// next to each other in the list); the first three are deleted.
type browserCleanup struct {
	Subjects []string `json:"subjects"`
}

// browserThread: three messages linked by In-Reply-To/References, two in
// the Inbox and the user's reply in Sent.
type browserThread struct {
	Subject string `json:"subject"`
	Count   int    `json:"count"`
	InInbox int    `json:"inInbox"`
}

// browserMail is one RFC 5322 message; Subject and From are given already
// encoded (RFC 2047) when they are not ASCII.
type browserMail struct {
	From, To, Subject, MessageID string
	Date                         time.Time
	Headers                      string // extra header lines, each ending in \r\n
	ContentType, Encoding        string
	Body                         string // \n line ends; made CRLF
}

func (m browserMail) Bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", m.From, m.To, m.Subject)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\n", m.Date.Format(time.RFC1123Z), m.MessageID)
	b.WriteString(m.Headers)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n", m.ContentType, m.Encoding)
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	b.WriteString(body)
	if !strings.HasSuffix(body, "\r\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// utf8Word encodes s as an RFC 2047 word when it is not ASCII.
func utf8Word(s string) string { return mime.BEncoding.Encode("UTF-8", s) }

// deliverBrowserFixtures delivers every fixture to user (over the MX, and
// the thread through submission by colleague and user) and waits until
// the store lists them.
func deliverBrowserFixtures(t *testing.T, s *Server, user, colleague, beaconURL string) browserFixtures {
	t.Helper()
	var fx browserFixtures
	date := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	next := func() time.Time { date = date.Add(time.Minute); return date }
	var inboxIDs []string
	mx := func(from string, m browserMail) {
		t.Helper()
		m.To, m.Date = "<"+user+">", next()
		if m.MessageID == "" {
			m.MessageID = uniqueID("browser")
		}
		if r := mxSend(t, s, from, []string{user}, m.Bytes()); r.Code != 250 {
			t.Fatalf("MX delivery of %q: %s", m.Subject, r)
		}
		inboxIDs = append(inboxIDs, m.MessageID)
	}
	plain := func(body string) browserMail {
		return browserMail{ContentType: "text/plain; charset=utf-8", Encoding: "8bit", Body: body}
	}

	// Four neighbours for the multi-select delete.
	fx.Cleanup.Subjects = []string{"Cleanup alpha", "Cleanup bravo", "Cleanup charlie", "Cleanup delta"}
	for _, subj := range fx.Cleanup.Subjects {
		m := plain("An old notice, to be deleted.\n")
		m.From, m.Subject = "Notices <notice@remote.example>", subj
		mx("notice@remote.example", m)
	}

	// EUC-KR: subject and sender name as RFC 2047 EUC-KR words, body base64.
	fx.EUCKR = browserEUCKR{Subject: "회의 일정 안내", FromName: "인사팀",
		Text: "다음 주 화요일 오전 10시에 3층 회의실에서 회의가 있습니다."}
	mx("hr@remote.example", browserMail{
		From:        igEUCKRWord(t, fx.EUCKR.FromName) + " <hr@remote.example>",
		Subject:     igEUCKRWord(t, fx.EUCKR.Subject),
		ContentType: "text/plain; charset=euc-kr", Encoding: "base64",
		Body: igBase64Lines(igEncodeEUCKR(t, "안녕하세요.\n"+fx.EUCKR.Text+"\n참석 부탁드립니다.\n")),
	})

	// The only message with 견적서 (in the body, not the subject).
	fx.Quote = browserQuote{Subject: "6월 납품 관련", Word: "견적"}
	m := plain("안녕하세요.\n요청하신 견적서를 보내드립니다. 총액은 1,200,000원입니다.\n검토 부탁드립니다.\n")
	m.From, m.Subject = utf8Word("한빛상사 영업팀")+" <sales@remote.example>", utf8Word(fx.Quote.Subject)
	mx("sales@remote.example", m)

	// HTML whose script and onerror would change the top page's title and
	// call the beacon; neither may ever run.
	fx.HTML = browserHTML{Subject: "Weekly newsletter", Visible: "Postroom weekly news",
		BadPaths: []string{"/script", "/script-img", "/onerror", "/onerror-img"}}
	html := fmt.Sprintf(`<!doctype html>
<html><head><title>news</title></head><body>
<h1>%s</h1>
<p>이번 주 소식입니다.</p>
<script>
try { top.document.title = 'PWNED by script'; } catch (e) {}
try { parent.postroomPwned = 'script'; } catch (e) {}
fetch('%[2]s/script', {mode: 'no-cors'});
new Image().src = '%[2]s/script-img';
</script>
<img src="x" alt="" onerror="try { top.document.title = 'PWNED by onerror'; } catch (e) {} fetch('%[2]s/onerror', {mode: 'no-cors'}); this.onerror = null; this.src = '%[2]s/onerror-img';">
</body></html>
`, fx.HTML.Visible, beaconURL)
	mx("news@remote.example", browserMail{From: "News <news@remote.example>", Subject: fx.HTML.Subject,
		ContentType: "text/html; charset=utf-8", Encoding: "8bit", Body: html})

	// To be dragged into a new folder.
	fx.Move = browserMove{Subject: "계약서 검토 요청", Folder: "거래처"}
	m = plain("계약서 초안을 검토해 주세요.\n")
	m.From, m.Subject = utf8Word("법무팀")+" <legal@remote.example>", utf8Word(fx.Move.Subject)
	mx("legal@remote.example", m)

	// The three-pane list must show this subject whole.
	fx.Long = browserLong{Subject: "상반기 영업 실적 보고서 검토 및 하반기 판매 전략 수립 관련 팀별 의견 요청"}
	m = plain("각 팀의 의견을 금요일까지 보내 주세요.\n")
	m.From, m.Subject = utf8Word("경영기획팀")+" <planning@remote.example>", utf8Word(fx.Long.Subject)
	mx("planning@remote.example", m)

	// The reading header: To and Cc shown (shortened), the file above the
	// text; no Reply-To row unless the message has one.
	fx.Header = browserHeader{Subject: "주간 회의록 공유", ToNames: []string{"홍길동", "김철수", "이영희", "박민수", "최지우", "정하늘"},
		CcNames: []string{"강감찬", "유관순"}, Filename: "회의록.pdf", ReplySubject: "회신은 영업팀으로", ReplyTo: "sales-team@remote.example"}
	var to, cc []string
	to = append(to, "<"+user+">")
	for i, n := range fx.Header.ToNames {
		to = append(to, fmt.Sprintf("%s <member%d@remote.example>", utf8Word(n), i))
	}
	for i, n := range fx.Header.CcNames {
		cc = append(cc, fmt.Sprintf("%s <cc%d@remote.example>", utf8Word(n), i))
	}
	m = browserMail{From: utf8Word("총무팀") + " <admin@remote.example>", Subject: utf8Word(fx.Header.Subject),
		ContentType: `multipart/mixed; boundary="hdr"`, Encoding: "7bit",
		Headers: "Cc: " + strings.Join(cc, ", ") + "\r\n",
		Body: "--hdr\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte("회의록을 첨부합니다.\n")) + "\n--hdr\nContent-Type: application/pdf\n" +
			"Content-Disposition: attachment; filename*=UTF-8''" + url.PathEscape(fx.Header.Filename) +
			"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--hdr--\n"}
	mxTo := func(from string, m browserMail, to string) {
		t.Helper()
		m.Date, m.MessageID = next(), uniqueID("browser")
		m.To = to
		if r := mxSend(t, s, from, []string{user}, m.Bytes()); r.Code != 250 {
			t.Fatalf("MX delivery of %q: %s", m.Subject, r)
		}
		inboxIDs = append(inboxIDs, m.MessageID)
	}
	mxTo("admin@remote.example", m, strings.Join(to, ", "))
	m = plain("문의는 영업팀 주소로 회신해 주세요.\n")
	m.From, m.Subject = "Kim <kim@remote.example>", utf8Word(fx.Header.ReplySubject)
	m.Headers = "Reply-To: " + utf8Word("영업팀") + " <" + fx.Header.ReplyTo + ">\r\n"
	mx("kim@remote.example", m)

	// Delivered now but dated five days ago (a slow relay, a wrong clock):
	// the list is in arrival order and must show arrival dates.
	fx.Late = browserQuote{Subject: "닷새 늦게 도착한 메일"}
	m = plain("발송 서버가 늦게 보냈습니다.\n")
	m.From, m.Subject = "Slow <slow@remote.example>", utf8Word(fx.Late.Subject)
	m.To, m.MessageID, m.Date = "<"+user+">", uniqueID("late"), next().Add(-5*24*time.Hour)
	if r := mxSend(t, s, "slow@remote.example", []string{user}, m.Bytes()); r.Code != 250 {
		t.Fatalf("MX delivery of %q: %s", fx.Late.Subject, r)
	}
	inboxIDs = append(inboxIDs, m.MessageID)

	// A newsletter with its logo inline (cid:): no paperclip, no file list.
	fx.Logo = browserQuote{Subject: "로고가 들어간 안내문"}
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	mx("brand@remote.example", browserMail{From: "Brand <brand@remote.example>", Subject: utf8Word(fx.Logo.Subject),
		ContentType: `multipart/related; boundary="rel"`, Encoding: "7bit",
		Body: "--rel\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte(`<p>새 로고를 소개합니다.</p><img src="cid:logo@brand" alt="logo">`)) +
			"\n--rel\nContent-Type: image/png; name=logo.png\nContent-ID: <logo@brand>\nContent-Disposition: inline; filename=logo.png\n" +
			"Content-Transfer-Encoding: base64\n\n" + png + "\n--rel--\n"})

	fx.Keys.Subjects = []string{"단축키로 지울 메일", "단축키로 표시할 메일"}
	for _, subj := range fx.Keys.Subjects {
		m := plain("키보드로 처리합니다.\n")
		m.From, m.Subject = "Keys <keys@remote.example>", utf8Word(subj)
		mx("keys@remote.example", m)
	}

	// A conversation of three unread Inbox messages (the scenario reads the
	// newest through the API, leaving the older two unread).
	fx.UnreadThread = browserThread{Subject: "출장 일정 조율", Count: 3, InInbox: 3}
	var prev []string
	for i, body := range []string{"다음 달 출장 일정을 정해야 합니다.\n", "저는 둘째 주가 좋습니다.\n", "그럼 둘째 주 화요일로 하겠습니다.\n"} {
		m := plain(body)
		m.From, m.MessageID = "Travel <travel@remote.example>", uniqueID("unread-thread")
		m.Subject = utf8Word(fx.UnreadThread.Subject)
		if i > 0 {
			m.Subject = utf8Word("Re: " + fx.UnreadThread.Subject)
			m.Headers = fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", prev[len(prev)-1], strings.Join(prev, "> <"))
		}
		prev = append(prev, m.MessageID)
		mx("travel@remote.example", m)
	}

	// A thread: colleague -> user, user's reply (in the user's Sent),
	// colleague's answer.
	fx.Thread = browserThread{Subject: "분기 보고서 초안", Count: 3, InInbox: 2}
	id1, id2, id3 := uniqueID("thread1"), uniqueID("thread2"), uniqueID("thread3")
	names := map[string]string{user: "김민지", colleague: "박지훈"}
	submit := func(from, to string, m browserMail) {
		t.Helper()
		m.From, m.To, m.Date = utf8Word(names[from])+" <"+from+">", utf8Word(names[to])+" <"+to+">", next()
		c := mustDialSubmission(t, s, from, testPassword)
		if r, err := c.Send(from, []string{to}, m.Bytes()); err != nil || r.Code != 250 {
			t.Fatalf("submission by %s of %q: %v %v", from, m.Subject, r, err)
		}
		_, _ = c.Cmd("QUIT")
	}
	m = plain("1분기 보고서 초안을 공유합니다. 의견 주세요.\n")
	m.Subject, m.MessageID = utf8Word(fx.Thread.Subject), id1
	submit(colleague, user, m)
	m = plain("잘 받았습니다. 표 2의 합계를 확인해 주세요.\n")
	m.Subject, m.MessageID = utf8Word("Re: "+fx.Thread.Subject), id2
	m.Headers = fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", id1, id1)
	submit(user, colleague, m)
	m = plain("합계를 고쳤습니다. 다시 봐 주세요.\n")
	m.Subject, m.MessageID = utf8Word("Re: "+fx.Thread.Subject), id3
	m.Headers = fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s> <%s>\r\n", id2, id1, id2)
	submit(colleague, user, m)

	waitBrowserStored(t, s, user, "", append(inboxIDs, id1, id3))
	waitBrowserStored(t, s, user, "Sent", []string{id2})
	return fx
}

// waitBrowserStored waits until every Message-ID is listed in the mailbox.
func waitBrowserStored(t *testing.T, s *Server, addr, mailbox string, ids []string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		have := map[string]bool{}
		for _, m := range s.Messages(t, addr, mailbox) {
			have[m.MessageID] = true
		}
		var missing []string
		for _, id := range ids {
			if !have[id] && !have["<"+id+">"] {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fixtures not stored in %s %q after 20s: %v", addr, mailbox, missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// browserBeacon counts requests by path. A script in a mail that ran
// would call it; zero hits on the mail's paths is the assertion.
type browserBeacon struct {
	URL  string
	mu   sync.Mutex
	hits map[string]int
}

func startBrowserBeacon(t *testing.T) *browserBeacon {
	t.Helper()
	b := &browserBeacon{hits: map[string]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits[r.URL.Path]++
		b.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	b.URL = "http://" + ln.Addr().String()
	// The beacon must be able to count, or "no hits" proves nothing.
	resp, err := http.Get(b.URL + "/selfcheck")
	if err != nil {
		t.Fatalf("beacon self-check: %v", err)
	}
	resp.Body.Close()
	if b.Hits()["/selfcheck"] != 1 {
		t.Fatalf("beacon self-check not counted: %v", b.Hits())
	}
	return b
}

func (b *browserBeacon) Hits() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]int, len(b.hits))
	for k, v := range b.hits {
		out[k] = v
	}
	return out
}

// startBrowserControl serves the runner's callbacks and returns its URL:
//
//	POST /deliver-live       deliver a new message to user over the MX now; {"subject"}
//	GET  /messages?mailbox=M `postroom messages user M`; [{"uid","message_id","subject"}]
//	GET  /beacon             {"hits": {path: n}}
func startBrowserControl(t *testing.T, s *Server, user string, beacon *browserBeacon) string {
	t.Helper()
	mxAddr := s.Addr(t, "smtp")
	var live atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /deliver-live", func(w http.ResponseWriter, r *http.Request) {
		n := live.Add(1)
		subject := fmt.Sprintf("새 메일 도착 %d", n)
		m := browserMail{From: "Alerts <alerts@remote.example>", To: "<" + user + ">", Subject: utf8Word(subject),
			MessageID: uniqueID("live"), Date: time.Now(), ContentType: "text/plain; charset=utf-8",
			Encoding: "8bit", Body: "방금 도착한 메일입니다.\n"}
		if err := browserMXSend(mxAddr, "alerts@remote.example", user, m.Bytes()); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		browserWriteJSON(w, map[string]string{"subject": subject, "message_id": m.MessageID})
	})
	mux.HandleFunc("GET /messages", func(w http.ResponseWriter, r *http.Request) {
		args := []string{"messages", "--data", s.Data, user}
		if mb := r.URL.Query().Get("mailbox"); mb != "" {
			args = append(args, mb)
		}
		res := runCLI(context.Background(), args...)
		if res.err != nil || res.Code != 0 {
			http.Error(w, res.String(), http.StatusBadGateway)
			return
		}
		msgs, err := parseMessages(res.Stdout)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		type row struct {
			UID       uint64 `json:"uid"`
			MessageID string `json:"message_id"`
			Subject   string `json:"subject"`
		}
		out := []row{}
		for _, m := range msgs {
			out = append(out, row{m.UID, m.MessageID, m.Subject})
		}
		browserWriteJSON(w, out)
	})
	mux.HandleFunc("GET /beacon", func(w http.ResponseWriter, r *http.Request) {
		browserWriteJSON(w, map[string]any{"hits": beacon.Hits()})
	})
	return serveLoopback(t, mux)
}

// serveLoopback serves h on a run-time port of 127.0.0.1 until the test
// ends and returns its base URL.
func serveLoopback(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// browserMXSend is mxSend for the control listener's goroutines: it
// returns an error instead of failing the test.
func browserMXSend(addr, from, rcpt string, msg []byte) error {
	c, err := dialSMTP(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if r, err := c.Ehlo(); err != nil || r.Code != 250 {
		return fmt.Errorf("EHLO: %v %v", r, err)
	}
	r, err := c.Send(from, []string{rcpt}, msg)
	if err != nil {
		return err
	}
	if r.Code != 250 {
		return fmt.Errorf("delivery: %s", r)
	}
	_, _ = c.Cmd("QUIT")
	return nil
}

func browserWriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
