package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
)

// web is the webmail's load on Postroom's own API (docs/api.md): each of
// Concurrency users logs in (POST /api/v1/session), lists the folders,
// then until Duration ends (or Repeat times) opens the Inbox's first page
// of 50 and reads one of its messages, as a person going through mail
// does.
func (r *runner) web(ctx context.Context) error {
	scheme := "http"
	if r.o.TLS {
		scheme = "https"
	}
	base := scheme + "://" + r.addr()
	transport := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			// TLS is the transport's to do; our dial only sets the socket options.
			o := *r
			o.o.TLS = false
			return o.dial(ctx)
		},
		TLSClientConfig:     r.tlsConfig(),
		MaxIdleConnsPerHost: r.o.Concurrency,
	}
	defer transport.CloseIdleConnections()
	r.workers(ctx, func(ctx context.Context, _ int) {
		jar, _ := cookiejar.New(nil)
		u := &webUser{client: &http.Client{Transport: transport, Jar: jar, Timeout: opTimeout}, base: base}
		if r.rec.time("login", 0, func() error { return u.login(ctx, r.o.User, r.o.Password) }) != nil {
			return
		}
		var inbox int64
		if r.rec.time("mailboxes", 0, func() error { var err error; inbox, err = u.inbox(ctx); return err }) != nil {
			return
		}
		for n := 0; ctx.Err() == nil && (r.o.Repeat == 0 || n < r.o.Repeat); n++ {
			var ids []int64
			err := r.rec.timeCtx(ctx, "list", 0, func() error {
				var err error
				ids, err = u.list(ctx, inbox)
				return err
			})
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				continue
			}
			if len(ids) > 0 {
				id := ids[len(ids)/2]
				r.rec.timeCtx(ctx, "message", 0, func() error { return u.get(ctx, "/api/v1/messages/"+strconv.FormatInt(id, 10), nil) })
			}
		}
	})
	return nil
}

type webUser struct {
	client *http.Client
	base   string
}

func (u *webUser) login(ctx context.Context, user, password string) error {
	body, _ := json.Marshal(map[string]string{"email": user, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", u.base+"/api/v1/session", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return u.do(req, nil)
}

func (u *webUser) inbox(ctx context.Context) (int64, error) {
	var v struct {
		Mailboxes []struct {
			ID   int64  `json:"id"`
			Role string `json:"role"`
		} `json:"mailboxes"`
	}
	if err := u.get(ctx, "/api/v1/mailboxes", &v); err != nil {
		return 0, err
	}
	for _, m := range v.Mailboxes {
		if m.Role == "inbox" {
			return m.ID, nil
		}
	}
	return 0, fmt.Errorf("no inbox among %d folders", len(v.Mailboxes))
}

func (u *webUser) list(ctx context.Context, mailbox int64) ([]int64, error) {
	var v struct {
		Messages []struct {
			ID int64 `json:"id"`
		} `json:"messages"`
	}
	if err := u.get(ctx, fmt.Sprintf("/api/v1/mailboxes/%d/messages?per_page=50", mailbox), &v); err != nil {
		return nil, err
	}
	ids := make([]int64, len(v.Messages))
	for i, m := range v.Messages {
		ids[i] = m.ID
	}
	return ids, nil
}

func (u *webUser) get(ctx context.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u.base+path, nil)
	if err != nil {
		return err
	}
	return u.do(req, into)
}

// do sends req and decodes a 2xx answer into into (when not nil); another
// status is an error with the answer's beginning.
func (u *webUser) do(req *http.Request, into any) error {
	resp, err := u.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s %.200s", req.Method, req.URL.Path, resp.Status, body)
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(body, into)
}
