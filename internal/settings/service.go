package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/store"
)

// ErrForbidden: the actor has no settings of its own (an operator, the
// system acting for an account).
var ErrForbidden = errors.New("settings: not a user")

// Store is what the service reads and writes.
type Store interface {
	store.SettingsStore
	// Account reads the account (its address is one of its own).
	Account(ctx context.Context, id int64) (*store.Account, error)
}

// Service reads and changes users' settings. Store is required.
type Service struct {
	Store    Store
	Defaults Defaults
	Log      *slog.Logger
}

// maxRetries bounds the compare-and-swap retries of one Patch: each
// retry means another save won, so only a storm of saves of one account
// gets this far.
const maxRetries = 20

// MaxPatch is the largest PATCH body the service reads (the lists at
// their limits fit with room).
const MaxPatch = 512 << 10

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// owner is the account whose settings the actor changes: a user's own.
func owner(a actor.Actor) (int64, error) {
	if id, ok := a.OwnAccount(); ok {
		return id, nil
	}
	return 0, ErrForbidden
}

// Get returns the actor's settings, every default filled in.
func (s *Service) Get(ctx context.Context, a actor.Actor) (Settings, error) {
	id, err := owner(a)
	if err != nil {
		return Settings{}, err
	}
	return s.ForAccount(ctx, id)
}

// ForAccount returns an account's settings with every default filled in,
// for the server's own use (delivery, sending): no actor, no tenancy.
func (s *Service) ForAccount(ctx context.Context, accountID int64) (Settings, error) {
	set, _, err := s.read(ctx, accountID)
	return set, err
}

// read returns the stored settings over the defaults, and the stored row.
func (s *Service) read(ctx context.Context, accountID int64) (Settings, *store.AccountSettings, error) {
	st, err := s.Store.AccountSettings(ctx, accountID)
	if err != nil {
		return Settings{}, nil, fmt.Errorf("settings of account %d: %w", accountID, err)
	}
	set := s.Defaults.settings()
	if len(st.Doc) > 0 {
		// a document of an older shape keeps the defaults of fields it lacks
		if err := json.Unmarshal(st.Doc, &set); err != nil {
			s.log().Error("settings: unreadable document, defaults used", "account", accountID, "err", err)
			set = s.Defaults.settings()
		}
	}
	set.Name, set.Language, set.TimeZone = st.DisplayName, st.Language, st.TimeZone
	set.normalize()
	return set, st, nil
}

// Patch changes the fields that patch (a JSON object of the Settings
// shape, any subset) names and returns the whole result. The others stay
// as stored even when another Patch saves meanwhile (the read, merge and
// check are done again on the newer version). An invalid value is an
// *InvalidError with its field path, and nothing is saved.
func (s *Service) Patch(ctx context.Context, a actor.Actor, patch []byte) (Settings, error) {
	id, err := owner(a)
	if err != nil {
		return Settings{}, err
	}
	return s.patch(ctx, id, patch)
}

// patch is Patch on the account id, whoever asked (checked by the caller).
func (s *Service) patch(ctx context.Context, id int64, patch []byte) (Settings, error) {
	if len(patch) > MaxPatch {
		return Settings{}, invalid("", "too_long")
	}
	return s.change(ctx, id, func(set *Settings) error { return merge(set, patch) })
}

// change applies fn to the account's settings, checks and saves them;
// on a conflict fn is applied again to the newer version.
func (s *Service) change(ctx context.Context, id int64, fn func(*Settings) error) (Settings, error) {
	acct, err := s.Store.Account(ctx, id)
	if err != nil {
		return Settings{}, fmt.Errorf("settings of account %d: %w", id, err)
	}
	own := []string{strings.ToLower(acct.Address())}
	for range maxRetries {
		set, st, err := s.read(ctx, id)
		if err != nil {
			return Settings{}, err
		}
		if err := fn(&set); err != nil {
			return Settings{}, err
		}
		set.normalize()
		if err := validate(&set, own, s.Defaults.maxSendDelay()); err != nil {
			return Settings{}, err
		}
		if st.Doc, err = json.Marshal(documentOf(set)); err != nil {
			return Settings{}, fmt.Errorf("settings of %s: %w", acct.Address(), err)
		}
		st.DisplayName, st.Language, st.TimeZone = set.Name, set.Language, set.TimeZone
		err = s.Store.SaveAccountSettings(ctx, st)
		if errors.Is(err, store.ErrConflict) {
			continue // another save won: merge onto it
		}
		if err != nil {
			return Settings{}, fmt.Errorf("save the settings of %s: %w", acct.Address(), err)
		}
		return set, nil
	}
	return Settings{}, fmt.Errorf("save the settings of %s: %w after %d tries", acct.Address(), store.ErrConflict, maxRetries)
}

// merge decodes patch over set: named fields replace (lists whole),
// others stay. Unknown fields and wrong types are refused by path.
func merge(set *Settings, patch []byte) error {
	trimmed := bytes.TrimSpace(patch)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalid("", "type")
	}
	if f := unknownField(trimmed, reflect.TypeFor[Settings](), ""); f != "" {
		return invalid(f, "unknown_field")
	}
	err := json.Unmarshal(trimmed, set)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return invalid(te.Field, "type")
	default:
		return invalid("", "type")
	}
}

// unknownField returns the path of the first member of the JSON object
// raw that the struct type t has no field for ("" when all are known; a
// value that is not an object is left to the decoder's type check).
func unknownField(raw []byte, t reflect.Type, prefix string) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return ""
	}
	names := slices.Sorted(maps.Keys(members))
	for _, name := range names {
		path := prefix + name
		f, ok := fieldByTag(t, name)
		if !ok {
			return path
		}
		if f.Type.Kind() == reflect.Struct {
			if u := unknownField(members[name], f.Type, path+"."); u != "" {
				return u
			}
		}
	}
	return ""
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for f := range t.Fields() {
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// normalize makes absent lists empty, so that they show as [] and not null.
func (s *Settings) normalize() {
	for _, l := range []*[]string{&s.Forwarding.Addresses, &s.Spam.BlockedSenders, &s.Spam.BlockedPhrases} {
		if *l == nil {
			*l = []string{}
		}
	}
}

// documentOf is what the settings row keeps: everything but the account
// row's own fields, so that each value lives in one place.
func documentOf(s Settings) Settings {
	s.Name, s.Language, s.TimeZone = "", "", ""
	return s
}
