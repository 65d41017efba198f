package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"postroom/internal/blob"
)

// Restore copies the backup at src (a directory or a tar file) into
// dataDir, which must be absent or empty, and returns its manifest.
// Every blob is checked against its key; the config's data_dir is set to
// dataDir. progress, when set, hears of each blob restored (total is 0
// while unknown: a tar names its counts at its end). The caller then
// opens the store and checks it (postroom restore runs postroom check).
func Restore(ctx context.Context, src, dataDir string, progress func(done, total int)) (*Manifest, error) {
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	if err := emptyDir(dataDir); err != nil {
		return nil, err
	}
	r := &restorer{ctx: ctx, dataDir: dataDir, dirs: map[string]bool{}, progress: progress}
	if r.blobs, err = blob.OpenFS(filepath.Join(dataDir, blobsDir)); err != nil {
		return nil, err
	}
	if tarFile, gz := isTar(src); tarFile {
		err = r.fromTar(ctx, src, gz)
	} else {
		err = r.fromDir(ctx, src)
	}
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	switch {
	case r.manifest == nil:
		return nil, fmt.Errorf("restore %s: no %s: not a Postroom backup", src, ManifestName)
	case r.manifest.Format != Format:
		return nil, fmt.Errorf("restore %s: backup format %d, this postroom reads %d", src, r.manifest.Format, Format)
	case !r.database:
		return nil, fmt.Errorf("restore %s: no %s in the backup", src, DatabaseName)
	case r.restored != r.manifest.Blobs:
		return nil, fmt.Errorf("restore %s: %d message files restored, the backup lists %d (incomplete backup)", src, r.restored, r.manifest.Blobs)
	}
	if err := syncDirs(r.dirs); err != nil {
		return nil, err
	}
	return r.manifest, nil
}

// emptyDir makes dir, or accepts it when it holds nothing.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	return nil
}

type restorer struct {
	ctx      context.Context
	dataDir  string
	blobs    *blob.FS
	dirs     map[string]bool
	progress func(done, total int)
	manifest *Manifest
	database bool
	restored int
}

func (r *restorer) fromDir(ctx context.Context, src string) error {
	if mf, err := os.Open(filepath.Join(src, ManifestName)); err == nil {
		err = r.entry(ManifestName, 0, mf) // first, for the progress's total
		mf.Close()
		if err != nil {
			return err
		}
	}
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == ManifestName {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return r.entry(filepath.ToSlash(rel), info.Mode().Perm(), f)
	})
}

func (r *restorer) fromTar(ctx context.Context, src string, gz bool) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var in io.Reader = f
	if gz {
		z, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		defer z.Close()
		in = z
	}
	tr := tar.NewReader(in)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := r.entry(hdr.Name, os.FileMode(hdr.Mode).Perm(), tr); err != nil {
			return err
		}
	}
}

// entry restores one file of the backup. Only the names a backup holds
// are written, and only under dataDir: a crafted archive cannot write
// elsewhere.
func (r *restorer) entry(name string, mode os.FileMode, in io.Reader) error {
	clean := path.Clean(name)
	if clean != name || path.IsAbs(clean) || strings.HasPrefix(clean, "../") || clean == ".." {
		return fmt.Errorf("%q: not a name a backup holds", name)
	}
	switch {
	case clean == ManifestName:
		var m Manifest
		if err := json.NewDecoder(in).Decode(&m); err != nil {
			return fmt.Errorf("%s: %w", ManifestName, err)
		}
		r.manifest = &m
		return nil
	case strings.HasPrefix(clean, blobsDir+"/"):
		return r.blob(clean, in)
	case clean == ConfigName:
		b, err := io.ReadAll(io.LimitReader(in, 1<<20))
		if err != nil {
			return err
		}
		_, err = writeFile(filepath.Join(r.dataDir, ConfigName), mode, strings.NewReader(withDataDir(string(b), r.dataDir)), r.dirs)
		return err
	case clean == DatabaseName:
		r.database = true
	case !known(clean):
		return fmt.Errorf("%q: not a name a backup holds", name)
	}
	_, err := writeFile(filepath.Join(r.dataDir, filepath.FromSlash(clean)), mode, in, r.dirs)
	return err
}

// known reports whether name is one of the extra files or under one.
func known(name string) bool {
	for _, e := range extraFiles {
		if name == e || strings.HasPrefix(name, e+"/") {
			return true
		}
	}
	return false
}

// blob restores a message file through the blob store, which names it by
// its content: a damaged file comes out under another name and is
// refused.
func (r *restorer) blob(name string, in io.Reader) error {
	want := path.Base(name)
	if !blob.ValidKey(want) || name != blobName(want) {
		return fmt.Errorf("%q: not a message file's name", name)
	}
	got, _, err := r.blobs.Put(r.ctx, in)
	if err != nil {
		return fmt.Errorf("message file %s: %w", want, err)
	}
	if got != want {
		return fmt.Errorf("message file %s: its content does not match its name (damaged backup)", want)
	}
	r.restored++
	if r.progress != nil {
		total := 0
		if r.manifest != nil {
			total = r.manifest.Blobs
		}
		r.progress(r.restored, total)
	}
	return nil
}

var dataDirLine = regexp.MustCompile(`(?m)^data_dir\s*=.*$`)

// withDataDir is a config with its data_dir set to dir (added when the
// config had none).
func withDataDir(config, dir string) string {
	line := "data_dir = " + strconv.Quote(dir)
	if dataDirLine.MatchString(config) {
		return dataDirLine.ReplaceAllLiteralString(config, line)
	}
	return line + "\n" + config
}
