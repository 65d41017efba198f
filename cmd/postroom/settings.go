package main

import (
	"context"
	"time"

	"postroom/internal/send"
	"postroom/internal/settings"
)

// sendPrefs gives the send service its sender's own delay and "save
// sent mail" from the settings service.
func sendPrefs(s *settings.Service) send.Prefs {
	return func(ctx context.Context, accountID int64) (send.SenderPrefs, error) {
		set, err := s.ForAccount(ctx, accountID)
		if err != nil {
			return send.SenderPrefs{}, err
		}
		return send.SenderPrefs{Delay: time.Duration(set.Mail.SendDelaySeconds) * time.Second, SaveSent: set.Mail.SaveSent}, nil
	}
}
