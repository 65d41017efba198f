// Package fetch owns the periodic fetching of users' external mail
// accounts (외부메일 가져오기, issue 19): which external POP3/IMAP
// mailboxes a user keeps, their passwords sealed at rest, fetching one
// now, and the Runner that fetches the due ones in the background. The
// mail comes in through migrate.Importer (the mailbox service: size,
// quota, indexing, events), which never files the same bytes twice.
//
// Invariants:
//   - Every method takes the actor and reaches only the actor's own
//     external accounts: another account's is store.ErrNotFound.
//   - A password is never returned, logged or put in an error: the API
//     says only whether one is set. At rest it is sealed with AES-GCM
//     under the server key "external-accounts" (store.SecretStore).
//   - One external account is fetched by one node at a time: a fetch
//     runs only under a lease taken in the store (ClaimExternalAccount,
//     ClaimDueExternalAccounts) and shorter than it.
//   - What runs when is in the store (NextRun), never in a node's memory.
package fetch

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"postroom/internal/actor"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// Limits and defaults.
const (
	MaxAccounts = 5 // external accounts per user
	MaxName     = 100
	// Lease is how long a node holds an external account it fetches;
	// a fetch is cut at FetchTimeout, well inside it.
	Lease        = 15 * time.Minute
	FetchTimeout = 10 * time.Minute
	// MaxBackoff bounds the wait after repeated failures.
	MaxBackoff = 24 * time.Hour
)

// Everys are the schedules a user may choose, in minutes (0: only when
// asked, "지금 가져오기").
var Everys = []int{0, 10, 30, 60}

// Protocols and security modes.
const (
	POP3 = "pop3"
	IMAP = "imap"

	TLS      = "tls"
	STARTTLS = "starttls"
	None     = "none"
)

// Error kinds of a run, stable words the UI translates.
const (
	KindLogin   = "login"   // the server refused the user or password
	KindConnect = "connect" // no connection (name, refused, timeout)
	KindTLS     = "tls"     // TLS handshake or certificate
	KindQuota   = "quota"   // the account (or the server) is full
	KindPartial = "partial" // some messages could not be stored
	KindBusy    = "busy"    // another node is fetching it right now
	KindOther   = "other"
)

// Store is what the service keeps its state in.
type Store interface {
	store.ExternalAccountStore
	store.SecretStore
}

// Service reads and changes users' external accounts and fetches them.
// Store and Mail are required.
type Service struct {
	Store Store
	Mail  *mail.Service
	Log   *slog.Logger
	// Now is the clock of schedules and leases (time.Now when nil).
	Now func() time.Time
	// Node names this process in leases (host name and a random
	// suffix when empty).
	Node string
}

// ErrForbidden: the actor has no external accounts (an operator, say).
var ErrForbidden = errors.New("fetch: not a user")

// Account is one external account as the user sees it.
type Account struct {
	ID int64
	Settings
	PasswordSet   bool
	NextRun       time.Time // zero: not scheduled
	LastRun       time.Time // zero: never ran
	LastImported  int
	LastSkipped   int
	LastError     string
	LastErrorKind string
	Failures      int
	Running       bool // a node holds it now
}

// Settings are what the user sets.
type Settings struct {
	Name     string
	Protocol string
	Host     string
	Port     int // 0: the protocol's port for Security
	Security string
	// PlainOK is the user's consent to send the password unencrypted
	// (Security "none") to a host that is not this machine.
	PlainOK     bool
	User        string
	Password    string // "" on update: keep the one set
	Folder      string // "" = INBOX
	AllFolders  bool   // IMAP: every folder (kept by name), not INBOX only
	Leave       bool   // POP3: leave the messages on the server
	InsecureTLS bool
	Every       int // minutes, one of Everys
	Enabled     bool
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var defaultNode = func() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", h, os.Getpid(), rand.Text()[:6])
}()

func (s *Service) node() string {
	if s.Node != "" {
		return s.Node
	}
	return defaultNode
}

// owner is the account whose external accounts the actor reaches.
func owner(a actor.Actor) (int64, error) {
	if id, ok := a.OwnAccount(); ok {
		return id, nil
	}
	return 0, ErrForbidden
}

