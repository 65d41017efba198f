package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/migrate"
	"postroom/internal/store"
)

// FetchNow fetches one of the actor's external accounts at once ("지금
// 가져오기") and returns it with the run's outcome (a failed fetch is an
// outcome, not an error). store.ErrConflict when it is being fetched
// already (by the Runner, another node, a click a moment ago).
func (s *Service) FetchNow(ctx context.Context, a actor.Actor, id int64) (Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return Account{}, err
	}
	x, err := s.Store.ClaimExternalAccount(ctx, accountID, id, s.node(), s.now(), Lease)
	if err != nil {
		return Account{}, err
	}
	s.run(ctx, x)
	return s.fromStore(x), nil
}

// run fetches x, which this node holds, and records the outcome (which
// ends the lease). Its errors are the outcome's, not the caller's.
func (s *Service) run(ctx context.Context, x *store.ExternalAccount) {
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	res, err := s.fetch(ctx, x)
	x.LastRun = s.now()
	x.LastImported, x.LastSkipped, x.LastError, x.LastErrorKind = 0, 0, "", ""
	if res != nil {
		x.LastImported, x.LastSkipped = res.Imported, res.Skipped
	}
	switch {
	case err != nil:
		x.LastErrorKind, x.LastError = kindOf(err), err.Error()
		x.Failures++
	case res != nil && len(res.Failed) > 0:
		x.LastErrorKind = KindPartial
		x.LastError = fmt.Sprintf("%d messages not stored; first: %s", len(res.Failed), res.Failed[0])
		x.Failures = 0
	default:
		x.Failures = 0
	}
	x.NextRun = s.next(x)
	log := s.log().With("account_id", x.AccountID, "external_id", x.ID, "host", x.Host, "protocol", x.Protocol)
	if err != nil {
		log.Warn("external fetch failed", "kind", x.LastErrorKind, "err", err, "failures", x.Failures, "next", x.NextRun)
	} else {
		log.Info("external fetch", "imported", x.LastImported, "skipped", x.LastSkipped, "not_stored", x.LastErrorKind == KindPartial)
	}
	// The outcome is recorded even when the fetch was cancelled.
	if err := s.Store.FinishExternalFetch(context.WithoutCancel(ctx), x, s.node()); err != nil {
		log.Error("external fetch: recording the outcome", "err", err)
	}
}

// next is when x runs again: after its period, longer after failures
// (doubling with each one in a row, at most MaxBackoff); never when it
// runs only on demand or is off.
func (s *Service) next(x *store.ExternalAccount) time.Time {
	if !x.Enabled || x.EveryMinutes <= 0 {
		return time.Time{}
	}
	wait := time.Duration(x.EveryMinutes) * time.Minute
	for range min(x.Failures, 10) {
		wait *= 2
	}
	return x.LastRun.Add(min(wait, MaxBackoff))
}

// fetch runs the import of x into its account.
func (s *Service) fetch(ctx context.Context, x *store.ExternalAccount) (*migrate.Result, error) {
	password, err := s.open(ctx, x.AccountID, x.Password)
	if err != nil {
		return nil, err
	}
	var res *migrate.Result
	im := &migrate.Importer{Mail: s.Mail, Progress: func(r *migrate.Result) { res = r }}
	var src migrate.Source
	switch x.Protocol {
	case POP3:
		src, err = s.pop3Source(ctx, x, password, &res)
	case IMAP:
		src = s.imapSource(x, password)
	default:
		err = fmt.Errorf("external account %d: protocol %q", x.ID, x.Protocol)
	}
	if err != nil {
		return nil, err
	}
	into := x.Folder
	if into == "INBOX" || (x.Protocol == IMAP && x.AllFolders) {
		into = "" // each message to its own folder (POP3's: the Inbox)
	}
	out, err := im.Import(ctx, actor.System(x.AccountID, "external fetch"), src, into)
	if out == nil {
		out = res
	}
	return out, err
}

// pop3Source reads x's maildrop, skipping the UIDLs fetched before and
// recording each one filed (so a "leave on server" account is not read
// again every time).
func (s *Service) pop3Source(ctx context.Context, x *store.ExternalAccount, password string, res **migrate.Result) (migrate.Source, error) {
	seen, err := s.Store.ExternalUIDLs(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	failed := 0
	return migrate.POP3{Host: x.Host, Port: x.Port, TLS: x.Security, User: x.User, Password: password, Leave: x.Leave,
		InsecureTLS: x.InsecureTLS, Seen: seen,
		Listed: func(uidls []string) error { return s.Store.KeepExternalUIDLs(ctx, x.ID, uidls) },
		Fetched: func(uidl string) (bool, error) {
			// The importer names a message it could not store in
			// Failed and goes on: that one stays on the server.
			if *res != nil && len((*res).Failed) > failed {
				failed = len((*res).Failed)
				return false, nil
			}
			return true, s.Store.AddExternalUIDL(ctx, x.ID, uidl, s.now())
		}}, nil
}

func (s *Service) imapSource(x *store.ExternalAccount, password string) migrate.Source {
	u := &url.URL{Scheme: "imaps", User: url.UserPassword(x.User, password), Host: net.JoinHostPort(x.Host, strconv.Itoa(x.Port))}
	if x.Security != TLS {
		// migrate.IMAP upgrades with STARTTLS whenever the server offers
		// it; "starttls" also refuses a server that does not.
		u.Scheme = "imap"
	}
	src := migrate.IMAP{URL: u, InsecureTLS: x.InsecureTLS, RequireTLS: x.Security == STARTTLS}
	if !x.AllFolders {
		src.Folders = []string{"INBOX"}
	}
	return src
}

// kindOf classifies a failed run for the user.
func kindOf(err error) string {
	var (
		opErr   *net.OpError
		dnsErr  *net.DNSError
		netErr  net.Error
		recErr  tls.RecordHeaderError
		certErr *tls.CertificateVerificationError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, migrate.ErrLoginRefused):
		return KindLogin
	case errors.Is(err, migrate.ErrNoTLS), errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &alert), errors.As(err, &unknown),
		errors.As(err, &host), errors.As(err, &invalid):
		return KindTLS
	case errors.Is(err, store.ErrOverQuota), errors.Is(err, mail.ErrStorageFull):
		return KindQuota
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial",
		errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return KindConnect
	}
	return KindOther
}
