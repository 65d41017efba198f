package migrate

// The webmail's import of an upload into a folder (issue 19, Migration
// in): the checks that refuse a file at once happen in the request (the
// folder and the upload are the user's, the kind is known, the size fits
// his quota), the import itself in a background job whose progress is
// bytes read of the bytes the file unpacks to. The upload is deleted
// when the job ends, whatever its end: the user uploads again to retry.
//
// The job runs from its params (folder, upload) on whichever node
// claims it. A run interrupted by its node's end keeps the upload, and
// the run that takes the job over imports the file again: the import
// skips every message the account holds already (imports.go), so what
// the first run filed is not filed twice.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"postroom/internal/actor"
	"postroom/internal/jobs"
	"postroom/internal/mail"
	"postroom/internal/store"
)

// JobUpload is the kind of the job ImportUpload starts.
const JobUpload = "import_upload"

// maxFailuresListed bounds the failures a job's result names: an mbox of
// ten thousand broken messages must not make a result the browser
// chokes on. FailedCount still counts them all.
const maxFailuresListed = 100

// Uploads is where the user's uploaded files are (*send.Service): his
// own only, another account's being store.ErrNotFound.
type Uploads interface {
	Upload(ctx context.Context, a actor.Actor, id int64) (*store.Upload, []byte, error)
	DeleteUpload(ctx context.Context, a actor.Actor, id int64) error
}

// JobRunner runs the import (*jobs.Runner).
type JobRunner interface {
	Register(kind string, fn jobs.Func, opts ...jobs.Option)
	Submit(ctx context.Context, a actor.Actor, kind string, params any) (*store.Job, error)
}

// UploadImporter imports the user's uploads into his folders.
type UploadImporter struct {
	Mail    *mail.Service
	Uploads Uploads
	Jobs    JobRunner
	Log     *slog.Logger
	// Limits of what one upload unpacks to (MaxMessage defaults to the
	// server's message size). Beside them, a file that unpacks to more
	// than the account's whole quota is refused as over quota.
	Limits UploadLimits
}

// UploadResult is an import job's result.
type UploadResult struct {
	Imported       int      `json:"imported"`
	Skipped        int      `json:"skipped"` // held already
	FoldersCreated int      `json:"folders_created"`
	Failed         []string `json:"failed"` // "where: why", at most maxFailuresListed
	FailedCount    int      `json:"failed_count"`
	// Stopped says why the import ended before the file did:
	// "over_quota" (the account's or the domain's) or "storage_full"
	// (the server's disk); "" when it read everything. What was
	// imported stays; importing the file again brings the rest.
	Stopped string `json:"stopped,omitempty"`
}

func (s *UploadImporter) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// ImportUpload starts importing the actor's upload uploadID into his
// folder mailboxID and returns the job. Another account's folder or
// upload is store.ErrNotFound; a file refused whole is ErrUnknownKind,
// ErrTooBig or store.ErrOverQuota (it unpacks to more than the account's
// whole quota), and is deleted; jobs.ErrBusy when the account runs too
// many jobs.
func (s *UploadImporter) ImportUpload(ctx context.Context, a actor.Actor, mailboxID, uploadID int64) (*store.Job, error) {
	if a.AccountID == 0 {
		return nil, mail.ErrForbidden
	}
	mb, err := s.Mail.Mailbox(ctx, a, mailboxID)
	if err != nil {
		return nil, fmt.Errorf("import into mailbox %d: %w", mailboxID, err)
	}
	up, data, err := s.Uploads.Upload(ctx, a, uploadID)
	if err != nil {
		return nil, fmt.Errorf("import upload %d: %w", uploadID, err)
	}
	stats, err := s.Mail.FolderStats(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("import upload %d: %w", uploadID, err)
	}
	src, err := OpenUpload(up.Filename, data, mb.Name, mb.Role, s.limits())
	if err == nil && stats.QuotaBytes > 0 && src.Size > stats.QuotaBytes {
		err = fmt.Errorf("%s unpacks to %d bytes, the quota is %d: %w", up.Filename, src.Size, stats.QuotaBytes, store.ErrOverQuota)
	}
	if err != nil {
		s.drop(ctx, a, uploadID)
		return nil, fmt.Errorf("import upload %d: %w", uploadID, err)
	}
	s.RegisterJobs()
	j, err := s.Jobs.Submit(ctx, a, JobUpload, uploadParams{Mailbox: mailboxID, Upload: uploadID, Kind: src.Kind})
	if err != nil {
		return nil, fmt.Errorf("import upload %d: %w", uploadID, err)
	}
	return j, nil
}

// RegisterJobs makes the import job (JobUpload) runnable by the
// importer's runner. Every node calls it where it is wired, so that any
// node runs a job another node submitted or lost; ImportUpload calls it
// again before it submits, which keeps a runner wired without it
// working (registering again replaces).
func (s *UploadImporter) RegisterJobs() {
	if s.Jobs != nil {
		s.Jobs.Register(JobUpload, s.runUpload)
	}
}

