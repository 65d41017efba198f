package web_test

// The generated mailboxes BenchmarkWebAPI100k (bench_webapi_test.go) reads.
//
// How a message gets in: exactly the local-delivery path (internal/deliver
// storeBlob and deliverOne). The raw bytes are written to the blob store
// (fsynced), message.Parse parses them, and mail.Service.Append stores the
// row with its envelope, preview, attachment flag, thread and search terms
// (mail.IndexText) in one transaction, under the store's writer lock. What
// differs from mail arriving over SMTP, and why it does not matter to the
// list and search routes:
//   - no SMTP session, SPF/DKIM checks or filters (they run before the
//     blob is written); a Return-Path and a Received header stand in for
//     the trace headers delivery prepends;
//   - the internal date is the message's Date, as an import of an old
//     mailbox sets it, so that five years of mail are five years apart;
//   - several workers append at once, as concurrent SMTP sessions do: the
//     blob writes and parsing overlap, the store serialises the commits.
//
// Content: deterministic (seeded per message), Korean and English in about
// equal shares, subjects and bodies from business-mail templates with
// numbers, names and projects filled in; 300 senders with a Zipf
// distribution (a few frequent correspondents, a long tail); RFC 2047
// subjects and names, UTF-8 bodies in 8bit, base64 or quoted-printable, some
// EUC-KR as Korean Windows mailers send it, some multipart/alternative with
// HTML, 12% with an attachment, 20% replies (In-Reply-To and References to
// an earlier message, so threads join); dates spread over five years; in
// INBOX 1% of older mail and half of the newest 2% unread.
//
// Cache: $POSTROOM_BENCH_DIR (default os.TempDir()/postroom-bench) holds
// one directory per mailbox size, named by a key that hashes benchGenVersion,
// the size, the database schema this build creates and the parse and index
// terms of sample messages: changing the generator, adding a migration or
// changing the parser or tokenizer makes a new directory. A directory is
// used only once its "complete" marker is written, so an interrupted run
// starts over. Two benchmark processes must not fill the same directory at
// once. Remove the directory to regenerate; old keys are never cleaned up.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/encoding/korean"

	"postroom/internal/actor"
	"postroom/internal/auth"
	"postroom/internal/blob"
	"postroom/internal/events"
	"postroom/internal/mail"
	"postroom/internal/message"
	"postroom/internal/store"
	"postroom/internal/store/sqlite"
	"postroom/internal/testbed"
)

// benchGenVersion names the generator; change it whenever the generated
// messages or the layout change, so that cached mailboxes are not reused.
const benchGenVersion = "webapi-mailbox-v1"

const benchDomain = "example.test"

// benchAccount is one generated account and its folders.
type benchAccount struct {
	local, name string
	seed        uint64
	folders     []benchFolder
}

type benchFolder struct {
	name  string // store name; INBOX and Sent exist already
	count int
	sent  bool // the owner is the sender
}

// benchLayout is what a mailbox of n INBOX messages holds: the measured
// account (kim) with INBOX and a few folders, and a neighbour (lee) with a
// small INBOX in the same database, to see what one tenant's size costs
// another.
func benchLayout(n int) []benchAccount {
	return []benchAccount{
		{local: "kim", name: "김민지", seed: 1, folders: []benchFolder{
			{name: "INBOX", count: n},
			{name: "Sent", count: n / 100, sent: true},
			{name: "프로젝트", count: n / 100},
			{name: "프로젝트/2024", count: n / 200},
			{name: "Newsletters", count: n / 100},
		}},
		{local: "lee", name: "이준호", seed: 2, folders: []benchFolder{{name: "INBOX", count: 1000}}},
	}
}

// benchMailbox is an opened generated mailbox.
type benchMailbox struct {
	dir   string
	store *sqlite.Store
	blobs *blob.FS
	// generated is how long generation took, for the report: measured
	// now, or read from the marker of a reused directory.
	generated time.Duration
	reused    bool
	messages  int
}

