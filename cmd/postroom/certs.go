package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"postroom/internal/certs"
	"postroom/internal/config"
	"postroom/internal/store"
)

// certSource is where the listeners' certificates come from: ACME when
// the config says so, else the configured or self-signed files, read
// again when they change. The nodes of a cluster keep ACME's account,
// certificates and challenge tokens in the shared store (one order for
// all, a challenge answered by any node); a single node keeps them in
// data_dir/acme, where its certificates have always been.
func certSource(cfg config.Config, shared store.CertCacheStore, hosted func(ctx context.Context, domain string) (bool, error), log *slog.Logger) (certs.Source, error) {
	if cfg.TLS.ACME {
		var cache autocert.Cache
		if cfg.Shared() {
			cache = certs.StoreCache{Store: shared}
		}
		return certs.NewACME(certs.ACMEConfig{
			Hostname:    cfg.Hostname,
			Directory:   cfg.TLS.ACMEDirectory,
			Email:       cfg.TLS.ACMEEmail,
			CAFile:      cfg.TLS.ACMECA,
			CacheDir:    filepath.Join(cfg.DataDir, "acme"),
			Cache:       cache,
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
