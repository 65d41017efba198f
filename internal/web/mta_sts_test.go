package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMTASTSPolicy(t *testing.T) {
	s := &Server{Hostname: "mail.company.kr"}
	w := httptest.NewRecorder()
	s.mtaSTSPolicy(w, httptest.NewRequest("GET", "https://mta-sts.company.kr/.well-known/mta-sts.txt", nil))
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.HasPrefix(body, "version: STSv1\n") || !strings.Contains(body, "mx: mail.company.kr\n") ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("%d %q %v", w.Code, body, w.Header())
	}
}
