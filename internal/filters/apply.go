package filters

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/message"
	"postroom/internal/store"
)

// Mailboxes is the mailbox service as the rules use it (*mail.Service):
// checking that a folder is the actor's, and reading and filing the mail
// of a folder a rule is applied to.
type Mailboxes interface {
	Mailbox(ctx context.Context, a actor.Actor, id int64) (*store.Mailbox, error)
	UIDs(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]uint32, error)
	MessagesByUID(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (map[uint32]*store.Message, error)
	Bytes(ctx context.Context, a actor.Actor, m *store.Message) ([]byte, error)
	Move(ctx context.Context, a actor.Actor, srcID, dstID int64, uids []uint32) (src, dst []uint32, err error)
	StoreFlags(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32, op store.FlagOp, flags []string) ([]store.Message, error)
	Delete(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (int, error)
}

// JobApply is the kind of the job Apply starts.
const JobApply = "filter_apply"

// ApplyBatch is how many messages the apply job reads and files at once:
// one progress step.
const ApplyBatch = 100

// ApplyResult is what an apply job reports when it is done.
type ApplyResult struct {
	Matched    int `json:"matched"`
	Moved      int `json:"moved"`
	MarkedRead int `json:"marked_read"`
	Deleted    int `json:"deleted"`
}

// ForDelivery decides what accountID's rules do with an incoming
// message: the server's own call (delivery), no actor.
func (s *Service) ForDelivery(ctx context.Context, accountID int64, m Message) (Decision, error) {
	rules, err := s.forAccount(ctx, accountID)
	if err != nil {
		return Decision{}, fmt.Errorf("filters of account %d: %w", accountID, err)
	}
	return Decide(rules, m), nil
}

// Apply runs the actor's rule id over the mail of one of its folders as
// a background job, which it returns (follow it with the jobs runner).
// The rule applies even while switched off (the user asked for it).
// Existing mail is moved, marked read and deleted (to Trash, as the
// user's delete; in Trash or Spam for good) but never forwarded:
// sending a folder's old mail elsewhere by one click cannot be undone,
// and is not what "apply to received mail" promises (S4). The changes
// are the server's (actor.System): marking read by a rule is no one
// reading, so read receipts do not go.
func (s *Service) Apply(ctx context.Context, a actor.Actor, id, mailboxID int64) (*store.Job, error) {
	f, err := s.Get(ctx, a, id) // the actor's own rule (Get refuses one who has no account)
	if err != nil {
		return nil, err
	}
	if _, err := s.Mail.Mailbox(ctx, a, mailboxID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalid("mailbox", "not_found")
		}
		return nil, err
	}
	if s.Jobs == nil {
		return nil, errors.New("filters: no job runner")
	}
	s.RegisterJobs()
	return s.Jobs.Submit(ctx, a, JobApply, applyParams{Filter: f.ID, Mailbox: mailboxID})
}

// RegisterJobs makes the apply job (JobApply) runnable by the service's
// runner. Every node calls it where it is wired, so that any node runs
// a job another node submitted or lost; Apply calls it again before it
// submits, which keeps a runner wired without it working (registering
// again replaces).
func (s *Service) RegisterJobs() {
	if s.Jobs != nil {
		s.Jobs.Register(JobApply, s.runApply)
	}
}

// applyParams are an apply job's params.
type applyParams struct {
	Filter  int64 `json:"filter"`
	Mailbox int64 `json:"mailbox"`
}

