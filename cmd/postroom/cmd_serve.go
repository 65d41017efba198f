package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"postroom/internal/auth"
	"postroom/internal/blob"
	"postroom/internal/carddav"
	"postroom/internal/certs"
	"postroom/internal/connlimit"
	"postroom/internal/contacts"
	"postroom/internal/deliver"
	"postroom/internal/dkim"
	"postroom/internal/fetch"
	"postroom/internal/filters"
	"postroom/internal/imapd"
	"postroom/internal/jobs"
	"postroom/internal/mail"
	"postroom/internal/metrics"
	"postroom/internal/migrate"
	"postroom/internal/pop3d"
	"postroom/internal/queue"
	"postroom/internal/receipts"
	"postroom/internal/resolver"
	"postroom/internal/send"
	"postroom/internal/settings"
	"postroom/internal/smtpclient"
	"postroom/internal/smtpd"
	"postroom/internal/spam"
	"postroom/internal/store"
	"postroom/internal/web"
)

// shutdownGrace is how long transactions in flight may take to finish
// after SIGTERM before connections are closed.
const shutdownGrace = 30 * time.Second

func cmdServe(ctx context.Context, args []string, out io.Writer) error {
	fs, data := newFlags("serve")
	configPath := fs.String("config", "", "config file (default DATA/postroom.toml)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof) to FILE when the server stops")
	memProfile := fs.String("memprofile", "", "write an allocation profile (pprof) to FILE when the server stops")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: serve takes no arguments", errUsage)
	}
	stopProfiles, err := profiles(*cpuProfile, *memProfile) // profile.go
	if err != nil {
		return err
	}
	defer stopProfiles()
	d, err := openData(*data, *configPath)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := d.Config
	log := slog.New(logHandler(cfg.LogFormat, os.Stderr)) // log_format.go
	if err := makeBlobDirs(d.Blobs); err != nil {
		return err
	}

	pw, err := ensureOperator(ctx, d)
	if err != nil {
		return err
	}
	// Events travel through the store's event log (SQLite) or between
	// the nodes (PostgreSQL NOTIFY): what the command line or another node
	// changes reaches IMAP IDLE and the webmail's event streams. The
	// follower starts before "ready": nothing committed after it is missed.
	bus := d.events()
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	if err := d.bus.follow(followCtx, log); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	dns := resolver.Cached(resolver.New(cfg.DNSServer)) // cache.go: SPF, DMARC and iprev ask the same for every message
	mailSvc := &mail.Service{Store: d.Store, Blobs: d.Blobs, Events: bus, MaxMessageSize: cfg.MaxMessageSize}
	// Before anything is served: the messages whose rows committed and
	// whose files a crash kept from the disk go (mail/append_later.go).
	// A file that cannot be checked keeps its mark for the next start.
	if r, err := mailSvc.RecoverPendingBlobs(ctx); err != nil {
		log.Error("check the message files pending at the last stop", "err", err)
	} else if r.Missing > 0 {
		log.Warn("messages expunged: their files never got to disk (a crash before their APPEND was answered)",
			"files", r.Missing, "messages", r.Expunged)
	}
	pipeline := &deliver.Pipeline{Store: d.Store, Blobs: d.Blobs, Mail: mailSvc, Hostname: cfg.Hostname,
		Resolver: dns, Log: log}
	// certificates for the host name and, over ACME, the names of the
	// domains the pipeline hosts
	certSrc, err := certSource(cfg, d.Store, pipeline.IsLocalDomain, log)
	if err != nil {
		return err
	}
	tlsConf := certs.ServerConfig(certSrc)
	// the learning spam filter (issue 18): users' reports and moves into
	// and out of Spam train it, delivery asks it
	learner := &spam.Learner{Store: d.Store, Blobs: d.Blobs, Log: log}
	mailSvc.Hooks.Spam, pipeline.Classifier = learner.Judged, learner
	// the DNS block lists of [spam] dnsbl (off by default): points of
	// the verdict of mail from the internet
	if len(cfg.Spam.DNSBL) > 0 {
		pipeline.DNSBL = &spam.DNSBL{Zones: cfg.Spam.DNSBL, Resolver: dns, Timeout: time.Duration(cfg.Spam.DNSBLTimeout), Log: log}
	}
	// each user's settings; the config's undo_send is the default delay
	settingsSvc := &settings.Service{Store: d.Store, Defaults: settings.Defaults{SendDelay: time.Duration(cfg.UndoSend)}, Log: log}
	// what a user's settings do to his incoming mail (S2, S5): spam first
	// (neither answered nor forwarded), the forward last (it may leave
	// nothing to store); filter rules belong between Blocked and Vacation
	pipeline.Settings = settingsSvc
	// filter rules (S4) and the background jobs that apply them to mail
	// already received; a rule's move wins over the Spam folder
	// (deliver/filters.go); jobs a dead node left are taken over
	jobRunner := &jobs.Runner{Store: d.Store, Log: log}
	metrics.WatchQueue(d.Store.QueueSummary, time.Now)
	if err := jobRunner.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	defer jobRunner.Close()
	filterSvc := &filters.Service{Store: d.Store, Mail: mailSvc, Jobs: jobRunner, Log: log}
	filterSvc.RegisterJobs()
	contactsSvc := &contacts.Service{Store: d.Store, Sent: mailSvc, Directory: adminService(d), Log: log}
	pipeline.Steps = append(pipeline.Steps, pipeline.Blocked, pipeline.Filters(filterSvc), pipeline.Vacation, pipeline.Forward)
	sendSvc := &send.Service{Store: d.Store, Blobs: d.Blobs, Mail: mailSvc, Pipeline: pipeline, MaxMessageSize: cfg.MaxMessageSize,
		MaxRecipients: cfg.MaxRecipients, UndoDelay: time.Duration(cfg.UndoSend), InternalRecipients: cfg.AllowInternalRecipients, Log: log,
		Prefs: sendPrefs(settingsSvc), Contacts: contactsSvc, MessagesPerHour: cfg.Limits.MessagesPerHour}
	smtpSrv := &smtpd.Server{
		Hostname: cfg.Hostname, Deliver: pipeline, Send: sendSvc, Auth: auth.NewAuthenticator(d.Store, cfg.AllowPlaintextAuth),
		TLS: tlsConf, MaxMessageSize: cfg.MaxMessageSize, MaxRecipients: cfg.MaxRecipients,
		MaxConnsPerIP: cfg.MaxConnectionsPerIP, Spool: filepath.Join(cfg.DataDir, "spool"), Log: log,
	}

	imapSrv := &imapd.Server{
		Mail: mailSvc, Events: bus, Auth: smtpSrv.Auth, TLS: tlsConf,
		MaxMessageSize: cfg.MaxMessageSize, MaxConnsPerIP: cfg.MaxConnectionsPerIP,
		MaxConnsPerUser: cfg.MaxConnectionsPerUser, Log: log,
	}

	client := &smtpclient.Client{Resolver: dns, Hostname: cfg.Hostname, PerDomain: 5, STSFetch: smtpclient.FetchSTSPolicy}
	if cfg.Relay.Host != "" {
		r := smtpclient.Relay(cfg.Relay)
		client.Relay = &r
	}
	worker := &queue.Worker{Store: d.Store, Blobs: d.Blobs, Client: client, Pipeline: pipeline, Mail: mailSvc,
		Hostname: cfg.Hostname, Parallel: 10, Log: log, Sign: dkim.Signer(d.Store), Lifetime: time.Duration(cfg.QueueLifetime),
		Lease: time.Duration(cfg.QueueLease)}
	pipeline.Queued = worker.Notify
	pipeline.Bounce = worker.BounceRejected
	// read receipts and recall (issue 18, E6): sends record them, delivery
	// links the copies, reads and the queue's failures update them
	receiptsSvc := &receipts.Service{Store: d.Store, Mail: mailSvc, Log: log}
	mailSvc.Hooks.Read, pipeline.Delivered, worker.Failed = receiptsSvc.Read, receiptsSvc.Delivered, receiptsSvc.Failed
	// disposition notifications back from the internet, the 수신확인
	// view's live update, and the recipient's answers (RFC 8098)
	pipeline.Reported, receiptsSvc.Events, receiptsSvc.Reader = receiptsSvc.Reported, bus, mailSvc
	receiptsSvc.Responder = &receipts.Responder{Settings: settingsSvc, Notices: sendSvc, Hostname: cfg.Hostname}
	receiptsSvc.ImageURL = trackingImageURL(cfg.Hostname, cfg.Listen.HTTPS) // used only where a domain turns it on
	worker.Personal = receiptsSvc.ImageCopies                               // each external recipient's own image
	sendSvc.Receipts = receiptsSvc
	queueCtx, stopQueue := context.WithCancel(ctx)
	defer stopQueue()
	queueDone := make(chan struct{})
	go func() { worker.Run(queueCtx); close(queueDone) }()

	pop3Srv := &pop3d.Server{
		Hostname: cfg.Hostname, Mail: mailSvc, Auth: smtpSrv.Auth, TLS: tlsConf,
		MaxConnsPerIP: cfg.MaxConnectionsPerIP, Log: log,
	}

	// the domains' security policies (M7–M12): the webmail's access
	// rules, auto logout, password rules and ages, the login watch's mail
	policies := &auth.Policies{Store: d.Store, Mail: worker.SendSystem, Log: log}
	sessions := &auth.Sessions{Store: d.Store, Auth: smtpSrv.Auth, Policy: policies, Ages: policies, Watch: policies,
		Links: d.Store, Events: bus, Log: log}
	// one key for every node and restart: links keep their ids
	idKey, err := d.Store.Secret(ctx, "web-ids", 32)
	if err != nil {
		return fmt.Errorf("the web API's id key: %w", err)
	}
	// One administrators' service behind the consoles and the integration
	// API: mailbox copies (M5) and bulk deletions (M3) run as jobs and
	// file mail through the mail service; the console sets users'
	// recovery e-mail (M3); login links (M14) live LinkLife.
	adm := adminService(d)
	adm.Mail, adm.Jobs, adm.Recovery, adm.Log = mailSvc, jobRunner, settingsSvc, log
	adm.RegisterJobs()
	adm.LinkLife = time.Duration(cfg.HTTP.LoginLinkLife)
	webSrv := &web.Server{IDKey: idKey, Mail: mailSvc, Sessions: sessions, Accounts: adm, Events: bus, Log: log,
		Ready: func(ctx context.Context) error { _, err := d.Store.Domains(ctx); return err }, HTTPSAddr: cfg.Listen.HTTPS,
		Send: sendSvc, Admin: adm, Hostname: cfg.Hostname, Settings: settingsSvc,
		MaxJSONSize: cfg.HTTP.MaxJSONSize, MaxStreamsPerAccount: cfg.HTTP.MaxEventStreamsPerUser,
		MetricsToken: cfg.HTTP.MetricsToken}
	webSrv.Passwords = &auth.Passwords{Store: d.Store, Sessions: sessions, Policies: policies, Reset: auth.ResetConfig{Mail: worker.SendSystem,
		Recovery: recoveryOf(settingsSvc), Link: resetLink(cfg.Hostname, cfg.Listen.HTTPS)}}
	// A slow client is cut off: the header, a whole request (the event
	// stream lifts its read deadline), a keep-alive connection between
	// requests each have their time (config [http]).
	httpSrv := &http.Server{Handler: webSrv.Handler(), ReadHeaderTimeout: time.Duration(cfg.HTTP.HeaderTimeout),
		ReadTimeout: time.Duration(cfg.HTTP.ReadTimeout), IdleTimeout: time.Duration(cfg.HTTP.IdleTimeout),
		ConnState: connlimit.HTTPConnState}
	httpSrv.RegisterOnShutdown(webSrv.EndStreams) // the event streams would hold the shutdown
	if a, ok := certSrc.(*certs.ACME); ok {
		httpSrv.Handler = a.HTTPHandler(httpSrv.Handler) // the CA's HTTP-01 challenges
	}
	// Settings > 외부메일 가져오기: users' external POP3/IMAP accounts,
	// fetched when due by a runner that claims each in the store (one
	// node at a time); it stops with the queue, before the store closes.
	fetchSvc := &fetch.Service{Store: d.Store, Mail: mailSvc, Log: log}
	webSrv.External = fetchSvc
	webSrv.Receipts = receiptsSvc // Email > 수신확인
	fetchDone := make(chan struct{})
	go func() { (&fetch.Runner{Service: fetchSvc}).Run(queueCtx); close(fetchDone) }()
	// Settings > Mail server information and Access log (S6, P4, P7, S8).
	webSrv.Clients = &auth.Clients{Store: d.Store, Events: bus, Servers: auth.Endpoints(cfg.Hostname, cfg.Listen)}
	webSrv.Logins = &auth.LoginLog{Store: d.Store}
	webSrv.Filters, webSrv.Jobs = filterSvc, jobRunner // Settings > Filter rules (S4)
	importer := &migrate.UploadImporter{Mail: mailSvc, Uploads: sendSvc, Jobs: jobRunner, Log: log}
	importer.RegisterJobs()
	webSrv.Imports = importer     // 메일함 관리 > 가져오기
	webSrv.Contacts = contactsSvc // Contacts (C1–C4), and their CardDAV sync
	webSrv.DAV = &carddav.Handler{Contacts: contactsSvc, Auth: smtpSrv.Auth, Log: log}
	// the domain console (M1–M14), its audit log, the integration API's
	// tokens and login links
	webSrv.Org, webSrv.Tokens, webSrv.LoginLinks, webSrv.Audit = adm, adm, adm, adm
	// Every listener's connections count against one budget, sized from
	// the open-file limit once the listeners are open (below), so that a
	// flood of connections never takes the descriptors of the sessions
	// already served, the database and the message files. HTTP
	// connections waiting for a request give way to newcomers.
	var budget *connlimit.Budget
	webListener := func(l net.Listener, refusal string) net.Listener {
		cl := connlimit.New(l, cfg.HTTP.MaxConnectionsPerIP, refusal)
		cl.Budget, cl.Shed, cl.Log, cl.Name = budget, true, log, "http"
		if refusal == "" {
			cl.Name = "https"
		}
		return cl
	}
	serveHTTPS := func(l net.Listener) error {
		err := httpSrv.Serve(tls.NewListener(webListener(l, ""), certs.HTTPSConfig(certSrc)))
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
	serveHTTP := func(l net.Listener) error {
		err := httpSrv.Serve(webListener(l, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\n"+
			"Content-Length: 0\r\nConnection: close\r\n\r\n"))
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}

	type listener struct {
		name, addr string
		serve      func(net.Listener) error
	}
	var ls []net.Listener
	closeAll := func() {
		for _, l := range ls {
			l.Close()
		}
	}
	errs := make(chan error, 8)
	var open []listener
	for _, l := range []listener{
		{"smtp", cfg.Listen.SMTP, func(l net.Listener) error { return smtpSrv.Serve(l, smtpd.RoleMX) }},
		{"submission", cfg.Listen.Submission, func(l net.Listener) error { return smtpSrv.Serve(l, smtpd.RoleSubmission) }},
		{"submissions", cfg.Listen.Submissions, func(l net.Listener) error { return smtpSrv.Serve(l, smtpd.RoleSubmissions) }},
		{"imap", cfg.Listen.IMAP, func(l net.Listener) error { return imapSrv.Serve(l, false) }},
		{"imaps", cfg.Listen.IMAPS, func(l net.Listener) error { return imapSrv.Serve(l, true) }},
		{"pop3", cfg.Listen.POP3, func(l net.Listener) error { return pop3Srv.Serve(l, false) }},
		{"pop3s", cfg.Listen.POP3S, func(l net.Listener) error { return pop3Srv.Serve(l, true) }},
		{"http", cfg.Listen.HTTP, serveHTTP},
		{"https", cfg.Listen.HTTPS, serveHTTPS},
	} {
		if l.addr == "" {
			continue
		}
		nl, err := net.Listen("tcp", l.addr)
		if err == nil {
			nl, err = behindBalancer(cfg.Listen.ProxyProtocol, l.name, nl, log) // proxy.go
		}
		if err != nil {
			closeAll()
			return fmt.Errorf("listen %s on %s: %w", l.name, l.addr, err)
		}
		ls = append(ls, nl)
		l.addr = nl.Addr().String()
		open = append(open, l)
	}
	budget, limit, reserve := connlimit.DescriptorBudget()
	smtpSrv.Budget, imapSrv.Budget, pop3Srv.Budget = budget, budget, budget
	log.Info("connections", "budget", budget.Max(), "open_file_limit", limit, "reserve", reserve)
	if budget.Max() > 0 && budget.Max() < 1000 {
		log.Warn("few connections allowed: raise the open-file limit (ulimit -n, LimitNOFILE=)", "budget", budget.Max())
	}
	// The first lines say where to go and what to type.
	web := map[string]string{}
	for _, l := range open {
		web[l.name] = l.addr
	}
	if err := welcome(ctx, out, d, pw, webURL(web["https"], web["http"], cfg.Hostname)); err != nil {
		closeAll()
		return err
	}
	// a SIGTERM right after "ready" (a supervisor's, a test's) must find
	// the handler: the server then stops cleanly, it is not killed
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sig)
	for i, l := range open {
		fmt.Fprintf(out, "listening: %s %s\n", l.name, l.addr)
		go func() { errs <- l.serve(ls[i]) }()
	}
	fmt.Fprintln(out, "ready")

	gcCtx, stopGC := context.WithCancel(ctx)
	defer stopGC()
	go hourly(gcCtx, d.Blobs, d.Store, log)
	go checkpointWhenIdle(gcCtx, d.Store, log)
	go mailSvc.RunIndexer(gcCtx, indexPoll, log)
	go purgeSpamHourly(gcCtx, pipeline, log)

	select {
	case s := <-sig:
		log.Info("shutting down", "signal", s.String())
		webSrv.Drain() // /readyz answers 503 before the listeners close
	case err := <-errs:
		log.Error("listener failed", "err", err)
		closeAll()
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for name, shutdown := range map[string]func(context.Context) error{"smtp": smtpSrv.Shutdown, "imap": imapSrv.Shutdown, "pop3": pop3Srv.Shutdown, "http": httpSrv.Shutdown} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := shutdown(sctx); err != nil {
				log.Warn("shutdown", "server", name, "err", err)
			}
		}()
	}
	wg.Wait()
	stopQueue()
	<-queueDone
	<-fetchDone
	client.Close()
	log.Info("stopped")
	return nil
}

