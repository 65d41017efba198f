package web

// Reading a JSON request body. One rule for every route: the body is
// application/json (RFC 8259 §11) — an HTML form on another site can
// send urlencoded, multipart and text/plain bodies without the browser
// asking us first (a CORS "simple" request), never JSON; it holds one
// JSON value and nothing after it but white space; and it is no larger
// than its route allows, so that a request costs memory in proportion to
// a bound, not to what the client chose to send.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
)

// maxSmallJSON bounds the bodies of every route but the writing ones
// (a login, a folder, an action on up to maxActionIDs messages).
const maxSmallJSON = 1 << 20

var (
	errNotJSON  = errors.New("the body is not application/json")
	errTrailing = errors.New("data after the JSON value")
)

// decode reads the request's JSON body into v, bounded by maxSmallJSON;
// unknown fields are an error. Answer its error with failDecode.
func decode(r *http.Request, v any) error {
	return decodeLimit(nil, r, v, maxSmallJSON)
}

// decodeLimit reads the request's JSON body into v (readBody, then
// unmarshal).
func decodeLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	raw, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return unmarshal(raw, v)
}

// readBody reads the request's JSON body whole: refused before reading a
// byte when it is not JSON or announces more than limit; else read up to
// limit (a *http.MaxBytesError beyond) into a buffer of the announced
// size.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, errNotJSON
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	var b bytes.Buffer
	b.Grow(int(max(r.ContentLength, 0)) + bytes.MinRead)
	_, err = b.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	return b.Bytes(), err
}

// unmarshal reads one JSON value from raw into v, with nothing after it
// but white space; unknown fields are an error.
func unmarshal(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

// failDecode answers an error of decode: 415 for a body that is not
// JSON, 413 too_large over the limit, 408 when the body did not arrive
// in time (http.read_timeout), else 400 bad_request.
func (s *Server) failDecode(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errNotJSON):
		s.fail(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type")
	case errors.As(err, &tooBig):
		s.failTooLarge(w, r, "", tooBig.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		s.fail(w, r, http.StatusRequestTimeout, "request_timeout")
	default:
		s.fail(w, r, http.StatusBadRequest, "bad_request")
	}
}
