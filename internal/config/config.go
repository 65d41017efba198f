// Package config owns Postroom's configuration file (TOML) and its
// defaults. Every default is stated once, in Default; zero config works:
// loopback high ports, a data directory, a self-signed certificate.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// FileName is the config file's name inside the data directory.
const FileName = "postroom.toml"

// Config is the whole configuration.
type Config struct {
	// Hostname is the server's name in greetings, Received headers and the
	// self-signed certificate.
	Hostname string `toml:"hostname"`
	// DataDir holds the database, blobs and generated keys.
	DataDir string `toml:"data_dir"`
	// AllowPlaintextAuth allows password logins without TLS from any
	// address; loopback connections may always authenticate.
	AllowPlaintextAuth bool `toml:"allow_plaintext_auth"`
	// MaxMessageSize is the largest message accepted, in bytes.
	MaxMessageSize int64 `toml:"max_message_size"`
	// MaxRecipients is the most recipients of one SMTP transaction.
	MaxRecipients int `toml:"max_recipients"`
	// AllowInternalRecipients lets users send to address literals
	// ([192.0.2.1]) and names that are not on the internet (localhost, a
	// single label, .local, .internal ...): for a site whose smart host
	// knows its own names. Off, they are refused (550 5.1.2).
	AllowInternalRecipients bool `toml:"allow_internal_recipients"`
	// MaxConnectionsPerIP limits simultaneous SMTP, IMAP and POP3
	// connections per remote address and listener (HTTP.MaxConnectionsPerIP
	// the web's).
	MaxConnectionsPerIP int `toml:"max_connections_per_ip"`
	// QueueLifetime is how long outbound mail is retried before it bounces.
	QueueLifetime Duration `toml:"queue_lifetime"`
	// QueueLease is how long a node's claim on outbound mail holds: when
	// a node dies, another sends what it was sending after this long. It
	// must exceed the longest SMTP transaction.
	QueueLease Duration `toml:"queue_lease"`
	// UndoSend is how long a message sent from the webmail waits before it
	// goes, so that the user can undo it (S2-4); 0 sends at once.
	UndoSend Duration `toml:"undo_send"`
	// DNSServer is the DNS server ("host:port") for MX lookups and the
	// inbound SPF/DKIM/DMARC checks; empty uses the system's resolver.
	DNSServer string `toml:"dns_server"`
	// MaxConnectionsPerUser limits simultaneous IMAP sessions per account.
	MaxConnectionsPerUser int `toml:"max_connections_per_user"`
	// LogFormat is how `serve` writes its log on stderr: "text" (slog's
	// key=value lines) or "json" (one object a line, for log collectors).
	LogFormat string `toml:"log_format"`
	Listen    Listen `toml:"listen"`
	TLS       TLS    `toml:"tls"`
	Relay     Relay  `toml:"relay"`
	HTTP      HTTP   `toml:"http"`
	Limits    Limits `toml:"limits"`
	Spam      Spam   `toml:"spam"`
	Store     Store  `toml:"store"`
	Blob      Blob   `toml:"blob"`
}

// Spam is the spam filter's server-wide options (issue 18).
type Spam struct {
	// DNSBL are DNS block list zones asked about the connecting IP of
	// mail from the internet (RFC 5782; e.g. "zen.spamhaus.org"); empty,
	// the default: none is asked. A listing adds points to the verdict
	// (internal/spam/score.go), never spam alone.
	DNSBL []string `toml:"dnsbl"`
	// DNSBLTimeout bounds the lists' answers for one message.
	DNSBLTimeout Duration `toml:"dnsbl_timeout"`
}

// Limits are the users' sending limits (issue 19); an operator overrides
// them per domain (`postroom domain set --messages-per-hour`).
type Limits struct {
	// MessagesPerHour is how many messages one user may send in any hour
	// (SMTP submission and the webmail together); 0 = no limit.
	MessagesPerHour int `toml:"messages_per_hour"`
}

