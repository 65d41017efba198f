package web

// GET /r/{token}.gif: the read receipts' tracking image (receipts/image.go).
// Every answer is the same transparent 1x1 GIF, never cached, whatever
// the token: a wrong one is only a 404 with the same body and headers.

import (
	"net/http"
	"strings"

	"postroom/internal/actor"
)

// pixelGIF is a transparent 1x1 GIF89a.
var pixelGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

func (s *Server) trackingImage(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutSuffix(r.PathValue("token"), ".gif")
	status := http.StatusNotFound
	if ok && s.Receipts != nil && validToken(tok) {
		var viewer actor.Actor // the sender's own session is not a read
		if sess := sessionOf(r); sess != nil {
			viewer = sess.actor
		}
		if s.Receipts.ImageFetched(r.Context(), tok, viewer) {
			status = http.StatusOK
		}
	}
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store, max-age=0")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(pixelGIF)
}

// validToken: 32 lower-case hex digits, as receipts makes them.
func validToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	for _, c := range t {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
