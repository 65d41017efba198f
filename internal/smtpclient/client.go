// Package smtpclient delivers outbound mail to the internet: MX lookup
// with fallback to the address records (RFC 5321 §5.1), null MX (RFC 7505),
// opportunistic STARTTLS (RFC 3207), an optional smart host, connection
// reuse for several messages to one domain, per-domain concurrency, and the
// SMTPUTF8 rule that a UTF-8 message cannot go to a server without it
// (RFC 6531 §3.2). It reports per-recipient results; retrying and bouncing
// are the queue's business.
package smtpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"postroom/internal/resolver"
)

// Relay is a smart host all outbound mail goes through.
type Relay struct {
	Host     string // "name:port"
	Username string
	Password string
	TLS      string // "none", "starttls" or "tls"
}

// Client sends messages to receiving servers.
type Client struct {
	Resolver resolver.Resolver
	Hostname string // our EHLO name
	// Port is the receiving servers' port: 25 on the internet; tests point
	// it at their own servers.
	Port    string
	Relay   *Relay
	TLS     *tls.Config // base TLS settings (roots); nil for the system's
	Timeout time.Duration
	// PerDomain limits simultaneous connections to one destination.
	PerDomain int
	// IdleTime is how long an unused connection is kept for the next
	// message to the same domain.
	IdleTime time.Duration
	// STSFetch gets a domain's MTA-STS policy text (FetchSTSPolicy in real
	// runs); nil turns MTA-STS off.
	STSFetch func(ctx context.Context, domain string) (string, error)

	mu   sync.Mutex
	sems map[string]chan struct{}
	idle map[string][]*session
	sts  map[string]*stsPolicy
}

// Message is one message for recipients in one domain.
type Message struct {
	From       string
	Recipients []string
	Data       []byte
	UTF8       bool // needs SMTPUTF8
	EightBit   bool // has 8-bit content (BODY=8BITMIME)
}

// Result is the outcome for one recipient: Code 250 means delivered.
type Result struct {
	Recipient string
	Code      int
	Enhanced  string
	Text      string
	Permanent bool // give up: bounce
}

// OK reports whether the recipient's server accepted the message.
func (r Result) OK() bool { return r.Code/100 == 2 }

func (r Result) String() string {
	s := fmt.Sprintf("%d", r.Code)
	if r.Enhanced != "" {
		s += " " + r.Enhanced
	}
	return s + " " + r.Text
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 5 * time.Minute
}

// all gives every recipient the same outcome.
func all(m *Message, code int, enhanced, text string, perm bool) []Result {
	out := make([]Result, len(m.Recipients))
	for i, r := range m.Recipients {
		out[i] = Result{Recipient: r, Code: code, Enhanced: enhanced, Text: text, Permanent: perm}
	}
	return out
}

// Send delivers m to its recipients, all in domain.
func (c *Client) Send(ctx context.Context, domain string, m *Message) []Result {
	release := c.acquire(ctx, domain)
	if release == nil {
		return all(m, 451, "4.4.5", "shutting down", false)
	}
	defer release()
	hosts, err := c.route(ctx, domain)
	var enforce *stsPolicy
	if err == nil && (c.Relay == nil || c.Relay.Host == "") {
		if p := c.policy(ctx, domain); p != nil && p.mode == "enforce" {
			enforce = p
			hosts = slices.DeleteFunc(hosts, func(h host) bool { return !p.matches(h.name) })
			for i := range hosts {
				hosts[i].tls = "sts" // STARTTLS with a verified certificate, or nothing
			}
			if len(hosts) == 0 {
				return all(m, 451, "4.7.5", "no MX host of "+domain+" matches its MTA-STS policy", false)
			}
		}
	}
	if err != nil {
		var re *routeError
		if errors.As(err, &re) && re.permanent {
			return all(m, 550, "5.1.2", err.Error(), true)
		}
		return all(m, 451, "4.4.3", err.Error(), false)
	}
	var lastErr error
	for _, h := range hosts {
		s, err := c.connect(ctx, domain, h, enforce != nil)
		if err != nil {
			lastErr = err
			if permanent(err) {
				return all(m, 554, "5.4.7", fmt.Sprintf("%s refused: %v", h.name, err), true)
			}
			continue // next MX (RFC 5321 §5.1)
		}
		res, reusable := c.transact(s, m)
		if reusable {
			c.park(domain, s)
		} else {
			s.quit()
		}
		return res
	}
	return all(m, 451, "4.4.1", fmt.Sprintf("no mail server of %s answered: %v", domain, lastErr), false)
}