// HTTP bounds what one web client may take of the server (issue 13): how
// long it may take to send a request, how many connections it may hold,
// how large a JSON body may be.
type HTTP struct {
	// HeaderTimeout: the request line and header fields must arrive
	// within it (a client that trickles them is cut off).
	HeaderTimeout Duration `toml:"header_timeout"`
	// ReadTimeout: a whole request, body included, must arrive within it
	// (uploads are the largest); not the event stream, which has no body.
	ReadTimeout Duration `toml:"read_timeout"`
	// IdleTimeout: a keep-alive connection without a request is closed
	// after it.
	IdleTimeout Duration `toml:"idle_timeout"`
	// MaxConnectionsPerIP limits simultaneous HTTP and HTTPS connections
	// per remote address, each listener apart. It is higher than the
	// other protocols' limit: an office behind one address opens a few
	// per browser. A connection waiting for a request gives way to a new
	// one beyond it.
	MaxConnectionsPerIP int `toml:"max_connections_per_ip"`
	// MaxEventStreamsPerUser limits the event streams (one per open
	// webmail tab) an account holds at once on a server.
	MaxEventStreamsPerUser int `toml:"max_event_streams_per_user"`
	// MaxJSONSize is the largest JSON request body, in bytes (and never
	// more than MaxMessageSize): a message being written with its HTML;
	// files and pictures go as uploads. Bodies weighing twice it are built
	// at once (about 20 times their size in memory), the others wait.
	MaxJSONSize int64 `toml:"max_json_size"`
	// MetricsToken, when set, is the bearer token GET /metrics asks for;
	// when empty /metrics answers only clients on this machine that no
	// proxy forwarded (Prometheus beside the server).
	MetricsToken string `toml:"metrics_token"`
	// LoginLinkLife is how long a one-time login link of the integration
	// API lives (M14): at most 2 minutes, the most the API promises.
	LoginLinkLife Duration `toml:"login_link_life"`
}

// Relay is an optional smart host: when Host is set, all outbound mail goes
// through it instead of to the recipients' MX servers.
type Relay struct {
	Host     string `toml:"host"` // "name:port"
	Username string `toml:"username"`
	Password string `toml:"password"`
	TLS      string `toml:"tls"` // "none", "starttls" or "tls"
}

// Listen holds the listening addresses; an empty string turns one off.
type Listen struct {
	SMTP        string `toml:"smtp"`        // MX (port 25 role)
	Submission  string `toml:"submission"`  // STARTTLS submission (587 role)
	Submissions string `toml:"submissions"` // implicit TLS submission (465 role)
	IMAP        string `toml:"imap"`
	IMAPS       string `toml:"imaps"`
	POP3        string `toml:"pop3"`
	POP3S       string `toml:"pop3s"`
	HTTP        string `toml:"http"`
	HTTPS       string `toml:"https"`
	// ProxyProtocol lists the load balancers (IP addresses or CIDR
	// prefixes) whose connections to every listener (SMTP, IMAP, POP3, web)
	// open with a PROXY protocol header naming the real client
	// (internal/proxyproto); empty, the default: no header is read.
	ProxyProtocol []string `toml:"proxy_protocol"`
}

// TLS names the certificate files; when both are empty a self-signed
// certificate for Hostname is generated in the data directory.
type TLS struct {
	// Cert and Key are PEM files, read again whenever they change (a
	// renewal by another tool needs no restart).
	Cert string `toml:"cert"`
	Key  string `toml:"key"`
	// ACME has certificates issued and renewed automatically (RFC 8555)
	// for the hostname and every hosted domain's mail. and autoconfig.
	// names, from ACMEDirectory (Let's Encrypt when empty), answering
	// HTTP-01 on the http listener and TLS-ALPN-01 on the TLS ones.
	ACME          bool   `toml:"acme"`
	ACMEDirectory string `toml:"acme_directory"`
	ACMEEmail     string `toml:"acme_email"`
	// ACMECA is a PEM file of the CA that the directory's own HTTPS
	// certificate chains to, for a private ACME server; empty: the
	// system's roots.
	ACMECA string `toml:"acme_ca"`
	// ACMERenewBefore: a certificate is renewed this long before it
	// expires (30 days when 0).
	ACMERenewBefore Duration `toml:"acme_renew_before"`
}

