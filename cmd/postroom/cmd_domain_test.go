package main

import (
	"errors"
	"strings"
	"testing"
)

// `domain set` changes the operator's terms through the consoles' service:
// the hold, the account limit (which `user add` then meets), the quota
// with a unit, the defaults; refused values name their flag.
func TestDomainSet(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, dir, "domain", "add", "example.test"); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, dir, "domain", "set", "example.test", "--suspend", "--max-users", "1", "--quota", "10G", "--language", "en", "--time-zone", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if want := "example.test\tsuspended\tmax users 1\tquota 10737418240 bytes\tlanguage en\ttime zone UTC\n"; out != want {
		t.Fatalf("set printed %q, want %q", out, want)
	}
	if out, _ := runCmd(t, dir, "domain", "list"); !strings.Contains(out, "example.test\t0 accounts\tsuspended") {
		t.Fatalf("list: %q", out)
	}
	if out, err := runCmd(t, dir, "domain", "set", "example.test", "--resume"); err != nil || !strings.Contains(out, "\tactive\t") || !strings.Contains(out, "max users 1") {
		t.Fatalf("resume: %q %v", out, err)
	}
	if _, err := runCmd(t, dir, "user", "add", "kim@example.test", "--password", "kims-password-26"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, dir, "user", "add", "lee@example.test", "--password", "lees-password-26"); err == nil || !strings.Contains(err.Error(), "--max-users") {
		t.Fatalf("an account over the limit: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-users", "-1"}, "--max-users must not be negative"},
		{[]string{"--language", "fr"}, "--language must be ko or en"},
		{[]string{"--time-zone", "Nowhere/Town"}, "--time-zone must be"},
		{[]string{"--quota", "lots"}, "--quota \"lots\" is not a size"},
		{[]string{"--suspend", "--resume"}, "not both"},
		{nil, "needs a flag"},
	} {
		_, err := runCmd(t, dir, append([]string{"domain", "set", "example.test"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("set %v: %v, want %q", c.args, err, c.want)
		}
	}
	if _, err := runCmd(t, dir, "domain", "set", "nowhere.test", "--resume"); err == nil {
		t.Error("set on an unknown domain succeeded")
	}
	if out, err := runCmd(t, dir, "domain", "remove", "example.test"); err != nil || !strings.Contains(out, "removed domain example.test") {
		t.Fatalf("remove: %q %v", out, err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1024": 1024, "500M": 500 << 20, "10g": 10 << 30, "2GB": 2 << 30, "3KiB": 3 << 10, "1T": 1 << 40} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "M", "1.5G", "9999999999T"} {
		if _, err := parseSize(in); !errors.Is(err, errUsage) {
			t.Errorf("parseSize(%q): %v, want a usage error", in, err)
		}
	}
}
