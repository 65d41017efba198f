package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// log_format and [limits] (issue 19): the values the file sets are
// read, anything else is refused naming the key.
func TestLoad_logFormatAndLimits(t *testing.T) {
	for name, tc := range map[string]struct {
		body    string
		format  string
		perHour int
		bad     string // a refused file's error names this
	}{
		"defaults":    {body: "", format: "text", perHour: 500},
		"json":        {body: "log_format = \"json\"\n", format: "json", perHour: 500},
		"noLimit":     {body: "[limits]\nmessages_per_hour = 0\n", format: "text", perHour: 0},
		"tinyLimit":   {body: "[limits]\nmessages_per_hour = 2\n", format: "text", perHour: 2},
		"badFormat":   {body: "log_format = \"xml\"\n", bad: "log_format"},
		"emptyFormat": {body: "log_format = \"\"\n", bad: "log_format"},
		"negative":    {body: "[limits]\nmessages_per_hour = -1\n", bad: "limits.messages_per_hour"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.toml")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, "/data")
			if tc.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("err %v, want one naming %s", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.LogFormat != tc.format || c.Limits.MessagesPerHour != tc.perHour {
				t.Fatalf("log_format %q, messages_per_hour %d; want %q, %d", c.LogFormat, c.Limits.MessagesPerHour, tc.format, tc.perHour)
			}
		})
	}
}