// uploadParams are an import job's params.
type uploadParams struct {
	Mailbox int64      `json:"mailbox"`
	Upload  int64      `json:"upload"`
	Kind    UploadKind `json:"kind"`
}

// runUpload is the job of JobUpload, for the user a who uploaded: it
// opens the upload from the store and imports it, then deletes it
// unless the run was cut short by its node's end (the run that takes
// the job over needs it).
func (s *UploadImporter) runUpload(ctx context.Context, p *jobs.Progress, a actor.Actor, raw []byte) (any, error) {
	var params uploadParams
	if err := json.Unmarshal(raw, &params); err != nil {
		return nil, fmt.Errorf("%s job: params: %w", JobUpload, err)
	}
	res, err := s.importUpload(ctx, a, params, p)
	if ctx.Err() == nil && !errors.Is(err, jobs.ErrGivenUp) {
		s.drop(context.WithoutCancel(ctx), a, params.Upload)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *UploadImporter) importUpload(ctx context.Context, a actor.Actor, params uploadParams, p *jobs.Progress) (*UploadResult, error) {
	mb, err := s.Mail.Mailbox(ctx, a, params.Mailbox)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errors.New("import_folder_gone") // deleted since the upload: the job's error
	}
	if err != nil {
		return nil, fmt.Errorf("import into mailbox %d: %w", params.Mailbox, err)
	}
	up, data, err := s.Uploads.Upload(ctx, a, params.Upload)
	if err != nil {
		return nil, fmt.Errorf("import upload %d: %w", params.Upload, err)
	}
	src, err := OpenUpload(up.Filename, data, mb.Name, mb.Role, s.limits())
	if err != nil { // it opened when submitted: only a change of the limits gets here
		return nil, fmt.Errorf("import upload %d: %w", params.Upload, err)
	}
	return s.run(ctx, a, mb, src, p)
}

// limits are the limits of what one upload unpacks to, with the
// server's message size for MaxMessage unless set.
func (s *UploadImporter) limits() UploadLimits {
	lim := s.Limits
	if lim.MaxMessage == 0 {
		lim.MaxMessage = s.Mail.MaxMessageSize
	}
	return lim
}

// drop deletes the upload once it served (or was refused).
func (s *UploadImporter) drop(ctx context.Context, a actor.Actor, uploadID int64) {
	if err := s.Uploads.DeleteUpload(ctx, a, uploadID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log().Warn("import: delete the upload", "account", a.AccountID, "upload", uploadID, "err", err)
	}
}

// run is the job: the import, with its progress in bytes.
func (s *UploadImporter) run(ctx context.Context, a actor.Actor, mb *store.Mailbox, src *Upload, p *jobs.Progress) (*UploadResult, error) {
	if err := p.SetTotal(ctx, src.Size); err != nil {
		return nil, err
	}
	counted := &progressSource{src: src, p: p, total: src.Size}
	res, err := (&Importer{Mail: s.Mail}).Import(ctx, a, counted, "")
	out := &UploadResult{Failed: []string{}}
	if res != nil {
		out.Imported, out.Skipped, out.FoldersCreated = res.Imported, res.Skipped, res.FoldersCreated
		out.Failed = append(out.Failed, res.Failed...)
	}
	out.Failed = append(out.Failed, src.Failures()...)
	out.FailedCount = len(out.Failed)
	out.Failed = out.Failed[:min(len(out.Failed), maxFailuresListed)]
	switch {
	case err == nil:
		if err := p.Step(ctx, src.Size-counted.noted); err != nil {
			return nil, err
		}
	case errors.Is(err, store.ErrOverQuota):
		out.Stopped = "over_quota"
	case errors.Is(err, mail.ErrStorageFull):
		out.Stopped = "storage_full"
	case errors.Is(err, jobs.ErrGivenUp), ctx.Err() != nil:
		return nil, err
	default:
		// the job's error is shown to the user: no paths or SQL in it
		s.log().Error("import: upload", "account", a.AccountID, "mailbox", mb.ID, "err", err)
		return nil, errors.New("import_failed")
	}
	s.log().Info("import: upload", "account", a.AccountID, "mailbox", mb.ID, "kind", src.Kind,
		"imported", out.Imported, "skipped", out.Skipped, "failed", out.FailedCount, "stopped", out.Stopped)
	return out, nil
}

// progressSource reports the bytes of the messages looked at, every
// hundredth of the total at most (each report is a write to the store).
type progressSource struct {
	src         Source
	p           *jobs.Progress
	total       int64
	done, noted int64
}

func (ps *progressSource) Each(ctx context.Context, fn func(*Message) error) error {
	return ps.src.Each(ctx, func(m *Message) error {
		if err := fn(m); err != nil {
			return err
		}
		ps.done = min(ps.done+int64(len(m.Raw)), ps.total)
		if ps.done-ps.noted >= max(ps.total/100, 1) {
			err := ps.p.Step(ctx, ps.done-ps.noted)
			ps.noted = ps.done
			return err
		}
		return nil
	})
}
