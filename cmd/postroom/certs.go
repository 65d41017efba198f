package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"postroom/internal/certs"
	"postroom/internal/config"
	"postroom/internal/store"
)

// certSource is where the listeners' certificates come from: ACME when
// the config says so, else the configured or self-signed files, read
// again when they change.
func certSource(cfg config.Config, st store.DomainStore, log *slog.Logger) (certs.Source, error) {
	if cfg.TLS.ACME {
		return certs.NewACME(certs.ACMEConfig{
			Hostname:    cfg.Hostname,
			Directory:   cfg.TLS.ACMEDirectory,
			Email:       cfg.TLS.ACMEEmail,
			CAFile:      cfg.TLS.ACMECA,
			CacheDir:    filepath.Join(cfg.DataDir, "acme"),
			RenewBefore: time.Duration(cfg.TLS.ACMERenewBefore),
			Hosted: func(ctx context.Context, domain string) (bool, error) {
				_, err := st.Domain(ctx, domain)
				if errors.Is(err, store.ErrNotFound) {
					return false, nil
				}
				return err == nil, err
			},
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
