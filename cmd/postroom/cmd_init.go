package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"postroom/internal/actor"
	"postroom/internal/admin"
	"postroom/internal/config"
)

// cmdInit creates a data directory with a commented config, the system
// operator, a domain and its administrator. Running it again only reports
// what exists.
func cmdInit(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("init")
	domain := fs.String("domain", "", "first hosted domain")
	adminAddr := fs.String("admin", "", "address of the domain administrator")
	password := fs.String("password", "", "administrator password")
	name := fs.String("name", "", "the administrator's display name (e.g. 홍길동)")
	hostname := fs.String("hostname", "", "server host name (default mail.DOMAIN)")
	public := fs.Bool("public", false, "a server on the internet: standard ports, ACME certificates, DNS records and a systemd unit printed")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *domain == "" || *adminAddr == "" || *password == "" {
		return fmt.Errorf("%w: --domain, --admin and --password are required", errUsage)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	cfgPath := filepath.Join(dir, config.FileName)
	host := *hostname
	if host == "" {
		host = "mail." + *domain
	}
	if config.Exists(cfgPath) {
		fmt.Fprintf(out, "exists: config %s\n", cfgPath)
	} else {
		text := config.Example(dir, host)
		if *public {
			text = config.PublicExample(dir, host)
		}
		if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
		fmt.Fprintf(out, "created: config %s\n", cfgPath)
	}
	d, err := openData(dir, "")
	if err != nil {
		return err
	}
	defer d.Close()
	pw, err := ensureOperator(ctx, d)
	if err != nil {
		return err
	}
	if pw != "" {
		fmt.Fprintf(out, "created: operator login %q password %q (also in %s)\n", OperatorName, pw, filepath.Join(dir, operatorFile))
	} else {
		fmt.Fprintf(out, "exists: operator %q\n", OperatorName)
	}
	svc := adminService(d)
	if dom, err := svc.CreateDomain(ctx, actor.CommandLine, *domain); isCode(err, "domain_exists") {
		fmt.Fprintf(out, "exists: domain %s\n", *domain)
	} else if err != nil {
		return adminError(err)
	} else {
		fmt.Fprintf(out, "created: domain %s\n", dom.Name)
	}
	a, err := svc.CreateAccount(ctx, actor.CommandLine, admin.NewAccount{Address: *adminAddr, Password: *password, Name: *name, Admin: true})
	if isCode(err, "account_exists") {
		fmt.Fprintf(out, "exists: administrator %s (password unchanged)\n", *adminAddr)
	} else if err != nil {
		return adminError(err)
	} else {
		fmt.Fprintf(out, "created: administrator %s\n", a.Address())
	}
	if *public {
		return publicNextSteps(ctx, out, svc, dir, *domain, d.Config.Hostname)
	}
	fmt.Fprintf(out, "next: postroom serve --data %s\n", dir)
	return nil
}

// publicNextSteps prints what a server on the internet needs besides
// itself: the DNS records of its domain and a systemd unit (also written
// to DIR/postroom.service).
func publicNextSteps(ctx context.Context, out io.Writer, svc *admin.Service, dir, domain, hostname string) error {
	fmt.Fprintf(out, "\n1. Publish these DNS records (an A/AAAA record of %s to this server first):\n\n", hostname)
	if err := printDNS(ctx, out, svc, domain, hostname); err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		bin = "/usr/local/bin/postroom"
	}
	unit := systemdUnit(bin, dir)
	unitPath := filepath.Join(dir, "postroom.service")
	if err := os.WriteFile(unitPath, []byte(unit), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", unitPath, err)
	}
	fmt.Fprintf(out, "\n2. Install the service (written to %s):\n\n", unitPath)
	fmt.Fprintf(out, "    cp %s /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now postroom\n\n", unitPath)
	fmt.Fprint(out, unit)
	fmt.Fprintf(out, "\n3. Open ports 25, 80, 443, 465, 587, 993 (and 143, 110, 995 if old clients need them).\n")
	fmt.Fprintf(out, "   Certificates for %s and mail./autoconfig. of each domain come over ACME on the first connection.\n", hostname)
	fmt.Fprintf(out, "   docs/deploy.md walks through it, behind a reverse proxy too.\n")
	return nil
}

// systemdUnit runs `postroom serve` as a service allowed to bind the
// standard ports, with room for many connections.
func systemdUnit(bin, dir string) string {
	return fmt.Sprintf(`[Unit]
Description=Postroom mail server
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=%s serve --data %s
Restart=on-failure
RestartSec=2
# the standard ports below 1024 without running as root
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=%s
PrivateTmp=true
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`, bin, dir, dir)
}
