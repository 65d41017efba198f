package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"postroom/internal/certs"
	"postroom/internal/config"
)

// certSource is where the listeners' certificates come from: ACME when
// the config says so, else the configured or self-signed files, read
// again when they change.
func certSource(cfg config.Config, hosted func(ctx context.Context, domain string) (bool, error), log *slog.Logger) (certs.Source, error) {
	if cfg.TLS.ACME {
		return certs.NewACME(certs.ACMEConfig{
			Hostname:    cfg.Hostname,
			Directory:   cfg.TLS.ACMEDirectory,
			Email:       cfg.TLS.ACMEEmail,
			CAFile:      cfg.TLS.ACMECA,
			CacheDir:    filepath.Join(cfg.DataDir, "acme"),
			RenewBefore: time.Duration(cfg.TLS.ACMERenewBefore),
			Hosted:      hosted,
		})
	}
	cert, key, err := cfg.CertFiles()
	if err != nil {
		return nil, err
	}
	f, err := certs.LoadFiles(cert, key)
	if err != nil {
		return nil, err
	}
	f.Log = log
	return f, nil
}
