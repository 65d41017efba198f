package web

// The sender's hourly limit (internal/send/hourly.go) as the webmail
// hears it: 429 Too Many Requests (RFC 6585 §4) with Retry-After, and a
// message naming the limit and the minutes to wait.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"postroom/internal/send"
)

// limitError is the body of a 429: the limit (messages per hour) and the
// seconds until a message may go, beside the code and message.
type limitError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Limit      int    `json:"limit"`
	RetryAfter int    `json:"retry_after"`
}

// failHourlyLimit answers err if it is the hourly limit's refusal.
func (s *Server) failHourlyLimit(w http.ResponseWriter, r *http.Request, err error) bool {
	var le *send.LimitError
	if !errors.As(err, &le) {
		return false
	}
	secs := int(le.RetryAfter.Seconds())
	minutes := (secs + 59) / 60
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, map[string]limitError{"error": {Code: "hourly_limit",
		Message: fmt.Sprintf(localized(r, "hourly_limit"), le.Limit, minutes), Limit: le.Limit, RetryAfter: secs}})
	return true
}