func (s *Service) fromStore(x *store.ExternalAccount) Account {
	return Account{ID: x.ID, Settings: Settings{Name: x.Name, Protocol: x.Protocol, Host: x.Host, Port: x.Port,
		Security: x.Security, PlainOK: x.Security == None && !isLoopback(x.Host), User: x.User, Folder: x.Folder,
		AllFolders: x.AllFolders, Leave: x.Leave, InsecureTLS: x.InsecureTLS, Every: x.EveryMinutes, Enabled: x.Enabled},
		PasswordSet: len(x.Password) > 0, NextRun: x.NextRun, LastRun: x.LastRun, LastImported: x.LastImported,
		LastSkipped: x.LastSkipped, LastError: x.LastError, LastErrorKind: x.LastErrorKind, Failures: x.Failures,
		Running: x.LeaseOwner != "" && x.LeaseUntil.After(s.now())}
}

// List returns the actor's external accounts.
func (s *Service) List(ctx context.Context, a actor.Actor) ([]Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	xs, err := s.Store.ExternalAccounts(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(xs))
	for i := range xs {
		out = append(out, s.fromStore(&xs[i]))
	}
	return out, nil
}

// Get returns one of the actor's external accounts. store.ErrNotFound.
func (s *Service) Get(ctx context.Context, a actor.Actor, id int64) (Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return Account{}, err
	}
	x, err := s.Store.ExternalAccount(ctx, accountID, id)
	if err != nil {
		return Account{}, err
	}
	return s.fromStore(x), nil
}

// schedule sets when x runs next after a change of its settings: at
// once when it runs by itself, never otherwise.
func (s *Service) schedule(x *store.ExternalAccount) {
	x.NextRun = time.Time{}
	if x.Enabled && x.EveryMinutes > 0 {
		x.NextRun = s.now()
	}
}

// Create checks in and stores it as a new external account of the actor.
func (s *Service) Create(ctx context.Context, a actor.Actor, in Settings) (Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return Account{}, err
	}
	if err := s.validate(ctx, a, &in, true); err != nil {
		return Account{}, err
	}
	x := &store.ExternalAccount{AccountID: accountID}
	in.apply(x)
	if x.Password, err = s.seal(ctx, accountID, in.Password); err != nil {
		return Account{}, err
	}
	s.schedule(x)
	if err := s.Store.CreateExternalAccount(ctx, x, MaxAccounts); err != nil {
		if errors.Is(err, store.ErrTooMany) {
			return Account{}, invalid("", "too_many")
		}
		return Account{}, err
	}
	s.log().Info("external account added", "account", a.Name, "id", x.ID, "protocol", x.Protocol, "host", x.Host)
	return s.fromStore(x), nil
}

// Update checks in and replaces the settings of the actor's external
// account id (its password too, unless in.Password is empty).
func (s *Service) Update(ctx context.Context, a actor.Actor, id int64, in Settings) (Account, error) {
	accountID, err := owner(a)
	if err != nil {
		return Account{}, err
	}
	x, err := s.Store.ExternalAccount(ctx, accountID, id)
	if err != nil {
		return Account{}, err
	}
	if err := s.validate(ctx, a, &in, false); err != nil {
		return Account{}, err
	}
	in.apply(x)
	if in.Password != "" {
		if x.Password, err = s.seal(ctx, accountID, in.Password); err != nil {
			return Account{}, err
		}
	}
	s.schedule(x)
	if err := s.Store.UpdateExternalAccount(ctx, x); err != nil {
		return Account{}, err
	}
	return s.fromStore(x), nil
}

// Delete removes one of the actor's external accounts (the mail it
// brought stays). store.ErrNotFound.
func (s *Service) Delete(ctx context.Context, a actor.Actor, id int64) error {
	accountID, err := owner(a)
	if err != nil {
		return err
	}
	return s.Store.DeleteExternalAccount(ctx, accountID, id)
}

func (in Settings) apply(x *store.ExternalAccount) {
	x.Name, x.Protocol, x.Host, x.Port, x.Security, x.User = in.Name, in.Protocol, in.Host, in.Port, in.Security, in.User
	x.Folder, x.AllFolders, x.Leave, x.InsecureTLS = in.Folder, in.AllFolders, in.Leave, in.InsecureTLS
	x.EveryMinutes, x.Enabled = in.Every, in.Enabled
}
