package admin

// A domain's spam lists (M2): blocked senders and phrases its
// administrator sets for every account of the domain. They are checked
// and written in their canonical form exactly like an account's own
// lists (settings.CleanSpamLists), and internal/deliver applies them at
// delivery (blocked.go) whatever each account's spam.method.

import (
	"context"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/settings"
)

// SpamLists are a domain's blocked senders (addresses and whole domains,
// "@example.com" or "example.com") and blocked phrases.
type SpamLists struct {
	BlockedSenders []string `json:"blocked_senders"`
	BlockedPhrases []string `json:"blocked_phrases"`
}

// DomainSpam reads the spam lists of a domain the actor manages (empty
// lists, never nil, when none were set).
func (s *Service) DomainSpam(ctx context.Context, a actor.Actor, domain string) (SpamLists, error) {
	d, err := s.domainFor(ctx, a, domain)
	if err != nil {
		return SpamLists{}, err
	}
	return spamLists(d.BlockedSenders, d.BlockedPhrases), nil
}

// SetDomainSpam replaces the spam lists of a domain the actor manages
// once every entry is valid (an *InvalidError names the first that is
// not, "blocked_senders[2]", and nothing is saved). It returns the lists
// as saved: senders lower-case, phrases trimmed, repeats dropped.
func (s *Service) SetDomainSpam(ctx context.Context, a actor.Actor, domain string, l SpamLists) (SpamLists, error) {
	d, err := s.domainFor(ctx, a, domain)
	if err != nil {
		return SpamLists{}, err
	}
	senders := append([]string(nil), l.BlockedSenders...)
	phrases := append([]string(nil), l.BlockedPhrases...)
	if err := settings.CleanSpamLists("", senders, phrases); err != nil {
		if ie, ok := settings.IsInvalid(err); ok {
			return SpamLists{}, invalid(ie.Field, spamCodes[ie.Reason], "")
		}
		return SpamLists{}, err
	}
	saved := spamLists(dedupe(senders), dedupe(phrases))
	d.BlockedSenders, d.BlockedPhrases = saved.BlockedSenders, saved.BlockedPhrases
	if err := s.Store.UpdateDomain(ctx, d); err != nil {
		return SpamLists{}, fmt.Errorf("spam lists of %s: %w", d.Name, err)
	}
	s.audit(ctx, a, d.ID, "spam.update", d.Name, map[string]int{
		"blocked_senders": len(saved.BlockedSenders), "blocked_phrases": len(saved.BlockedPhrases)})
	return saved, nil
}

// spamCodes are the console's codes for the settings' reasons, which
// speak of a user's own page ("too_long" is a subject's there).
var spamCodes = map[string]string{
	"required":        "entry_required",
	"invalid_address": "invalid_sender",
	"too_long":        "phrase_too_long",
	"too_many":        "too_many_entries",
}

// spamLists makes the lists' JSON shape: empty lists rather than null.
func spamLists(senders, phrases []string) SpamLists {
	if senders == nil {
		senders = []string{}
	}
	if phrases == nil {
		phrases = []string{}
	}
	return SpamLists{BlockedSenders: senders, BlockedPhrases: phrases}
}

// dedupe drops later repeats, keeping the order in which they were given.
func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
