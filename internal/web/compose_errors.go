package web

import (
	"errors"
	"fmt"
	"net/http"

	"postroom/internal/compose"
	"postroom/internal/send"
)

// fieldError is the error answer of the writing routes: the code and
// message of every error, plus the field of the request at fault, the
// value to mark in it, and the size limit of a too_large.
type fieldError struct {
	Code    string `json:"code"`
	Reason  string `json:"reason,omitempty"` // why a value is invalid
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Limit   int64  `json:"limit,omitempty"`
}

// failField answers an error about one field of the request.
func (s *Server) failField(w http.ResponseWriter, r *http.Request, status int, code, field, value string) {
	writeJSON(w, status, map[string]fieldError{"error": {Code: code, Message: localized(r, code), Field: field, Value: value}})
}

// failTooLarge answers 413 with the limit, in bytes and in the message.
func (s *Server) failTooLarge(w http.ResponseWriter, r *http.Request, field string, limit int64) {
	writeJSON(w, http.StatusRequestEntityTooLarge, map[string]fieldError{"error": {Code: "too_large",
		Message: fmt.Sprintf(localized(r, "too_large"), humanSize(limit)), Field: field, Limit: limit}})
}

// humanSize writes a byte count the way file managers do (1 MB = 2^20).
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return trimZero(float64(n)/(1<<30)) + " GB"
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

// composeFail answers the errors of the writing routes: a field the user
// can fix (compose.Error, send.Error: 400, or 404 for a reference that is
// not the account's, 413 over a size limit, with the field), else as the
// store's.
func (s *Server) composeFail(w http.ResponseWriter, r *http.Request, err error) {
	var ce *compose.Error
	var se *send.Error
	switch {
	case errors.As(err, &ce):
		s.failField(w, r, http.StatusBadRequest, ce.Code, ce.Field, ce.Value)
	case errors.As(err, &se) && se.Code == send.CodeTooLarge:
		s.failTooLarge(w, r, se.Field, se.Limit)
	case errors.As(err, &se) && se.Code == send.CodeNotFound:
		s.failField(w, r, http.StatusNotFound, se.Code, se.Field, "")
	case errors.As(err, &se):
		s.failField(w, r, http.StatusBadRequest, se.Code, se.Field, se.Value)
	default:
		s.storeFail(w, r, err)
	}
}

// isComposeError reports whether err names a field of the request.
func isComposeError(err error) bool {
	var ce *compose.Error
	var se *send.Error
	return errors.As(err, &ce) || errors.As(err, &se)
}