// benchMarker is the "complete" file of a generated directory.
type benchMarker struct {
	Version  string        `json:"version"`
	Messages int           `json:"messages"`
	Took     time.Duration `json:"took_ns"`
	At       time.Time     `json:"at"`
}

func benchCacheRoot() string {
	if d := os.Getenv("POSTROOM_BENCH_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "postroom-bench")
}

// openBenchMailbox opens the cached mailbox of n INBOX messages, generating
// it first when there is none for this build. Progress goes to w.
func openBenchMailbox(ctx context.Context, n int, w io.Writer) (*benchMailbox, error) {
	key, err := benchKey(n)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(benchCacheRoot(), fmt.Sprintf("webapi-%d-%s", n, key))
	markerPath := filepath.Join(dir, "complete")
	var marker benchMarker
	if b, err := os.ReadFile(markerPath); err == nil && json.Unmarshal(b, &marker) == nil {
		mb, err := openBenchDir(dir)
		if err != nil {
			return nil, err
		}
		mb.generated, mb.reused, mb.messages = marker.Took, true, marker.Messages
		fmt.Fprintf(w, "webapi bench: reusing %s (%d messages, generated %s in %v)\n",
			dir, marker.Messages, marker.At.Format(time.DateTime), marker.Took.Round(time.Second))
		return mb, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "webapi bench: generating %s\n", dir)
	mb, err := openBenchDir(dir)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	total, err := mb.generate(ctx, n, w)
	if err != nil {
		mb.store.Close()
		return nil, err
	}
	mb.generated, mb.messages = time.Since(start), total
	// the planner's statistics, as the server's next start or hourly
	// maintenance gathers them
	if err := mb.store.Optimize(ctx); err != nil {
		mb.store.Close()
		return nil, err
	}
	b, _ := json.Marshal(benchMarker{Version: benchGenVersion, Messages: total, Took: mb.generated, At: time.Now()})
	if err := os.WriteFile(markerPath, b, 0o600); err != nil {
		mb.store.Close()
		return nil, err
	}
	fmt.Fprintf(w, "webapi bench: generated %d messages in %v (%.0f msgs/s) in %s\n",
		total, mb.generated.Round(time.Second), float64(total)/mb.generated.Seconds(), dir)
	return mb, nil
}

func openBenchDir(dir string) (*benchMailbox, error) {
	st, err := sqlite.Open(filepath.Join(dir, "postroom.db"))
	if err != nil {
		return nil, err
	}
	blobs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	if err != nil {
		st.Close()
		return nil, err
	}
	return &benchMailbox{dir: dir, store: st, blobs: blobs}, nil
}

// benchKey hashes what the cached data depends on: the generator, the
// size, the schema of a fresh database of this build, and what the parser
// and the tokenizer make of sample messages.
func benchKey(n int) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s n=%d\n", benchGenVersion, n)
	schema, err := benchSchema()
	if err != nil {
		return "", err
	}
	h.Write(schema)
	for _, a := range benchLayout(n) {
		for _, f := range a.folders {
			for i := 0; i < min(f.count, 40); i++ {
				raw, flags, date := benchMessage(a, f, i)
				p := message.Parse(raw)
				b, err := json.Marshal([]any{p.Envelope(), p.References(), p.Preview(mail.PreviewLength), p.HasAttachment(),
					mail.IndexText(p), flags, date})
				if err != nil {
					return "", err
				}
				h.Write(b)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// benchSchema returns the schema a fresh database of this build has.
func benchSchema() ([]byte, error) {
	dir, err := os.MkdirTemp("", "postroom-bench-schema-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "schema.db")
	st, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out bytes.Buffer
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out.WriteString(s + "\n")
	}
	return out.Bytes(), rows.Err()
}

// generate creates the domain, the accounts and their folders and appends
// every message; it returns how many.
func (mb *benchMailbox) generate(ctx context.Context, n int, w io.Writer) (int, error) {
	st := mb.store
	domain := &store.Domain{Name: benchDomain}
	if err := st.CreateDomain(ctx, domain); err != nil {
		return 0, err
	}
	svc := &mail.Service{Store: st, Blobs: mb.blobs, Events: events.NewLocal()}
	type job struct {
		acct      benchAccount
		folder    benchFolder
		accountID int64
		mailboxID int64
	}
	var jobs []job
	total := 0
	for _, a := range benchLayout(n) {
		hash, err := auth.HashPassword(testbed.Password)
		if err != nil {
			return 0, err
		}
		acct := &store.Account{DomainID: domain.ID, LocalPart: a.local, DisplayName: a.name, PasswordHash: hash,
			Enabled: true, ClientAccess: true, Language: "ko"}
		if err := st.CreateAccount(ctx, acct); err != nil {
			return 0, err
		}
		for _, f := range a.folders {
			m, err := st.MailboxByName(ctx, acct.ID, f.name)
			if errors.Is(err, store.ErrNotFound) {
				m, err = svc.CreateMailbox(ctx, actor.System(acct.ID, "bench"), f.name)
			}
			if err != nil {
				return 0, fmt.Errorf("mailbox %s: %w", f.name, err)
			}
			jobs = append(jobs, job{acct: a, folder: f, accountID: acct.ID, mailboxID: m.ID})
			total += f.count
		}
	}

	// Workers take message numbers in order from a shared counter per
	// folder, so each folder fills in date order, as mail arrives.
	workers := max(4, 2*runtime.GOMAXPROCS(0))
	var done atomic.Int64
	start := time.Now()
	for _, j := range jobs {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= j.folder.count {
						return
					}
					raw, flags, date := benchMessage(j.acct, j.folder, i)
					key, size, err := mb.blobs.Put(ctx, bytes.NewReader(raw))
					if err == nil {
						_, err = svc.Append(ctx, actor.System(j.accountID, "bench"), mail.AppendRequest{MailboxID: j.mailboxID,
							BlobKey: key, Size: size, Parsed: message.Parse(raw), Flags: flags, InternalDate: date})
					}
					if err != nil {
						errs <- fmt.Errorf("%s %s message %d: %w", j.acct.local, j.folder.name, i, err)
						next.Store(int64(j.folder.count)) // stop the others
						return
					}
					if d := done.Add(1); d%10000 == 0 {
						el := time.Since(start)
						fmt.Fprintf(w, "webapi bench: %d/%d messages, %v, %.0f msgs/s\n", d, total, el.Round(time.Second), float64(d)/el.Seconds())
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return 0, err
		}
	}
	return total, nil
}

// benchSenders are the correspondents: Korean and English names at a mix of
// company and mail-provider domains.
var benchSenders = func() []store.Address {
	koFamily := []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "전"}
	koFamilyRom := []string{"kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "ryu", "jeon"}
	koGiven := []string{"민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지민", "현우", "서윤", "주원", "채원", "건우", "유진", "우진", "다은", "시우", "소율", "준서", "지아"}
	koGivenRom := []string{"minjun", "seoyeon", "jihoon", "haeun", "doyoon", "subin", "yejun", "jimin", "hyunwoo", "seoyun", "juwon", "chaewon", "gunwoo", "yujin", "woojin", "daeun", "siwoo", "soyul", "junseo", "jia"}
	koDomains := []string{"hanbit.co.kr", "daehan-trading.co.kr", "naver.com", "kakao.com", "samil-accounting.kr", "seoul-steel.co.kr", "gmail.com", "hanmail.net"}
	enFirst := []string{"James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emily", "Daniel", "Olivia", "Thomas", "Grace", "Kevin", "Laura", "Brian"}
	enLast := []string{"Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Moore", "Clark", "Walker", "Young"}
	enDomains := []string{"acme-logistics.com", "northwind.example", "contoso.com", "globex.io", "gmail.com", "outlook.com", "initech.net"}
	var out []store.Address
	for k := 0; len(out) < 300; k++ {
		if k%2 == 0 {
			f, g := (k*7)%len(koFamily), (k*3+k/20)%len(koGiven)
			out = append(out, store.Address{Name: koFamily[f] + koGiven[g],
				Addr: fmt.Sprintf("%s.%s@%s", koGivenRom[g], koFamilyRom[f], koDomains[(k/2)%len(koDomains)])})
		} else {
			f, l := (k*5)%len(enFirst), (k*11+k/15)%len(enLast)
			out = append(out, store.Address{Name: enFirst[f] + " " + enLast[l],
				Addr: fmt.Sprintf("%s.%s@%s", strings.ToLower(enFirst[f]), strings.ToLower(enLast[l]), enDomains[(k/2)%len(enDomains)])})
		}
	}
	return out
}()

var (
	benchProjects = []string{"Atlas", "Borealis", "Phoenix", "Nimbus", "한강", "새벽", "누리", "Orion", "바다", "Summit"}
	benchMonthsEn = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

	benchSubjectsEn = []string{
		"Invoice {order} for {month}", "Quarterly report draft", "Meeting notes: {project} sync", "Delivery schedule update for order {order}",
		"Contract renewal - {project}", "Your {month} statement is ready", "Reminder: {project} deadline on {month} {n}", "Weekly newsletter #{n}",
		"Shipment {order} has been delivered", "Request for quotation: {project}", "Budget approval needed", "Lunch on Friday?",
		"Design review feedback", "Server maintenance window {month} {n}", "Welcome to the team!", "Action required: update your password",
		"Purchase order {order} confirmed", "Travel itinerary for {month}", "Minutes from the board meeting", "Proposal for {project} partnership",
	}
	benchSubjectsKo = []string{
		"{month} 견적서 송부드립니다", "[공지] {project} 사내 교육 일정 안내", "회의록 공유 ({project})", "계약서 검토 요청드립니다",
		"납품 일정 변경 안내", "{project} 프로젝트 진행 현황 보고", "출장 결과 보고서", "결재 요청: {order} 구매 건",
		"세금계산서 발행 안내", "[긴급] 서버 점검 공지", "신입사원 환영합니다", "{project} 주간 업무 보고",
		"견적 문의드립니다", "회식 장소 투표해주세요", "제품 사양서 전달드립니다", "거래처 미팅 일정 조율",
		"연말 정산 서류 제출 안내", "보안 교육 이수 안내", "배송 지연 사과 말씀 드립니다", "신규 거래 제안서 ({project})",
	}
	benchSentencesEn = []string{
		"Please find attached the invoice {order} for the services rendered in {month}.",
		"Could you confirm the delivery date for order {order}?",
		"The shipment left our warehouse this morning and should be delivered within {n} days.",
		"I reviewed the draft and left a few comments on the second section.",
		"Let's schedule a call next week to go over the {project} budget.",
		"The quarterly numbers look better than expected, especially in the Asia region.",
		"We need your approval before we can issue the purchase order.",
		"Attached is the updated contract with the changes we discussed.",
		"Our team will be out of office on {month} {n} for the holiday.",
		"The payment of the outstanding invoice is now {n} days overdue.",
		"Thanks for the quick turnaround on the {project} proposal.",
		"The server maintenance is planned for Saturday night between 2 and 4 am.",
		"Please update the deliverables list before the review meeting.",
		"I have forwarded your request to the accounting department.",
		"Can we move the meeting to Thursday afternoon?",
		"The new pricing takes effect from {month} 1st.",
		"Let me know if you have any questions about the quotation.",
		"We are happy to extend the warranty for another {n} months.",
		"The customer reported an issue with the latest firmware update.",
		"Here is the summary of the action items from today's sync.",
		"Our records show that invoice {order} remains unpaid.",
		"The delivery was delayed because of customs inspection.",
		"Please sign and return the attached agreement by the end of the week.",
		"The {project} launch is on track for {month}.",
		"I'd appreciate it if you could share the latest sales forecast.",
	}
	benchSentencesKo = []string{
		"{month}분 견적서를 첨부하여 보내드립니다.",
		"주문 번호 {order}의 납품 일정을 확인 부탁드립니다.",
		"오늘 오전에 출고되었으며 {n}일 이내에 도착할 예정입니다.",
		"초안을 검토하였고 두 번째 항목에 의견을 남겼습니다.",
		"다음 주에 {project} 예산 관련하여 회의를 잡았으면 합니다.",
		"이번 분기 실적이 예상보다 좋게 나왔습니다.",
		"구매 발주 전에 팀장님 결재가 필요합니다.",
		"말씀하신 내용을 반영한 계약서를 첨부합니다.",
		"연휴 기간에는 사무실이 휴무입니다.",
		"세금계산서 {order} 건의 입금이 아직 확인되지 않았습니다.",
		"{project} 제안서를 빠르게 검토해 주셔서 감사합니다.",
		"토요일 새벽 2시부터 4시까지 서버 점검이 예정되어 있습니다.",
		"검토 회의 전까지 산출물 목록을 업데이트해 주세요.",
		"요청하신 사항은 회계팀에 전달하였습니다.",
		"회의를 목요일 오후로 옮길 수 있을까요?",
		"새로운 단가는 다음 달 1일부터 적용됩니다.",
		"견적 관련하여 궁금하신 점이 있으시면 연락 주십시오.",
		"보증 기간을 {n}개월 연장해 드리겠습니다.",
		"고객사에서 최신 펌웨어 업데이트 관련 문제를 제기하였습니다.",
		"오늘 회의에서 나온 후속 조치 사항을 정리하였습니다.",
		"통관 검사로 인해 배송이 지연되었습니다.",
		"첨부한 계약서에 서명하신 후 이번 주까지 회신 부탁드립니다.",
		"{project} 출시는 예정대로 진행되고 있습니다.",
		"최근 매출 전망 자료를 공유해 주시면 감사하겠습니다.",
		"출장 일정은 첨부한 파일을 참고해 주세요.",
	}
	benchAttachments = []struct{ name, ctype string }{
		{"견적서_%d.pdf", "application/pdf"}, {"invoice-%d.pdf", "application/pdf"}, {"회의록_%d.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"photo_%d.jpg", "image/jpeg"}, {"report-Q%d.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"계약서_%d.hwp", "application/x-hwp"},
	}
)

var benchKST = time.FixedZone("KST", 9*60*60)

// benchStart and benchSpan are the five years the dates spread over.
var (
	benchStart = time.Date(2021, 1, 4, 9, 0, 0, 0, benchKST)
	benchSpan  = 5 * 365 * 24 * time.Hour
)

// benchMessage makes message i of a folder: its bytes, its flags and its
// date (also the internal date). The same arguments give the same message.
func benchMessage(a benchAccount, f benchFolder, i int) ([]byte, []string, time.Time) {
	fs := sha256.Sum256([]byte(f.name))
	r := rand.New(rand.NewPCG(a.seed^binary.LittleEndian.Uint64(fs[:8]), uint64(i)))
	zipf := rand.NewZipf(r, 1.07, 2, uint64(len(benchSenders)-1))

	step := benchSpan / time.Duration(max(f.count, 1))
	date := benchStart.Add(step*time.Duration(i) + time.Duration(r.Int64N(int64(step)+1))).Truncate(time.Second)
	owner := store.Address{Name: a.name, Addr: a.local + "@" + benchDomain}
	from, to := benchSenders[zipf.Uint64()], owner
	if f.sent {
		from, to = owner, benchSenders[zipf.Uint64()]
	}
	ko := r.IntN(100) < 55
	eucKR := ko && r.IntN(8) == 0
	order := fmt.Sprintf("PO-%05d", r.IntN(100000))
	month := r.IntN(12)
	project := benchProjects[r.IntN(len(benchProjects))]
	num := 1 + r.IntN(30)
	monthName := benchMonthsEn[month]
	if ko {
		monthName = fmt.Sprintf("%d월", month+1)
	}
	fill := strings.NewReplacer("{order}", order, "{month}", monthName, "{project}", project, "{n}", strconv.Itoa(num)).Replace
	subjects, sentences := benchSubjectsEn, benchSentencesEn
	if ko {
		subjects, sentences = benchSubjectsKo, benchSentencesKo
	}
	subject := fill(subjects[r.IntN(len(subjects))])
	reply := i > 10 && r.IntN(100) < 20
	var inReplyTo string
	if reply {
		subject = "Re: " + subject
		inReplyTo = benchMessageID(a, f, i-1-r.IntN(min(i-1, 200)))
	}

	// Body text: greeting, two to eight sentences (one in twenty is long),
	// sign-off, and for a reply a quoted earlier message.
	var text strings.Builder
	if ko {
		fmt.Fprintf(&text, "%s님 안녕하세요.\r\n\r\n", to.Name)
	} else {
		fmt.Fprintf(&text, "Hi %s,\r\n\r\n", strings.Fields(to.Name + " there")[0])
	}
	nSent := 2 + r.IntN(7)
	if r.IntN(20) == 0 {
		nSent = 30 + r.IntN(30)
	}
	for s := 0; s < nSent; s++ {
		text.WriteString(fill(sentences[r.IntN(len(sentences))]))
		if s%3 == 2 {
			text.WriteString("\r\n\r\n")
		} else {
			text.WriteString(" ")
		}
	}
	if ko {
		fmt.Fprintf(&text, "\r\n\r\n감사합니다.\r\n%s 드림\r\n", from.Name)
	} else {
		fmt.Fprintf(&text, "\r\n\r\nBest regards,\r\n%s\r\n", from.Name)
	}
	if reply {
		fmt.Fprintf(&text, "\r\n> %s\r\n> %s\r\n", fill(sentences[r.IntN(len(sentences))]), fill(sentences[r.IntN(len(sentences))]))
	}

	charset := "utf-8"
	body := []byte(text.String())
	if eucKR {
		charset = "euc-kr"
		if b, err := korean.EUCKR.NewEncoder().Bytes(body); err == nil {
			body = b
		} else {
			charset, eucKR = "utf-8", false
		}
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "Return-Path: <%s>\r\n", from.Addr)
	fmt.Fprintf(&msg, "Received: from mx.%s (mx.%s [203.0.113.%d])\r\n\tby mail.%s with ESMTPS id %08x\r\n\tfor <%s>; %s\r\n",
		domainOf(from.Addr), domainOf(from.Addr), 1+r.IntN(254), benchDomain, r.Uint32(), to.Addr, date.Add(time.Duration(r.IntN(90))*time.Second).Format(time.RFC1123Z))
	fmt.Fprintf(&msg, "From: %s\r\n", benchAddress(from, charset))
	fmt.Fprintf(&msg, "To: %s\r\n", benchAddress(to, charset))
	if r.IntN(5) == 0 {
		fmt.Fprintf(&msg, "Cc: %s\r\n", benchAddress(benchSenders[zipf.Uint64()], charset))
	}
	fmt.Fprintf(&msg, "Subject: %s\r\n", benchWord(subject, charset))
	fmt.Fprintf(&msg, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&msg, "Message-ID: %s\r\n", benchMessageID(a, f, i))
	if reply {
		fmt.Fprintf(&msg, "In-Reply-To: %s\r\nReferences: %s\r\n", inReplyTo, inReplyTo)
	}
	msg.WriteString("MIME-Version: 1.0\r\n")

	textPart := func(w *bytes.Buffer, ctype string, b []byte) {
		switch {
		case eucKR || r.IntN(100) < 30:
			fmt.Fprintf(w, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s", ctype, charset, benchBase64(b))
		case r.IntN(100) < 20:
			var qp bytes.Buffer
			q := quotedprintable.NewWriter(&qp)
			q.Write(b)
			q.Close()
			fmt.Fprintf(w, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n", ctype, charset, qp.Bytes())
		default:
			fmt.Fprintf(w, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", ctype, charset, b)
		}
	}
	content := func(w *bytes.Buffer) {
		if r.IntN(100) >= 30 {
			textPart(w, "text/plain", body)
			return
		}
		html := "<html><body><p>" + strings.ReplaceAll(string(body), "\r\n\r\n", "</p><p>") + "</p></body></html>\r\n"
		if eucKR {
			if b, err := korean.EUCKR.NewEncoder().String(html); err == nil {
				html = b
			}
		}
		bound := fmt.Sprintf("alt-%016x", r.Uint64())
		fmt.Fprintf(w, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n--%s\r\n", bound, bound)
		textPart(w, "text/plain", body)
		fmt.Fprintf(w, "\r\n--%s\r\n", bound)
		textPart(w, "text/html", []byte(html))
		fmt.Fprintf(w, "\r\n--%s--\r\n", bound)
	}
	if r.IntN(100) < 12 {
		att := benchAttachments[r.IntN(len(benchAttachments))]
		name := fmt.Sprintf(att.name, r.IntN(10000))
		data := make([]byte, 200+r.IntN(1800))
		for k := range data {
			data[k] = byte(r.Uint32())
		}
		bound := fmt.Sprintf("mix-%016x", r.Uint64())
		fmt.Fprintf(&msg, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n--%s\r\n", bound, bound)
		content(&msg)
		fmt.Fprintf(&msg, "\r\n--%s\r\nContent-Type: %s\r\nContent-Disposition: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--%s--\r\n",
			bound, att.ctype, mime.FormatMediaType("attachment", map[string]string{"filename": name}), benchBase64(data), bound)
	} else {
		content(&msg)
	}

	var flags []string
	switch {
	case f.sent || f.name != "INBOX":
		flags = append(flags, store.FlagSeen)
	case i >= f.count-f.count/50:
		if r.IntN(2) == 0 {
			flags = append(flags, store.FlagSeen)
		}
	case r.IntN(100) != 0:
		flags = append(flags, store.FlagSeen)
	}
	if r.IntN(50) == 0 {
		flags = append(flags, store.FlagFlagged)
	}
	if len(flags) > 0 && flags[0] == store.FlagSeen && r.IntN(7) == 0 {
		flags = append(flags, store.FlagAnswered)
	}
	return msg.Bytes(), flags, date
}

func benchMessageID(a benchAccount, f benchFolder, i int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d", a.local, f.name, i))
	return fmt.Sprintf("<%x.%d@gen.%s>", sum[:6], i, benchDomain)
}

func domainOf(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }

// benchWord encodes a header text as an RFC 2047 encoded word when it is
// not ASCII, in charset.
func benchWord(s, charset string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	if charset == "euc-kr" {
		if b, err := korean.EUCKR.NewEncoder().String(s); err == nil {
			return "=?euc-kr?B?" + base64.StdEncoding.EncodeToString([]byte(b)) + "?="
		}
	}
	return mime.BEncoding.Encode("UTF-8", s)
}

func benchAddress(a store.Address, charset string) string {
	if a.Name == "" {
		return "<" + a.Addr + ">"
	}
	name := benchWord(a.Name, charset)
	if name == a.Name && strings.ContainsAny(name, `(),.:;<>@[]"`) {
		name = `"` + name + `"`
	}
	return name + " <" + a.Addr + ">"
}

// benchBase64 is b in base64, in lines of 76 characters.
func benchBase64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.String()
}
