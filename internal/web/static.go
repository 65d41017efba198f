package web

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"postroom/web/ui"
)

// appCSP is the webmail's own policy: only our scripts, no inline script,
// frames only of our origin (the sandboxed message view), nothing framing us.
// Inline styles are allowed: the editor formats with them (the mail sent
// carries inline styles, as mail clients expect) and a quoted original
// keeps its own; they cannot run script.
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// static serves the webmail. Paths that are not files get index.html, so a
// reload on a deep link (#/ or /mail/...) lands in the app.
func (s *Server) static() http.Handler {
	files := http.FileServerFS(ui.Files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.fail(w, r, http.StatusNotFound, "not_found") // an unknown API route is not the app
			return
		}
		w.Header().Set("Content-Security-Policy", appCSP)
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p == "" || p == "." {
			serveIndex(w, r)
			return
		}
		if st, err := fs.Stat(ui.Files, p); err != nil || st.IsDir() {
			serveIndex(w, r)
			return
		}
		if strings.HasSuffix(p, ".js") {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		files.ServeHTTP(w, r)
	})
}

func serveIndex(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(ui.Files, "index.html")
	if err != nil {
		http.Error(w, "webmail missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
}
