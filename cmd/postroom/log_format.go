package main

import (
	"io"
	"log/slog"
)

// logHandler is the handler of serve's log (config log_format): JSON
// lines for a log collector, else slog's key=value text. The config
// refuses other values, so anything but "json" is text.
func logHandler(format string, w io.Writer) slog.Handler {
	if format == "json" {
		return slog.NewJSONHandler(w, nil)
	}
	return slog.NewTextHandler(w, nil)
}
