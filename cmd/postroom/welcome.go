package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"

	"postroom/internal/actor"
)

// welcome prints what whoever started the server needs first: where the
// webmail and the console are, how the operator logs in (the password
// itself only when it was just made), and what to do while no domain
// exists yet.
func welcome(ctx context.Context, out io.Writer, d *dataDir, newPassword, url string) error {
	doms, err := adminService(d).Domains(ctx, actor.CommandLine)
	if err != nil {
		return err
	}
	saved := filepath.Join(d.Config.DataDir, operatorFile)
	fmt.Fprintf(out, "postroom: data in %s\n", d.Config.DataDir)
	if url != "" {
		fmt.Fprintf(out, "webmail and console: %s\n", url)
	}
	if newPassword != "" {
		fmt.Fprintf(out, "operator login: %s / %s (saved in %s)\n", OperatorName, newPassword, saved)
	} else {
		fmt.Fprintf(out, "operator login: %s (password in %s)\n", OperatorName, saved)
	}
	if len(doms) == 0 {
		where := "the console"
		if url != "" {
			where = url
		}
		fmt.Fprintf(out, "next: no domain yet: log in at %s as %s and add your domain, its administrator and users\n", where, OperatorName)
	}
	return nil
}

// webURL is the address to open in a browser: HTTPS when it listens,
// else plain HTTP; a listener on every interface is named by the host
// name, a default port left out.
func webURL(https, http, hostname string) string {
	scheme, addr := "https", https
	if addr == "" {
		scheme, addr = "http", http
	}
	if addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = hostname
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		return scheme + "://" + hostForURL(host) + "/"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

func hostForURL(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return "[" + host + "]"
	}
	return host
}
