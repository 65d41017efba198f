package admin

// Mailbox copy (M5, 메일박스 복사): an administrator copies every folder
// of one user of his domain into another user of the same domain, as a
// background job with progress.
//
// Invariants:
//   - Both accounts are the actor's (another domain's is ErrNotFound) and
//     of one domain; the source is never the target.
//   - A source message is copied into a target at most once, ever: what
//     was copied is recorded (store.MailboxCopyStore) after the copy
//     committed, and a run skips what is recorded. A copy the target's
//     owner deleted is not brought back by a later run (he threw it away;
//     a second run is for what arrived since). A message moved between
//     the source's folders keeps its record and is not copied again.
//     A crash between storing a copy and recording it copies that one
//     message again on the next run: the two writes are not one
//     transaction, and a duplicate is a smaller harm than a lost message.
//   - Copies are filed through the mail service as the server acting for
//     the target (actor.System): quota and usage, the search index and
//     the new-message events are the ones delivery gets.
//   - One copy into a target at a time, across every node: the job is
//     keyed by its target (jobs.Runner.SubmitKeyed), so a second one is
//     refused while the first is queued or running anywhere. A job taken
//     over after its node died runs again from its params and skips
//     what the records say the first run copied.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// MailCopier is the mail service as the mailbox copy uses it
// (*mail.Service).
type MailCopier interface {
	Folders(ctx context.Context, a actor.Actor) ([]mail.Folder, error)
	MailboxByRole(ctx context.Context, a actor.Actor, role store.Role) (*store.Mailbox, error)
	MailboxByName(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error)
	CreateMailbox(ctx context.Context, a actor.Actor, name string) (*store.Mailbox, error)
	UIDs(ctx context.Context, a actor.Actor, mailboxID int64, after uint32) ([]uint32, error)
	MessagesByUID(ctx context.Context, a actor.Actor, mailboxID int64, uids []uint32) (map[uint32]*store.Message, error)
	Append(ctx context.Context, a actor.Actor, r mail.AppendRequest) (*store.Message, error)
}

// JobRunner runs background jobs (*jobs.Runner): the service registers
// its kinds (RegisterJobs) and submits jobs of them.
type JobRunner interface {
	Register(kind string, fn jobs.Func, opts ...jobs.Option)
	Submit(ctx context.Context, a actor.Actor, kind string, params any) (*store.Job, error)
	SubmitKeyed(ctx context.Context, a actor.Actor, kind, key string, params any) (*store.Job, error)
}

// RegisterJobs makes the administrators' job kinds (the mailbox copy,
// the bulk deletion) runnable by the service's runner. Every node calls
// it where it is wired, so that any node runs a job another node
// submitted or lost; the service calls it again before it submits,
// which keeps a runner wired without it working (registering again
// replaces).
func (s *Service) RegisterJobs() {
	if s.Jobs == nil {
		return
	}
	s.Jobs.Register(JobMailboxCopy, s.runCopy)
	s.Jobs.Register(JobDeleteUsers, s.runDeleteUsers)
}

// JobMailboxCopy is the kind of the job CopyMailbox starts.
const JobMailboxCopy = "mailbox_copy"

// CopyBatch is how many messages one step of the copy reads and files.
const CopyBatch = 100

// ErrCopyOverQuota is the error of a copy job that stopped because the
// target (or its domain) had no room left; what fit before was copied
// and recorded, so running it again after making room copies the rest.
// Its text is the job's error, a code the console translates.
var ErrCopyOverQuota = errors.New("over_quota")

// CopyResult is what a finished mailbox copy reports.
type CopyResult struct {
	Copied         int `json:"copied"`
	Skipped        int `json:"skipped"` // copied by an earlier run
	FoldersCreated int `json:"folders_created"`
}

// copyActor is the server filing mail for an account during a copy.
func copyActor(accountID int64) actor.Actor { return actor.System(accountID, "mailbox copy") }

// UserFolders lists the folders of an account the actor manages, with
// their counts: what "load mailbox" shows before a copy.
func (s *Service) UserFolders(ctx context.Context, p actor.Actor, userID int64) ([]mail.Folder, error) {
	a, err := s.AccountByID(ctx, p, userID)
	if err != nil {
		return nil, err
	}
	if s.Mail == nil {
		return nil, errors.New("admin: no mail service for the mailbox copy")
	}
	fs, err := s.Mail.Folders(ctx, copyActor(a.ID))
	if err != nil {
		return nil, fmt.Errorf("folders of %s: %w", a.Address(), err)
	}
	return fs, nil
}

// CopyMailbox starts copying every folder of the account from into the
// account to (both of the actor's domain) as a background job, which it
// returns; the job's result is a CopyResult. The job belongs to the
// actor (the administrator follows it with GET /api/v1/jobs/{id}).
func (s *Service) CopyMailbox(ctx context.Context, p actor.Actor, from, to int64) (*store.Job, error) {
	src, err := s.AccountByID(ctx, p, from)
	if err != nil {
		return nil, err
	}
	dst, err := s.AccountByID(ctx, p, to)
	if err != nil {
		return nil, err
	}
	if src.ID == dst.ID {
		return nil, invalid("to", "same_account", dst.Address())
	}
	if src.DomainID != dst.DomainID { // the operator manages both domains; a copy stays in one
		return nil, invalid("to", "other_domain", dst.Address())
	}
	if s.Mail == nil || s.Jobs == nil {
		return nil, errors.New("admin: no mail service or job runner for the mailbox copy")
	}
	s.RegisterJobs()
	// two runs into one target at once would both find a message not
	// yet copied and both copy it
	j, err := s.Jobs.SubmitKeyed(ctx, p, JobMailboxCopy, fmt.Sprintf("%s:%d", JobMailboxCopy, dst.ID), copyParams{From: src.ID, To: dst.ID})
	if errors.Is(err, jobs.ErrRunning) {
		return nil, invalid("to", "copy_running", dst.Address())
	}
	if err != nil {
		return nil, err
	}
	return j, nil
}

