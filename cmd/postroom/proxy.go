package main

import (
	"fmt"
	"log/slog"
	"net"

	"postroom/internal/proxyproto"
)

// behindBalancer puts the PROXY protocol (internal/proxyproto, issue 20)
// on a listener when listen.proxy_protocol names load balancers, so that
// SMTP, IMAP, POP3 and the web see the client a balancer relays. It sits
// right on the socket: under the servers' connection limits (which then
// count clients, not the balancer) and under implicit TLS (the header
// comes before the handshake). The web listeners take it too, so that one
// TCP balancer serves every port and the web's login throttles count
// clients: the web server trusts no X-Forwarded-For, which any client
// could send. On an error l is closed.
func behindBalancer(balancers []string, name string, l net.Listener, log *slog.Logger) (net.Listener, error) {
	if len(balancers) == 0 {
		return l, nil
	}
	trusted, err := proxyproto.ParseTrusted(balancers)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("listen %s: %w", name, err)
	}
	pl := proxyproto.NewListener(l, trusted)
	pl.Name, pl.Log = name, log
	log.Info("proxy protocol", "listener", name, "balancers", balancers)
	return pl, nil
}