// Default returns the zero-config defaults for a data directory.
func Default(dataDir string) Config {
	return Config{
		Hostname:              "localhost",
		DataDir:               dataDir,
		MaxMessageSize:        50 << 20,
		MaxRecipients:         1000,
		MaxConnectionsPerIP:   50,
		Relay:                 Relay{TLS: "starttls"},
		QueueLifetime:         Duration(5 * 24 * time.Hour),
		QueueLease:            Duration(15 * time.Minute),
		UndoSend:              Duration(10 * time.Second),
		MaxConnectionsPerUser: 20,
		LogFormat:             "text",
		Store:                 Store{Driver: "sqlite"},
		Blob:                  Blob{Driver: "fs"},
		Limits:                Limits{MessagesPerHour: 500},
		Spam:                  Spam{DNSBL: []string{}, DNSBLTimeout: Duration(2 * time.Second)},
		HTTP: HTTP{
			HeaderTimeout:          Duration(20 * time.Second),
			ReadTimeout:            Duration(10 * time.Minute),
			IdleTimeout:            Duration(2 * time.Minute),
			MaxConnectionsPerIP:    200,
			MaxEventStreamsPerUser: 10,
			MaxJSONSize:            2 << 20,
			LoginLinkLife:          Duration(2 * time.Minute),
		},
		Listen: Listen{
			SMTP:        "127.0.0.1:2525",
			Submission:  "127.0.0.1:2587",
			Submissions: "127.0.0.1:2465",
			IMAP:        "127.0.0.1:2143",
			IMAPS:       "127.0.0.1:2993",
			POP3:        "127.0.0.1:2110",
			POP3S:       "127.0.0.1:2995",
			HTTP:        "127.0.0.1:8080",
		},
	}
}

