package main

import "testing"

func TestWebURL_whatToOpenInABrowser(t *testing.T) {
	for _, c := range []struct{ https, http, want string }{
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"", "0.0.0.0:80", "http://mail.example.test/"},
		{"[::]:443", "0.0.0.0:80", "https://mail.example.test/"},
		{"0.0.0.0:8443", "", "https://mail.example.test:8443/"},
		{"", "[::1]:8080", "http://[::1]:8080/"},
		{"[2001:db8::1]:443", "", "https://[2001:db8::1]/"},
		{"", "", ""},
	} {
		if got := webURL(c.https, c.http, "mail.example.test"); got != c.want {
			t.Errorf("webURL(%q, %q) = %q, want %q", c.https, c.http, got, c.want)
		}
	}
}
