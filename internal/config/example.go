package config

import (
	"fmt"
	"strconv"
	"time"
)

// Example returns the commented config file that `postroom init` writes,
// with the defaults filled in, so that an operator sees every setting.
func Example(dataDir, hostname string) string {
	d := Default(dataDir)
	if hostname != "" {
		d.Hostname = hostname
	}
	return example(d)
}

// PublicExample is Example for a server on the internet (`postroom init
// --public`): every listener on its standard port on all addresses, and
// certificates over ACME.
func PublicExample(dataDir, hostname string) string {
	d := Default(dataDir)
	d.Hostname = hostname
	d.Listen = Listen{SMTP: ":25", Submission: ":587", Submissions: ":465", IMAP: ":143", IMAPS: ":993",
		POP3: ":110", POP3S: ":995", HTTP: ":80", HTTPS: ":443"}
	d.TLS.ACME = true
	return example(d)
}

func example(d Config) string {
	return fmt.Sprintf(`# Postroom configuration. Every key is optional: a missing key keeps the
# default shown here. Restart 'postroom serve' after a change.

# The server's name: SMTP greeting, Received headers, TLS certificate.
hostname = %s

# Where the database, message files and generated keys live.
data_dir = %s

# Password logins without TLS are refused except from loopback (127.0.0.1, ::1)
# unless this is true (the old "security type: none" client setups).
allow_plaintext_auth = false

# Largest message accepted, in bytes (50 MiB).
max_message_size = %d

# Most recipients of one message.
max_recipients = %d

# Mail clients and the webmail may send to address literals ([192.0.2.1])
# and to names that are not on the internet (localhost, one label, .local,
# .internal ...) only if this is true: for a smart host that knows them.
allow_internal_recipients = false

# Simultaneous SMTP, IMAP and POP3 connections per remote address and
# listener ([http] below has its own).
max_connections_per_ip = %d

# How long mail to the internet is retried before it is returned to the
# sender (RFC 5321 §4.5.4.1 suggests 4-5 days).
queue_lifetime = %s
# With several nodes: when a node dies, what it was sending goes from
# another node after this long (longer than any SMTP transaction).
queue_lease = %s

# How long a message sent from the webmail waits before it goes, so that
# the user can undo it ("0s" sends at once).
undo_send = %s

# DNS server ("host:port") for MX lookups and the SPF/DKIM/DMARC checks of
# incoming mail; empty uses the system's resolver (/etc/resolv.conf).
dns_server = %s

# Simultaneous IMAP sessions per account (phones and desktop clients open
# several each).
max_connections_per_user = %d

# How 'postroom serve' writes its log on stderr: "text" (key=value lines)
# or "json" (one JSON object a line, for a log collector).
log_format = %s

# Listening addresses, "host:port". An empty string turns a listener off.
# Standard ports are 25, 587, 465, 143, 993, 110, 995, 80 and 443; the
# defaults are high ports on loopback so that a first run needs no root.
[listen]
smtp = %s         # MX: receives mail for hosted domains, never relays
submission = %s   # mail clients send here (STARTTLS + AUTH)
submissions = %s  # mail clients send here (implicit TLS + AUTH)
imap = %s
imaps = %s
pop3 = %s
pop3s = %s
http = %s
https = %s
# Load balancers that open each connection (SMTP, IMAP, POP3, web) with a PROXY
# protocol header (v1 or v2) naming the real client; their connections
# without one are closed. Empty (the default): no header is read.
# proxy_protocol = ["10.0.0.5", "10.0.1.0/24"]

# Certificate and key files (PEM), read again when they change. When both
# are empty and acme is off, a self-signed certificate for the hostname is
# generated in data_dir/tls.
[tls]
cert = ""
key = ""
# Certificates from an ACME CA (Let's Encrypt unless acme_directory says
# otherwise) for the hostname and each hosted domain's mail. and
# autoconfig. names; port 80 (http) or 443 (https) must reach this server.
acme = %t
acme_directory = ""
acme_email = ""
acme_ca = ""             # PEM of a private ACME server's HTTPS CA
acme_renew_before = "0s" # 0: 30 days before expiry

# Optional smart host: when host is set, all outbound mail goes through it
# ("name:port") instead of directly to the recipients' servers.
[relay]
host = ""
username = ""
password = ""
tls = %s   # "none", "starttls" or "tls"

# What one web client may take of the server (the http and https listeners).
[http]
header_timeout = %s  # the request line and header fields must arrive within it
read_timeout = %s    # a whole request with its body (uploads); not the event stream
idle_timeout = %s    # a keep-alive connection without a request is closed
# Connections per remote address and listener: an office behind one
# address opens a few per browser; one waiting for a request gives way to a
# new one beyond this.
max_connections_per_ip = %d
max_event_streams_per_user = %d  # open webmail tabs with live new mail, per account
max_json_size = %d  # largest JSON body (a message being written); files go as uploads
# GET /metrics (Prometheus): with a token, "Authorization: Bearer TOKEN" is
# needed; without, only this machine's clients that no proxy forwarded.
metrics_token = %s
login_link_life = %s  # how long a one-time login link of the integration API lives (at most 2m)

# Sending limits of every user; the operator overrides them per domain
# (postroom domain set NAME --messages-per-hour N).
[limits]
# Messages one user may send in any hour, from mail clients and the
# webmail together (a message counts once, whatever its recipients);
# 0 = no limit. Past it, SMTP submission answers 450 4.7.1.
messages_per_hour = %d

# The spam filter (docs/spam.md).
[spam]
# DNS block lists asked about the connecting IP of mail from the internet
# (e.g. ["zen.spamhaus.org"]; mind the list's terms of use). Off: [].
# A listing adds 3 points to the verdict (spam at 5), never spam alone.
dnsbl = []
dnsbl_timeout = %s  # the lists' answers for one message, at most

# Where the data lives. One machine: the embedded database and the blobs
# folder of data_dir (sqlite, fs). Several nodes behind a load balancer:
# all share one PostgreSQL and one S3 bucket (docs/scale-out.md); move an
# installation there with postroom migrate.
[store]
driver = %s  # "sqlite" or "postgres"
dsn = ""          # postgres://USER:PASSWORD@HOST:5432/DB?sslmode=verify-full&search_path=SCHEMA
max_conns = 0     # this node's pool; 0: the driver's default

[blob]
driver = %s  # "fs" or "s3"
endpoint = ""    # host:port, or an https:// URL
bucket = ""
region = ""
access_key = ""
secret_key = ""
path_style = false  # true for most servers other than AWS
`, q(d.Hostname), q(d.DataDir), d.MaxMessageSize, d.MaxRecipients, d.MaxConnectionsPerIP, q(time.Duration(d.QueueLifetime).String()), q(time.Duration(d.QueueLease).String()), q(time.Duration(d.UndoSend).String()), q(d.DNSServer), d.MaxConnectionsPerUser, q(d.LogFormat),
		q(d.Listen.SMTP), q(d.Listen.Submission), q(d.Listen.Submissions), q(d.Listen.IMAP), q(d.Listen.IMAPS),
		q(d.Listen.POP3), q(d.Listen.POP3S), q(d.Listen.HTTP), q(d.Listen.HTTPS), d.TLS.ACME, q(d.Relay.TLS),
		q(time.Duration(d.HTTP.HeaderTimeout).String()), q(time.Duration(d.HTTP.ReadTimeout).String()),
		q(time.Duration(d.HTTP.IdleTimeout).String()), d.HTTP.MaxConnectionsPerIP, d.HTTP.MaxEventStreamsPerUser, d.HTTP.MaxJSONSize, q(d.HTTP.MetricsToken),
		q(time.Duration(d.HTTP.LoginLinkLife).String()), d.Limits.MessagesPerHour,
		q(time.Duration(d.Spam.DNSBLTimeout).String()), q(d.Store.Driver), q(d.Blob.Driver))
}

func q(s string) string { return strconv.Quote(s) }