// transact runs one mail transaction; it reports whether the connection
// may carry another.
func (c *Client) transact(s *session, m *Message) ([]Result, bool) {
	if m.UTF8 && !s.has("SMTPUTF8") {
		return all(m, 553, "5.6.7", s.host+" does not support SMTPUTF8, needed for this message's addresses", true), true
	}
	params := ""
	if m.UTF8 {
		params += " SMTPUTF8"
	}
	data := m.Data
	if m.EightBit && s.has("8BITMIME") {
		params += " BODY=8BITMIME"
	} else if m.EightBit {
		var ok bool
		if data, ok = downgrade(m.Data); !ok {
			return all(m, 554, "5.6.3", s.host+" accepts only 7-bit mail and this message's header has 8-bit bytes", true), true
		}
	}
	if s.has("SIZE") {
		params += fmt.Sprintf(" SIZE=%d", len(data))
	}
	r, err := s.cmd("MAIL FROM:<%s>%s", m.From, params)
	if err != nil {
		return all(m, 451, "4.4.2", fmt.Sprintf("connection to %s lost: %v", s.host, err), false), false
	}
	if r.Code != 250 {
		s.cmd("RSET")
		return all(m, r.Code, r.Enhanced, r.Text, r.Code >= 500), true
	}
	results := make([]Result, len(m.Recipients))
	accepted := 0
	for i, rcpt := range m.Recipients {
		r, err := s.cmd("RCPT TO:<%s>", rcpt)
		if err != nil {
			return all(m, 451, "4.4.2", fmt.Sprintf("connection to %s lost: %v", s.host, err), false), false
		}
		results[i] = Result{Recipient: rcpt, Code: r.Code, Enhanced: r.Enhanced, Text: r.Text, Permanent: r.Code >= 500}
		if r.Code/100 == 2 {
			accepted++
		}
	}
	if accepted == 0 {
		s.cmd("RSET")
		return results, true
	}
	r, err = s.data(data)
	if err != nil {
		for i := range results {
			if results[i].OK() {
				results[i] = Result{Recipient: results[i].Recipient, Code: 451, Enhanced: "4.4.2",
					Text: fmt.Sprintf("connection to %s lost during DATA: %v", s.host, err)}
			}
		}
		return results, false
	}
	for i := range results {
		if results[i].OK() {
			results[i] = Result{Recipient: results[i].Recipient, Code: r.Code, Enhanced: r.Enhanced, Text: r.Text, Permanent: r.Code >= 500}
		}
	}
	return results, true
}

// host is one server to try.
type host struct {
	name string // for TLS and messages
	addr string // host:port to dial
	tls  string // "opportunistic", "starttls", "tls", "none"
}

type routeError struct {
	msg       string
	permanent bool
}

func (e *routeError) Error() string { return e.msg }

// route lists the servers for a domain in preference order.
func (c *Client) route(ctx context.Context, domain string) ([]host, error) {
	if c.Relay != nil && c.Relay.Host != "" {
		name, _, _ := net.SplitHostPort(c.Relay.Host)
		return []host{{name: name, addr: c.Relay.Host, tls: c.Relay.TLS}}, nil
	}
	port := c.Port
	if port == "" {
		port = "25"
	}
	mxs, err := c.Resolver.LookupMX(ctx, domain)
	if err != nil && !resolver.IsNotFound(err) {
		return nil, &routeError{msg: fmt.Sprintf("MX lookup for %s failed: %v", domain, err)}
	}
	if len(mxs) == 1 && strings.TrimSuffix(mxs[0].Host, ".") == "" {
		return nil, &routeError{msg: domain + " accepts no mail (null MX, RFC 7505)", permanent: true}
	}
	if len(mxs) == 0 {
		// No MX: the domain itself is the implicit MX (RFC 5321 §5.1).
		if _, err := c.Resolver.LookupIPAddr(ctx, domain); err != nil {
			if resolver.IsNotFound(err) {
				return nil, &routeError{msg: domain + " has no MX or address record", permanent: true}
			}
			return nil, &routeError{msg: fmt.Sprintf("address lookup for %s failed: %v", domain, err)}
		}
		mxs = []*net.MX{{Host: domain, Pref: 0}}
	}
	sort.SliceStable(mxs, func(i, j int) bool { return mxs[i].Pref < mxs[j].Pref })
	var hosts []host
	for _, mx := range mxs {
		name := strings.TrimSuffix(mx.Host, ".")
		ips, err := c.Resolver.LookupIPAddr(ctx, name)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			hosts = append(hosts, host{name: name, addr: net.JoinHostPort(ip.IP.String(), port), tls: "opportunistic"})
		}
	}
	if len(hosts) == 0 {
		return nil, &routeError{msg: "no address for any MX of " + domain}
	}
	return hosts, nil
}

