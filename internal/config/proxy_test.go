package config

import (
	"strings"
	"testing"
)

// listen.proxy_protocol takes the balancers' addresses and prefixes and
// nothing else (issue 20).
func TestValidate_proxyProtocol(t *testing.T) {
	for _, tc := range []struct {
		list []string
		ok   bool
	}{
		{nil, true},
		{[]string{"10.0.0.5", "10.0.1.0/24", "2001:db8::/32", "::1"}, true},
		{[]string{"lb.example"}, false},
		{[]string{"10.0.0.0/33"}, false},
		{[]string{"10.0.0.5:25"}, false},
		{[]string{"fe80::1%eth0"}, false},
		{[]string{""}, false},
	} {
		c := Default(t.TempDir())
		c.Listen.ProxyProtocol = tc.list
		err := c.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%q: Validate() = %v, want ok=%v", tc.list, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "listen.proxy_protocol") {
			t.Errorf("%q: %v does not name the key", tc.list, err)
		}
	}
}
