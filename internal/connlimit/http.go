package connlimit

import (
	"net"
	"net/http"
)

// HTTPConnState is the ConnState of an http.Server serving listeners with
// Shed: a connection waits (and may be closed for a newcomer) while it is
// new, before a whole request has arrived, and while it is idle between
// two requests (keep-alive); it is busy while a handler runs, which is
// also where the event stream lives.
func HTTPConnState(c net.Conn, state http.ConnState) {
	for c != nil {
		switch x := c.(type) {
		case *conn:
			x.SetWaiting(state == http.StateNew || state == http.StateIdle)
			return
		case interface{ NetConn() net.Conn }: // *tls.Conn
			c = x.NetConn()
		case interface{ Unwrap() net.Conn }:
			c = x.Unwrap()
		default:
			return
		}
	}
}
