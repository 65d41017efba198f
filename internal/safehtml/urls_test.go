package safehtml

import "testing"

func TestCleanHref(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" means refused
	}{
		{"https://example.com/a?b=1#c", "https://example.com/a?b=1#c"},
		{"HTTP://Example.com", "http://Example.com"},
		{"  https://example.com\n", "https://example.com"},
		{"https://exa\tmple.com/", "https://example.com/"},
		{"//example.com/x", "https://example.com/x"},
		{"mailto:kim@example.co.kr", "mailto:kim@example.co.kr"},
		{"tel:+82-2-1234-5678", "tel:+82-2-1234-5678"},
		{"javascript:alert(1)", ""},
		{"JavaScript:alert(1)", ""},
		{"java\tscript:alert(1)", ""},
		{"java\nscript:alert(1)", ""},
		{"\x01javascript:alert(1)", ""},
		{"\x0ejavascript:alert(1)", ""},
		{"vbscript:msgbox(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"data:image/png;base64,AAAA", ""},
		{"cid:abc@x", ""},
		{"file:///etc/passwd", ""},
		{"/relative", ""},
		{"#frag", ""},
		{"", ""},
		{"https:", ""},
		{`https:\\evil.example`, ""},
		{"http://a b.example/", ""},
		{`https://0"`, ""},
		{"https://a%22b.example/", ""},
		{"https://[::1]:8080/x", "https://[::1]:8080/x"},
		{"https://메일.한국/", "https://xn--h32bq4v.xn--3e0b707e/"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, ok := cleanHref(tt.raw)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("cleanHref(%q) = %q, %v; want %q", tt.raw, got, ok, tt.want)
			}
		})
	}
}

func TestImagePolicyResolve(t *testing.T) {
	tests := []struct {
		name        string
		raw         string
		allowRemote bool
		want        string
		verdict     imageSource
	}{
		{"cid", "cid:a@b", false, "/api/v1/messages/7/cid/a@b", imageShown},
		{"remote blocked", "https://t.example/p.gif", false, "", imageBlocked},
		{"remote shown", "https://t.example/p.gif", true, "https://t.example/p.gif", imageShown},
		{"remote with tab in scheme", "ht\ttps://t.example/p.gif", false, "", imageBlocked},
		{"remote without host", "https:/p.gif", true, "", imageDropped},
		{"protocol-relative", "//t.example/p.gif", true, "https://t.example/p.gif", imageShown},
		{"data png", "data:image/png;base64,AAAA", false, "data:image/png;base64,AAAA", imageShown},
		{"data svg", "data:image/svg+xml;base64,AAAA", true, "", imageDropped},
		{"relative", "images/a.png", true, "", imageDropped},
		{"javascript", "javascript:alert(1)", true, "", imageDropped},
		{"empty", " ", true, "", imageDropped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := imagePolicy{opt: Options{CIDURL: cidURL, AllowRemote: tt.allowRemote}}
			got, verdict := p.resolve(tt.raw)
			if got != tt.want || verdict != tt.verdict {
				t.Errorf("resolve(%q) = %q, %v; want %q, %v", tt.raw, got, verdict, tt.want, tt.verdict)
			}
			if wantBlocked := tt.verdict == imageBlocked; (p.blocked == 1) != wantBlocked {
				t.Errorf("blocked = %d", p.blocked)
			}
		})
	}
}
