package web

import "postroom/internal/store"

// spamJSON is a message's spam verdict as GET /api/v1/messages/{id}
// shows it (issue 18): the reader's "why is this spam?" line.
type spamJSON struct {
	Verdict string   `json:"verdict"` // "spam" or "ham"
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

func spamVerdictJSON(v *store.SpamVerdict) spamJSON {
	reasons := v.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	return spamJSON{Verdict: v.Verdict, Score: v.Score, Reasons: reasons}
}
