package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The file init writes must parse back to exactly the defaults.
func TestExample_parsesToDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte(Example(dir, "mail.example.test")), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	want := Default(dir)
	want.Hostname = "mail.example.test"
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestLoad_missingKeysKeepDefaultsAndEmptyTurnsOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(path, []byte("hostname = \"mx.test\"\n[listen]\nimap = \"\"\n"), 0o600)
	c, err := Load(path, "/data")
	if err != nil {
		t.Fatal(err)
	}
	if c.Hostname != "mx.test" || c.Listen.IMAP != "" || c.Listen.SMTP != "127.0.0.1:2525" || c.DataDir != "/data" || c.MaxMessageSize != 50<<20 {
		t.Fatalf("%+v", c)
	}
}

func TestLoad_badInputIsAClearError(t *testing.T) {
	for name, body := range map[string]string{
		"unknownKey":  "hostnme = \"x\"\n",
		"badSyntax":   "hostname = \n",
		"negativeMax": "max_message_size = -1\n",
		"halfTLS":     "[tls]\ncert = \"a.pem\"\n",
		"badLifetime": "queue_lifetime = \"soon\"\n",
		"relayNoPort": "[relay]\nhost = \"smtp.example.net\"\n",
		"relayBadTLS": "[relay]\nhost = \"smtp.example.net:587\"\ntls = \"maybe\"\n",
		// the web's limits (issue 13): no timeout is no protection
		"httpNoIdleTimeout": "[http]\nidle_timeout = \"0s\"\n",
		"httpTinyJSON":      "[http]\nmax_json_size = 100\n",
		"httpNoStreams":     "[http]\nmax_event_streams_per_user = 0\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.toml")
			os.WriteFile(path, []byte(body), 0o600)
			_, err := Load(path, "/data")
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestTLSConfig_generatesSelfSignedOnce(t *testing.T) {
	c := Default(t.TempDir())
	a, err := c.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	if string(a.Certificates[0].Certificate[0]) != string(b.Certificates[0].Certificate[0]) {
		t.Fatal("certificate regenerated")
	}
}
