package interop

// Memory under an authenticated attack through the web (issue 13, item 9):
// the peak resident memory (vmHWM, memory_test.go) of a `serve` child
// while a logged-in client posts large JSON drafts. It used to grow with
// what the client chose to send: a 28 MB draft +579 MiB, six 45 MB drafts
// at once +4,264 MiB.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// draftBody is the JSON of a draft whose HTML (Korean paragraphs) makes
// the body about size bytes.
func draftBody(to string, size int) []byte {
	para := "<p>" + strings.Repeat("안녕하세요 견적서를 보내드립니다 <b>검토</b> 부탁드립니다. ", 4) + "</p>"
	var html strings.Builder
	for html.Len()+len(para) < size-200 {
		html.WriteString(para)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as a browser's JSON.stringify
	enc.Encode(map[string]any{"to": []string{to}, "subject": "대용량 견적서", "html": html.String()})
	return b.Bytes()
}

// postDrafts posts body as a draft n times at once and returns the
// statuses (0 for a connection the server closed before answering).
func (c *webClient) postDrafts(n int, body []byte) []int {
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", c.base+"/api/v1/drafts", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", c.csrf)
			resp, err := c.http.Do(req)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	return codes
}

// Six simultaneous 45 MB drafts and a 28 MB one are refused before they
// are read (413: max_json_size, 2 MiB, is far below max_message_size), and
// six at once at that limit are saved, built two at a time: the peak
// grows by a bounded amount, not with what the client sends.
func TestMemory_largeDraftsThroughTheWeb(t *testing.T) {
	s := newServer(t, serverOptions{listen: []string{"smtp", "http"}})
	user := uniqueAddr("drafts")
	s.AddUser(t, user)
	web := webLogin(t, "http://"+s.Addr(t, "http"), user)
	if codes := web.postDrafts(1, draftBody(user, 64<<10)); codes[0] != 201 {
		t.Fatalf("a small draft: %d", codes[0])
	}
	mib := func(b int64) int64 { return b >> 20 }
	start := vmHWM(t, s.pid(t))
	peak := start
	grew := func(what string, codes []int) int64 {
		now := vmHWM(t, s.pid(t))
		t.Logf("%s: answers %v; peak RSS %d MiB (+%d MiB over this step, +%d MiB in all)", what, codes, mib(now), mib(now-peak), mib(now-start))
		peak = now
		return now - start
	}

	big := draftBody(user, 45<<20)
	codes := web.postDrafts(6, big)
	grew(fmt.Sprintf("six %d MB drafts at once", len(big)/1e6), codes)
	for _, c := range codes {
		if c != 413 && c != 0 {
			t.Errorf("a %d MB draft: %d, want 413", len(big)/1e6, c)
		}
	}
	mid := draftBody(user, 28<<20)
	codes = web.postDrafts(1, mid)
	grew(fmt.Sprintf("one %d MB draft", len(mid)/1e6), codes)
	if codes[0] != 413 && codes[0] != 0 {
		t.Errorf("a %d MB draft: %d, want 413", len(mid)/1e6, codes[0])
	}
	atLimit := draftBody(user, 2<<20-4<<10)
	codes = web.postDrafts(6, atLimit)
	total := grew(fmt.Sprintf("six %.1f MB drafts at once (max_json_size)", float64(len(atLimit))/1e6), codes)
	for _, c := range codes {
		if c != 201 {
			t.Errorf("a draft at the limit: %d, want 201", c)
		}
	}
	if saved := len(s.Messages(t, user, "Drafts")); saved != 7 {
		t.Errorf("%d drafts saved, want 7 (the small one and the six at the limit)", saved)
	}
	// about 20 times a body while it is built, two max_json_size bodies at
	// once (compose_gate.go), and garbage not yet collected
	if limit := int64(200 << 20); total > limit {
		t.Errorf("the drafts raised the peak by %d MiB, more than %d MiB", mib(total), mib(limit))
	}
}
