package safehtml

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize checks the package's promise on arbitrary input: the output
// holds no executable vector (by the independent oracle), no remote
// resource before consent, is valid UTF-8, and is a fixed point (sanitising
// it again changes nothing). The last property is the one that catches
// mutation XSS: output that parses differently from what we checked would
// not survive a second pass unchanged.
//
//	go test ./internal/safehtml -run '^$' -fuzz FuzzSanitize -fuzztime 60s
func FuzzSanitize(f *testing.F) {
	for _, v := range xssVectors {
		f.Add(v.input, false)
		f.Add(v.input, true)
	}
	files, _ := filepath.Glob("testdata/*.html")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), false)
	}
	f.Add(`<p style="background: url(https://t.example/a.png) #fff">x<img src="cid:a@b"></p>`, true)
	f.Add(`<body bgcolor="#fff" background="https://t.example/bg.png" style="color: red">x</body>`, false)

	f.Fuzz(func(t *testing.T, input string, allowRemote bool) {
		res := Sanitize(input, Options{CIDURL: cidURL, AllowRemote: allowRemote})
		if v := vectorsIn(res.HTML, allowRemote); len(v) > 0 {
			t.Fatalf("unsafe output %v\ninput:  %q\noutput: %q", v, input, res.HTML)
		}
		if allowRemote && res.RemoteBlocked != 0 {
			t.Fatalf("RemoteBlocked = %d with AllowRemote", res.RemoteBlocked)
		}
		if !utf8.ValidString(res.HTML) {
			t.Fatalf("output is not UTF-8: %q", res.HTML)
		}
		// Fixed point: without CIDURL (a rewritten cid: URL is a path,
		// which a second pass would rightly drop) and with remote images
		// allowed (a blocked one is already gone).
		once := Sanitize(input, Options{AllowRemote: true}).HTML
		if twice := Sanitize(once, Options{AllowRemote: true}).HTML; twice != once {
			t.Fatalf("not a fixed point\ninput: %q\nonce:  %q\ntwice: %q", input, once, twice)
		}
	})
}