// runApply is the job of JobApply, for the account of the user a who
// asked. The rule is read when the job runs, on whichever node claims
// it. Run again after a node died in the middle, it is applied to what
// the folder holds then: what the first run moved or deleted is gone
// from it, what it marked read is read already, so nothing is done
// twice (the result counts the last run's work).
func (s *Service) runApply(ctx context.Context, p *jobs.Progress, a actor.Actor, raw []byte) (any, error) {
	var params applyParams
	if err := json.Unmarshal(raw, &params); err != nil {
		return nil, fmt.Errorf("%s job: params: %w", JobApply, err)
	}
	accountID, err := owner(a)
	if err != nil {
		return nil, err
	}
	sf, err := s.Store.Filter(ctx, accountID, params.Filter)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errors.New("the rule is gone") // the job's error, shown to the user
	}
	if err != nil {
		return nil, fmt.Errorf("filter %d: %w", params.Filter, err)
	}
	f, err := fromStore(*sf)
	if err != nil {
		return nil, err
	}
	f.Enabled = true
	return s.apply(ctx, actor.System(accountID, "filter rule"), f, params.Mailbox, p)
}

func (s *Service) apply(ctx context.Context, sys actor.Actor, f Filter, mailboxID int64, p *jobs.Progress) (*ApplyResult, error) {
	uids, err := s.Mail.UIDs(ctx, sys, mailboxID, 0)
	if err != nil {
		return nil, fmt.Errorf("the folder's messages: %w", err)
	}
	if err := p.SetTotal(ctx, int64(len(uids))); err != nil {
		return nil, err
	}
	var res ApplyResult
	for len(uids) > 0 {
		batch := uids[:min(ApplyBatch, len(uids))]
		uids = uids[len(batch):]
		if err := s.applyBatch(ctx, sys, f, mailboxID, batch, &res); err != nil {
			return nil, err
		}
		if err := p.Step(ctx, int64(len(batch))); err != nil {
			return nil, err
		}
	}
	s.log().Info("filter applied", "account", sys.AccountID, "filter", f.ID, "mailbox", mailboxID,
		"matched", res.Matched, "moved", res.Moved, "deleted", res.Deleted)
	return &res, nil
}

// applyBatch files one batch: marks read first (in the folder the
// messages are in), then deletes or moves.
func (s *Service) applyBatch(ctx context.Context, sys actor.Actor, f Filter, mailboxID int64, uids []uint32, res *ApplyResult) error {
	msgs, err := s.Mail.MessagesByUID(ctx, sys, mailboxID, uids)
	if err != nil {
		return err
	}
	var read, del []uint32
	moves := map[int64][]uint32{}
	for _, uid := range uids {
		m := msgs[uid]
		if m == nil {
			continue // gone meanwhile
		}
		var bodyErr error
		d := Decide([]Filter{f}, Message{Envelope: &m.Envelope, Body: func() string {
			raw, err := s.Mail.Bytes(ctx, sys, m)
			if err != nil {
				bodyErr = err
				return ""
			}
			return message.Parse(raw).TextPrefix(maxBody)
		}})
		if bodyErr != nil {
			return fmt.Errorf("message %d: %w", m.ID, bodyErr)
		}
		if len(d.Matched) == 0 {
			continue
		}
		res.Matched++
		if d.MarkRead && !m.HasFlag(store.FlagSeen) {
			read = append(read, uid)
		}
		switch {
		case d.Delete:
			del = append(del, uid)
		case d.MailboxID != 0 && d.MailboxID != mailboxID:
			moves[d.MailboxID] = append(moves[d.MailboxID], uid)
		}
	}
	if len(read) > 0 {
		changed, err := s.Mail.StoreFlags(ctx, sys, mailboxID, read, store.FlagsAdd, []string{store.FlagSeen})
		if err != nil {
			return err
		}
		res.MarkedRead += len(changed)
	}
	if len(del) > 0 {
		n, err := s.Mail.Delete(ctx, sys, mailboxID, del)
		if err != nil {
			return err
		}
		res.Deleted += n
	}
	for dst, list := range moves {
		src, _, err := s.Mail.Move(ctx, sys, mailboxID, dst, list)
		if errors.Is(err, store.ErrNotFound) {
			return errors.New("the rule's folder is gone") // the job's error, shown to the user
		}
		if err != nil {
			return err
		}
		res.Moved += len(src)
	}
	return nil
}
