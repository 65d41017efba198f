package main

import (
	"context"
	"net"
	"net/url"
	"time"

	"postroom/internal/send"
	"postroom/internal/settings"
)

// sendPrefs gives the send service its sender's own delay, "save sent
// mail" and "add unknown recipients to contacts" from the settings
// service.
func sendPrefs(s *settings.Service) send.Prefs {
	return func(ctx context.Context, accountID int64) (send.SenderPrefs, error) {
		set, err := s.ForAccount(ctx, accountID)
		if err != nil {
			return send.SenderPrefs{}, err
		}
		return send.SenderPrefs{Delay: time.Duration(set.Mail.SendDelaySeconds) * time.Second, SaveSent: set.Mail.SaveSent,
			AddRecipients: set.Mail.AutoAddContacts}, nil
	}
}

// recoveryOf reads an account's recovery address for the reset flow.
func recoveryOf(s *settings.Service) func(ctx context.Context, accountID int64) (string, error) {
	return func(ctx context.Context, accountID int64) (string, error) {
		set, err := s.ForAccount(ctx, accountID)
		return set.RecoveryEmail, err
	}
}

// resetLink is the webmail's page for a reset token, on the configured
// name and HTTPS port: never the Host of the request that asked for the
// link, which whoever asks chooses (the link would take the token to
// his site).
func resetLink(hostname, httpsAddr string) func(token string) string {
	base := "https://" + hostname
	if _, port, err := net.SplitHostPort(httpsAddr); err == nil && port != "" && port != "443" && port != "0" {
		base = "https://" + net.JoinHostPort(hostname, port)
	}
	return func(token string) string { return base + "/#/reset/" + url.PathEscape(token) }
}