// indexPoll is how often the search indexer looks for messages that wait
// for their terms without having been told (internal/mail/index_later.go):
// those another process stored.
const indexPoll = 30 * time.Second

// idleCheck is how often the embedded database is asked whether writes
// stopped: its write-ahead log is truncated 5 to 10 s after the last one.
const idleCheck = 5 * time.Second

// checkpointWhenIdle gives the embedded database's write-ahead log back to
// the disk once the server is quiet (internal/store/sqlite/checkpoint.go).
func checkpointWhenIdle(ctx context.Context, st store.Store, log *slog.Logger) {
	c, ok := st.(interface {
		CheckpointIfIdle(context.Context) (bool, error)
	})
	if !ok {
		return
	}
	every(ctx, idleCheck, func() {
		if _, err := c.CheckpointIfIdle(ctx); err != nil && ctx.Err() == nil {
			log.Error("store checkpoint", "err", err)
		}
	})
}

// every calls fn every period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fn()
	}
}

// hourly is the server's maintenance: every hour it removes unreferenced
// message files, refreshes the embedded database's planner statistics as
// folders grow, and forgets expired rate-limit counters.
func hourly(ctx context.Context, blobs blob.Backend, st store.Store, log *slog.Logger) {
	every(ctx, time.Hour, func() {
		res, err := blobs.GC(ctx, st, blob.DefaultGrace)
		switch {
		case err != nil:
			log.Error("blob gc", "err", err)
		case res.Removed > 0:
			log.Info("blob gc", "removed", res.Removed, "bytes", res.Bytes)
		}
		if o, ok := st.(interface{ Optimize(context.Context) error }); ok {
			if err := o.Optimize(ctx); err != nil {
				log.Error("store optimize", "err", err)
			}
		}
		// no rate limit looks back a day
		if _, err := st.TrimHits(ctx, time.Now().Add(-24*time.Hour)); err != nil {
			log.Error("rate-limit counters", "err", err)
		}
	})
}