// Load reads a config file over the defaults for dataDir. Keys the file does
// not set keep their defaults; unknown keys are an error, so a typo is not
// silently ignored. A relative data_dir is taken relative to the file.
func Load(path, dataDir string) (Config, error) {
	c := Default(dataDir)
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		var keys []string
		for _, k := range und {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		return c, fmt.Errorf("config %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	if c.DataDir == "" {
		c.DataDir = dataDir
	}
	if !filepath.IsAbs(c.DataDir) && md.IsDefined("data_dir") {
		c.DataDir = filepath.Join(filepath.Dir(path), c.DataDir)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Validate checks values that would fail later in a less clear way.
func (c Config) Validate() error {
	var errs []error
	if c.Hostname == "" {
		errs = append(errs, errors.New("hostname is empty"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir is empty"))
	}
	if c.MaxMessageSize <= 0 {
		errs = append(errs, errors.New("max_message_size must be positive"))
	}
	if c.MaxRecipients <= 0 {
		errs = append(errs, errors.New("max_recipients must be positive"))
	}
	if c.UndoSend < 0 || c.UndoSend > Duration(time.Hour) {
		errs = append(errs, fmt.Errorf("undo_send %s: between 0s and 1h", time.Duration(c.UndoSend)))
	}
	if c.QueueLease < Duration(time.Second) || c.QueueLease > Duration(24*time.Hour) {
		errs = append(errs, fmt.Errorf("queue_lease %s: between 1s and 24h (15m unless a test needs less)", time.Duration(c.QueueLease)))
	}
	if c.QueueLifetime < Duration(time.Minute) {
		errs = append(errs, fmt.Errorf("queue_lifetime %s: at least 1m", time.Duration(c.QueueLifetime)))
	}
	if c.DNSServer != "" {
		if _, _, err := net.SplitHostPort(c.DNSServer); err != nil {
			errs = append(errs, fmt.Errorf("dns_server %q: want host:port", c.DNSServer))
		}
	}
	if c.Relay.Host != "" {
		if _, _, err := net.SplitHostPort(c.Relay.Host); err != nil {
			errs = append(errs, fmt.Errorf("relay.host %q: want name:port", c.Relay.Host))
		}
		switch c.Relay.TLS {
		case "none", "starttls", "tls":
		default:
			errs = append(errs, fmt.Errorf("relay.tls %q: want none, starttls or tls", c.Relay.TLS))
		}
	}
	for _, d := range []struct {
		key string
		v   Duration
	}{{"header_timeout", c.HTTP.HeaderTimeout}, {"read_timeout", c.HTTP.ReadTimeout}, {"idle_timeout", c.HTTP.IdleTimeout}} {
		if d.v < Duration(time.Second) {
			errs = append(errs, fmt.Errorf("http.%s %s: at least 1s", d.key, time.Duration(d.v)))
		}
	}
	if c.HTTP.MaxConnectionsPerIP < 0 {
		errs = append(errs, errors.New("http.max_connections_per_ip: 0 (no limit) or more"))
	}
	if c.HTTP.MaxEventStreamsPerUser < 1 {
		errs = append(errs, errors.New("http.max_event_streams_per_user: at least 1"))
	}
	if c.HTTP.LoginLinkLife < Duration(10*time.Second) || c.HTTP.LoginLinkLife > Duration(2*time.Minute) {
		errs = append(errs, fmt.Errorf("http.login_link_life %s: 10s to 2m", time.Duration(c.HTTP.LoginLinkLife)))
	}
	if c.HTTP.MaxJSONSize < 64<<10 {
		errs = append(errs, fmt.Errorf("http.max_json_size %d: at least 65536", c.HTTP.MaxJSONSize))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log_format %q: want text or json", c.LogFormat))
	}
	if c.Limits.MessagesPerHour < 0 {
		errs = append(errs, errors.New("limits.messages_per_hour: 0 (no limit) or more"))
	}
	for _, z := range c.Spam.DNSBL {
		if z = strings.TrimSuffix(z, "."); z == "" || strings.ContainsAny(z, " \t/:@") || !strings.Contains(z, ".") {
			errs = append(errs, fmt.Errorf("spam.dnsbl %q: a DNS zone such as \"zen.example.org\"", z))
		}
	}
	if c.Spam.DNSBLTimeout <= 0 || time.Duration(c.Spam.DNSBLTimeout) > 30*time.Second {
		errs = append(errs, errors.New("spam.dnsbl_timeout: more than 0, at most 30s"))
	}
	if c.TLS.ACME && c.TLS.Cert != "" {
		errs = append(errs, errors.New("tls: acme = true or cert and key files, not both"))
	}
	if c.TLS.ACMEDirectory != "" && !strings.HasPrefix(c.TLS.ACMEDirectory, "https://") {
		errs = append(errs, fmt.Errorf("tls.acme_directory %q: an https:// URL", c.TLS.ACMEDirectory))
	}
	if c.TLS.ACMERenewBefore < 0 {
		errs = append(errs, errors.New("tls.acme_renew_before: 0 (30 days) or more"))
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		errs = append(errs, errors.New("tls: set both cert and key, or neither"))
	}
	for _, lb := range c.Listen.ProxyProtocol {
		if _, err := netip.ParsePrefix(lb); err != nil {
			if a, err := netip.ParseAddr(lb); err != nil || a.Zone() != "" {
				errs = append(errs, fmt.Errorf("listen.proxy_protocol %q: an IP address or CIDR prefix of a load balancer", lb))
			}
		}
	}
	errs = append(errs, c.validateBackends()...)
	return errors.Join(errs...)
}

// Encode writes c as TOML (for tests and tools; the commented file that
// init writes comes from Example).
func (c Config) Encode() (string, error) {
	var b bytes.Buffer
	err := toml.NewEncoder(&b).Encode(c)
	return b.String(), err
}

// Exists reports whether a file exists at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Duration is a time.Duration written as "120h" or "30m" in the file.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }
