package main

import "net"

// trackingImageURL is where the read receipts' tracking image is fetched
// (GET /r/{token}.gif on the webmail's HTTPS listener, as the password
// reset links name it).
func trackingImageURL(hostname, httpsAddr string) func(token string) string {
	base := "https://" + hostname
	if _, port, err := net.SplitHostPort(httpsAddr); err == nil && port != "" && port != "443" && port != "0" {
		base = "https://" + net.JoinHostPort(hostname, port)
	}
	return func(token string) string { return base + "/r/" + token + ".gif" }
}
