package web

import (
	"strings"
	"testing"

	"postroom/internal/compose"
)

// Every error code has a Korean and an English text, the codes compose
// answers with included; too_large has a place for its limit.
func TestI18n_everyCodeInBothLanguages(t *testing.T) {
	for _, pair := range [][2]string{{"ko", "en"}, {"en", "ko"}} {
		for code := range messages[pair[0]] {
			if messages[pair[1]][code] == "" {
				t.Errorf("%q has a %s text but no %s one", code, pair[0], pair[1])
			}
		}
	}
	for _, code := range []string{compose.CodeHeaderInjection, compose.CodeInvalidAddress, compose.CodeInvalidCharacters,
		compose.CodeTooLong, "no_recipients", "unknown_recipient", "recipient_disabled", "recipient_over_quota",
		"too_many_recipients", "invalid_send_at", "already_sent", "send_failed", "too_large"} {
		if messages["ko"][code] == "" {
			t.Errorf("no text for %q", code)
		}
	}
	if !strings.Contains(messages["ko"]["too_large"], "%s") || !strings.Contains(messages["en"]["too_large"], "%s") {
		t.Error("too_large must show the limit")
	}
}
