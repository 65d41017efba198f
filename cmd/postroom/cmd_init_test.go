package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postroom/internal/config"
)

// runCmd runs one command on dir and answers what it printed.
func runCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	cmd := commands[args[0]]
	err := cmd(context.Background(), append(args[1:], "--data", dir), &out)
	return out.String(), err
}

// `init --public` writes a production config (standard ports on every
// address, ACME on), prints the domain's DNS records and writes a
// systemd unit that runs this data directory.
func TestInitPublic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	out, err := runCmd(t, dir, "init", "--public", "--hostname", "mail.company.kr", "--domain", "company.kr",
		"--admin", "boss@company.kr", "--password", "Long-enough-pass-26")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.TLS.ACME || cfg.Listen.SMTP != ":25" || cfg.Listen.HTTPS != ":443" || cfg.Hostname != "mail.company.kr" {
		t.Errorf("config: acme %v, smtp %q, https %q, hostname %q", cfg.TLS.ACME, cfg.Listen.SMTP, cfg.Listen.HTTPS, cfg.Hostname)
	}
	for _, want := range []string{"company.kr. 3600 IN MX 10 mail.company.kr.", "_imaps._tcp.company.kr. 3600 IN SRV 0 1 993 mail.company.kr.",
		"_dmarc.company.kr.", "systemctl enable --now postroom"} {
		if !strings.Contains(out, want) {
			t.Errorf("init --public did not print %q:\n%s", want, out)
		}
	}
	unit, err := os.ReadFile(filepath.Join(dir, "postroom.service"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), " serve --data "+dir+"\n") || !strings.Contains(string(unit), "CAP_NET_BIND_SERVICE") {
		t.Errorf("unit:\n%s", unit)
	}

	// Without --public: loopback high ports, no ACME, no unit.
	plain := filepath.Join(t.TempDir(), "data")
	if _, err := runCmd(t, plain, "init", "--domain", "company.kr", "--admin", "boss@company.kr", "--password", "Long-enough-pass-26"); err != nil {
		t.Fatal(err)
	}
	if c, err := config.Load(filepath.Join(plain, config.FileName), plain); err != nil || c.TLS.ACME || c.Listen.SMTP != "127.0.0.1:2525" {
		t.Errorf("plain init: %+v %v", c.Listen, err)
	}
	if _, err := os.Stat(filepath.Join(plain, "postroom.service")); err == nil {
		t.Error("plain init wrote a systemd unit")
	}
}
