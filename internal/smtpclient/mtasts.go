package smtpclient

// MTA-STS (RFC 8461): a domain that publishes a policy in "enforce" mode
// gets its mail only over TLS with a certificate valid for an MX host the
// policy names; otherwise delivery is deferred, never sent in plain text.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"postroom/internal/resolver"
)

// stsPolicy is a parsed policy (RFC 8461 §3.2).
type stsPolicy struct {
	id      string
	mode    string // "enforce", "testing" or "none"
	mx      []string
	expires time.Time
}

// matches reports whether an MX host name is allowed: exact, or "*." plus
// one more label (RFC 8461 §4.1).
func (p *stsPolicy) matches(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, pat := range p.mx {
		pat = strings.ToLower(pat)
		if suffix, ok := strings.CutPrefix(pat, "*."); ok {
			if label, rest, found := strings.Cut(host, "."); found && label != "" && rest == suffix {
				return true
			}
		} else if host == pat {
			return true
		}
	}
	return false
}

func parsePolicy(body string, now time.Time) (*stsPolicy, error) {
	p := &stsPolicy{}
	var maxAge int64 = -1
	sc := bufio.NewScanner(strings.NewReader(body))
	version := ""
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "version":
			version = v
		case "mode":
			p.mode = v
		case "mx":
			p.mx = append(p.mx, v)
		case "max_age":
			maxAge, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if version != "STSv1" || (p.mode != "enforce" && p.mode != "testing" && p.mode != "none") || maxAge < 0 {
		return nil, errors.New("malformed MTA-STS policy")
	}
	if p.mode != "none" && len(p.mx) == 0 {
		return nil, errors.New("MTA-STS policy names no mx")
	}
	p.expires = now.Add(time.Duration(min(maxAge, 31557600)) * time.Second)
	return p, nil
}

// stsID returns the policy id the domain's TXT record announces, "" when
// it publishes none (RFC 8461 §3.1).
func stsID(ctx context.Context, r resolver.Resolver, domain string) (string, error) {
	txts, err := r.LookupTXT(ctx, "_mta-sts."+domain)
	if resolver.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, t := range txts {
		if !strings.HasPrefix(t, "v=STSv1") {
			continue
		}
		for _, f := range strings.Split(t, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok && k == "id" {
				return v, nil
			}
		}
	}
	return "", nil
}

// FetchSTSPolicy gets https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a
// verified certificate and no redirects (RFC 8461 §3.3).
func FetchSTSPolicy(ctx context.Context, domain string) (string, error) {
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://mta-sts."+domain+"/.well-known/mta-sts.txt", nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("MTA-STS policy of %s: HTTP %d", domain, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return string(b), err
}

// policy returns the domain's MTA-STS policy, from the cache while it is
// valid and its id unchanged, nil when the domain has none.
func (c *Client) policy(ctx context.Context, domain string) *stsPolicy {
	if c.STSFetch == nil {
		return nil
	}
	now := time.Now()
	c.mu.Lock()
	cached := c.sts[domain]
	c.mu.Unlock()
	id, err := stsID(ctx, c.Resolver, domain)
	if err != nil || id == "" || (cached != nil && cached.id == id) {
		// No answer or no record: a cached policy still applies until it
		// expires (RFC 8461 §5.1).
		if cached != nil && now.Before(cached.expires) {
			return cached
		}
		if id == "" {
			return nil
		}
	}
	body, err := c.STSFetch(ctx, domain)
	if err != nil {
		if cached != nil && now.Before(cached.expires) {
			return cached
		}
		return nil // no policy could be had: deliver as without one
	}
	p, err := parsePolicy(body, now)
	if err != nil {
		return nil
	}
	p.id = id
	c.mu.Lock()
	if c.sts == nil {
		c.sts = map[string]*stsPolicy{}
	}
	c.sts[domain] = p
	c.mu.Unlock()
	return p
}
