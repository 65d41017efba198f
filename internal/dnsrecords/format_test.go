package dnsrecords

import (
	"strings"
	"testing"
)

// unquote parses the character-strings of a zone-file TXT RDATA.
func unquote(t *testing.T, rdata string) []string {
	t.Helper()
	var out []string
	for rdata = strings.TrimSpace(rdata); rdata != ""; rdata = strings.TrimSpace(rdata) {
		if rdata[0] != '"' {
			t.Fatalf("TXT RDATA not quoted: %q", rdata)
		}
		var s strings.Builder
		i := 1
		for ; i < len(rdata) && rdata[i] != '"'; i++ {
			if rdata[i] == '\\' {
				i++
			}
			s.WriteByte(rdata[i])
		}
		if i == len(rdata) {
			t.Fatalf("unterminated string in %q", rdata)
		}
		out = append(out, s.String())
		rdata = rdata[i+1:]
	}
	return out
}

func TestFormat_oneLinePerRecordWithComments(t *testing.T) {
	recs := records(t)
	out := Format(recs)
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end in a newline")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(l, "; ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(recs) {
		t.Fatalf("%d record lines for %d records:\n%s", len(lines), len(recs), out)
	}
	for i, l := range lines {
		f := strings.SplitN(l, " ", 5)
		r := recs[i]
		if len(f) != 5 || f[0] != r.Name+"." || f[1] != "3600" || f[2] != "IN" || f[3] != r.Type {
			t.Errorf("line %q does not start %q", l, r.Name+". 3600 IN "+r.Type)
			continue
		}
		if r.Type != TXT && f[4] != r.Value {
			t.Errorf("%s RDATA %q, want %q", r.Type, f[4], r.Value)
		}
	}
	if !strings.Contains(out, "; MTA-STS (RFC 8461 §3.1): https://mta-sts.example.test/.well-known/mta-sts.txt must serve the policy") {
		t.Errorf("no MTA-STS policy comment:\n%s", out)
	}
}

func TestFormat_TXTSplitInto255ByteStrings(t *testing.T) {
	recs := append(records(t),
		Record{Name: "long.example.test", Type: TXT, Value: strings.Repeat("x", 600)},
		Record{Name: "exact.example.test", Type: TXT, Value: strings.Repeat("y", 255)},
		Record{Name: "quotes.example.test", Type: TXT, Value: `say "hi" \ bye`},
	)
	out := Format(recs)
	seen := 0
	for _, l := range strings.Split(out, "\n") {
		f := strings.SplitN(l, " ", 5)
		if len(f) != 5 || f[3] != TXT {
			continue
		}
		r := find(recs, strings.TrimSuffix(f[0], "."), TXT)
		strs := unquote(t, f[4])
		for _, s := range strs {
			if len(s) > 255 {
				t.Errorf("%s: a %d-byte string", f[0], len(s))
			}
		}
		joined := strings.Join(strs, "")
		found := false
		for _, rr := range r {
			found = found || rr.Value == joined
		}
		if !found {
			t.Errorf("%s: strings join to %q, not the record's value", f[0], joined)
		}
		switch f[0] {
		case "long.example.test.":
			if len(strs) != 3 {
				t.Errorf("600 bytes in %d strings, want 3", len(strs))
			}
		case "exact.example.test.":
			if len(strs) != 1 {
				t.Errorf("255 bytes in %d strings, want 1", len(strs))
			}
		case "pr202611r._domainkey.example.test.":
			if len(strs) < 2 {
				t.Errorf("RSA 2048 key record in %d string, want it split", len(strs))
			}
		}
		seen++
	}
	if seen != 9 { // SPF, 2 DKIM, DMARC, MTA-STS, TLS-RPT and the 3 added here
		t.Errorf("%d TXT lines, want 9", seen)
	}
}
