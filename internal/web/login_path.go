package web

import (
	"net/http"
	"strings"

	"postroom/internal/auth"
)

// loginPath is how the access log names a web login (S8, the manual's
// "mobile web"): mobile when the browser says it runs on a phone or
// tablet, else web. Browsers on phones put "Mobi" in their User-Agent
// (Chrome, Safari, Firefox, Samsung Internet); Android tablets say
// "Android" without it. iPadOS announces itself as a Mac and counts as
// web. The name is only shown: no rule depends on it.
func loginPath(r *http.Request) auth.Protocol {
	ua := r.Header.Get("User-Agent")
	if strings.Contains(ua, "Mobi") || strings.Contains(ua, "Android") || strings.Contains(ua, "iPhone") {
		return auth.ProtoMobile
	}
	return auth.ProtoWeb
}