// copyParams are a mailbox copy job's params.
type copyParams struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// runCopy is the job of JobMailboxCopy, run as the administrator p.
func (s *Service) runCopy(ctx context.Context, pr *jobs.Progress, p actor.Actor, raw []byte) (any, error) {
	var params copyParams
	if err := json.Unmarshal(raw, &params); err != nil {
		return nil, fmt.Errorf("%s job: params: %w", JobMailboxCopy, err)
	}
	src, err := s.Store.Account(ctx, params.From)
	if err != nil {
		return nil, fmt.Errorf("the source account %d: %w", params.From, err)
	}
	dst, err := s.Store.Account(ctx, params.To)
	if err != nil {
		return nil, fmt.Errorf("the target account %d: %w", params.To, err)
	}
	fromAddr, toAddr := src.Address(), dst.Address()
	res, err := s.copyMailbox(ctx, src.ID, dst.ID, pr)
	detail := map[string]any{"from": fromAddr, "to": toAddr, "copied": res.Copied, "skipped": res.Skipped,
		"folders_created": res.FoldersCreated}
	if err != nil {
		detail["error"] = err.Error()
	}
	if err == nil || res.Copied > 0 || res.FoldersCreated > 0 {
		s.audit(ctx, p, dst.DomainID, "mailbox.copy", toAddr, detail)
	}
	s.log().Info("mailbox copied", "from", fromAddr, "to", toAddr, "copied", res.Copied, "skipped", res.Skipped,
		"folders_created", res.FoldersCreated, "err", err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// copyMailbox is the job: every folder of the source, parents before
// children (Folders is ordered by name), into the target's folder of the
// same role or, for a user folder, of the same name (created when
// missing, with its parents).
func (s *Service) copyMailbox(ctx context.Context, from, to int64, pr *jobs.Progress) (*CopyResult, error) {
	res := &CopyResult{}
	src, dst := copyActor(from), copyActor(to)
	folders, err := s.Mail.Folders(ctx, src)
	if err != nil {
		return res, fmt.Errorf("the source's folders: %w", err)
	}
	var total int64
	for _, f := range folders {
		total += f.Status.Messages
	}
	if err := pr.SetTotal(ctx, total); err != nil {
		return res, err
	}
	for _, f := range folders {
		target, err := s.targetFolder(ctx, dst, f.Mailbox, res)
		if err != nil {
			return res, err
		}
		uids, err := s.Mail.UIDs(ctx, src, f.ID, 0)
		if err != nil {
			return res, fmt.Errorf("messages of %q: %w", f.Name, err)
		}
		for len(uids) > 0 {
			batch := uids[:min(CopyBatch, len(uids))]
			uids = uids[len(batch):]
			if err := s.copyBatch(ctx, src, dst, f.ID, target.ID, batch, res); err != nil {
				return res, err
			}
			if err := pr.Step(ctx, int64(len(batch))); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// targetFolder is where the source's folder mb goes in the target.
func (s *Service) targetFolder(ctx context.Context, dst actor.Actor, mb store.Mailbox, res *CopyResult) (*store.Mailbox, error) {
	if mb.Role != store.RoleNone {
		t, err := s.Mail.MailboxByRole(ctx, dst, mb.Role)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("the target's %s folder: %w", mb.Role, err)
		}
		// a target without that special folder gets a folder of its name
	}
	t, err := s.Mail.MailboxByName(ctx, dst, mb.Name)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the target's folder %q: %w", mb.Name, err)
	}
	t, err = s.Mail.CreateMailbox(ctx, dst, mb.Name)
	if errors.Is(err, store.ErrExists) { // made meanwhile (by its owner over IMAP, say)
		return s.Mail.MailboxByName(ctx, dst, mb.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("create the target's folder %q: %w", mb.Name, err)
	}
	res.FoldersCreated++
	return t, nil
}

// copyBatch copies the messages of one batch the target has not had yet.
func (s *Service) copyBatch(ctx context.Context, src, dst actor.Actor, srcBox, dstBox int64, uids []uint32, res *CopyResult) error {
	msgs, err := s.Mail.MessagesByUID(ctx, src, srcBox, uids)
	if err != nil {
		return fmt.Errorf("messages of mailbox %d: %w", srcBox, err)
	}
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	done, err := s.Store.CopiedMessages(ctx, dst.AccountID, ids)
	if err != nil {
		return err
	}
	for _, uid := range uids {
		m := msgs[uid]
		if m == nil {
			continue // expunged meanwhile
		}
		if done[m.ID] {
			res.Skipped++
			continue
		}
		// a new reference on the same blob: the bytes are not copied
		_, err := s.Mail.Append(ctx, dst, mail.AppendRequest{MailboxID: dstBox, BlobKey: m.BlobKey, Size: m.Size,
			Flags: keptFlags(m.Flags), InternalDate: m.InternalDate})
		if errors.Is(err, store.ErrOverQuota) {
			return ErrCopyOverQuota
		}
		if err != nil {
			return fmt.Errorf("copy message %d: %w", m.ID, err)
		}
		if err := s.Store.RecordCopied(ctx, dst.AccountID, m.ID, s.now()); err != nil {
			return err
		}
		res.Copied++
	}
	return nil
}

// keptFlags are the flags a copy keeps: all but \Recent, which belongs
// to the session that first saw a message (RFC 3501 §2.3.2).
func keptFlags(flags []string) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if !strings.EqualFold(f, `\Recent`) {
			out = append(out, f)
		}
	}
	return out
}
