package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// [spam]: no block list unless the operator names some; zones and the
// timeout are checked.
func TestLoad_spamSection(t *testing.T) {
	dir := t.TempDir()
	if c := Default(dir); len(c.Spam.DNSBL) != 0 || time.Duration(c.Spam.DNSBLTimeout) != 2*time.Second {
		t.Errorf("default [spam] %+v", c.Spam)
	}
	path := filepath.Join(dir, "c.toml")
	os.WriteFile(path, []byte("[spam]\ndnsbl = [\"zen.example.org\", \"bl.example.net.\"]\ndnsbl_timeout = \"500ms\"\n"), 0o600)
	c, err := Load(path, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Spam, Spam{DNSBL: []string{"zen.example.org", "bl.example.net."}, DNSBLTimeout: Duration(500 * time.Millisecond)}) {
		t.Errorf("read %+v", c.Spam)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid [spam] refused: %v", err)
	}
	for _, bad := range []Spam{
		{DNSBL: []string{"http://zen.example.org"}, DNSBLTimeout: Duration(time.Second)},
		{DNSBL: []string{"localhost"}, DNSBLTimeout: Duration(time.Second)},
		{DNSBL: []string{""}, DNSBLTimeout: Duration(time.Second)},
		{DNSBL: []string{"zen.example.org"}, DNSBLTimeout: 0},
		{DNSBL: []string{"zen.example.org"}, DNSBLTimeout: Duration(time.Minute)},
	} {
		c.Spam = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "spam.dnsbl") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