// connect returns a ready session: an idle one for the domain, or a new
// connection greeted, upgraded to TLS where possible and logged in to a relay.
func (c *Client) connect(ctx context.Context, domain string, h host, verified bool) (*session, error) {
	if s := c.reuse(domain); s != nil && (!verified || s.tls) {
		return s, nil
	} else if s != nil {
		s.quit()
	}
	s, err := c.dial(ctx, h, h.tls != "none" && h.tls != "tls")
	if err != nil && h.tls == "opportunistic" && !permanent(err) && errors.Is(err, errTLS) {
		// Opportunistic TLS failed: plain text is better than no delivery
		// (RFC 3207 §4.1 leaves it to the client).
		s, err = c.dial(ctx, h, false)
	}
	if err != nil {
		return nil, err
	}
	if c.Relay != nil && c.Relay.Username != "" {
		if err := s.authPlain(c.Relay.Username, c.Relay.Password); err != nil {
			s.quit()
			return nil, fmt.Errorf("relay login: %w", err)
		}
	}
	return s, nil
}

var errTLS = errors.New("tls")

func (c *Client) dial(ctx context.Context, h host, tryTLS bool) (*session, error) {
	d := net.Dialer{Timeout: time.Minute}
	conn, err := d.DialContext(ctx, "tcp", h.addr)
	if err != nil {
		return nil, err
	}
	cfg := c.tlsConfig(h.name, h.tls == "sts")
	if h.tls == "tls" {
		tc := tls.Client(conn, cfg)
		tc.SetDeadline(time.Now().Add(time.Minute))
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%w: %v", errTLS, err)
		}
		conn = tc
	}
	s := newSession(conn, h.name, c.timeout())
	s.tls = h.tls == "tls"
	if err := s.greet(c.Hostname); err != nil {
		conn.Close()
		return nil, err
	}
	if tryTLS && s.has("STARTTLS") {
		if err := s.startTLS(cfg, c.Hostname); err != nil {
			s.conn.Close()
			return nil, fmt.Errorf("%w: %v", errTLS, err)
		}
	} else if h.tls == "starttls" || h.tls == "sts" {
		s.quit()
		return nil, fmt.Errorf("%s does not offer STARTTLS, which the relay setting or the domain's MTA-STS policy requires", h.name)
	}
	return s, nil
}

// tlsConfig: certificates of MX hosts are rarely valid for their names, so
// opportunistic TLS does not verify them (RFC 7672 §1.3); MTA-STS or DANE
// would require verification.
func (c *Client) tlsConfig(serverName string, verify bool) *tls.Config {
	cfg := &tls.Config{}
	if c.TLS != nil {
		cfg = c.TLS.Clone()
	}
	cfg.ServerName = serverName
	if c.Relay == nil && !verify {
		cfg.InsecureSkipVerify = true
	}
	cfg.MinVersion = tls.VersionTLS12
	return cfg
}

func (c *Client) acquire(ctx context.Context, domain string) func() {
	n := c.PerDomain
	if n <= 0 {
		n = 5
	}
	c.mu.Lock()
	if c.sems == nil {
		c.sems = map[string]chan struct{}{}
	}
	sem := c.sems[domain]
	if sem == nil {
		sem = make(chan struct{}, n)
		c.sems[domain] = sem
	}
	c.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }
	case <-ctx.Done():
		return nil
	}
}

func (c *Client) park(domain string, s *session) {
	if _, err := s.cmd("RSET"); err != nil {
		s.conn.Close()
		return
	}
	s.lastUsed = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle == nil {
		c.idle = map[string][]*session{}
	}
	c.idle[domain] = append(c.idle[domain], s)
}

func (c *Client) reuse(domain string) *session {
	idle := c.IdleTime
	if idle <= 0 {
		idle = 30 * time.Second
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.idle[domain]) > 0 {
		list := c.idle[domain]
		s := list[len(list)-1]
		c.idle[domain] = list[:len(list)-1]
		if time.Since(s.lastUsed) < idle {
			return s
		}
		go s.quit()
	}
	return nil
}

// Close ends every idle connection.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for d, list := range c.idle {
		for _, s := range list {
			s.quit()
		}
		delete(c.idle, d)
	}
}
