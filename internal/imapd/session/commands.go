package session

// command is one entry of the dispatch table.
type command struct {
	// states the command is valid in; anything else answers BAD.
	states []State
	run    handler
	// seq marks commands whose arguments are sequence numbers, for the
	// EXPUNGE hold-back rule (view.MayExpunge).
	seq bool
}

var (
	any3    = []State{NotAuthenticated, Authenticated, Selected}
	notAuth = []State{NotAuthenticated}
	authSel = []State{Authenticated, Selected}
	selOnly = []State{Selected}
)

// commands is the dispatch table, by wire.Command.Name.
var commands = map[string]command{
	// any state (misc.go)
	"CAPABILITY": {states: any3, run: (*Session).capability},
	"NOOP":       {states: any3, run: (*Session).noop},
	"LOGOUT":     {states: any3, run: (*Session).logout},
	"ID":         {states: any3, run: (*Session).id},
	// not authenticated (auth.go)
	"STARTTLS":     {states: notAuth, run: (*Session).starttls},
	"LOGIN":        {states: notAuth, run: (*Session).login},
	"AUTHENTICATE": {states: notAuth, run: (*Session).authenticate},
	// authenticated (misc.go, mailbox.go, select.go, idle.go)
	"ENABLE":       {states: authSel, run: (*Session).enable},
	"COMPRESS":     {states: authSel, run: (*Session).compress},
	"NAMESPACE":    {states: authSel, run: (*Session).namespace},
	"GETQUOTA":     {states: authSel, run: (*Session).getQuota},
	"GETQUOTAROOT": {states: authSel, run: (*Session).getQuotaRoot},
	"SETQUOTA":     {states: authSel, run: (*Session).setQuota},
	"SELECT":       {states: authSel, run: (*Session).selectMailbox},
	"EXAMINE":      {states: authSel, run: (*Session).selectMailbox},
	"CREATE":       {states: authSel, run: (*Session).create},
	"DELETE":       {states: authSel, run: (*Session).delete},
	"RENAME":       {states: authSel, run: (*Session).rename},
	"SUBSCRIBE":    {states: authSel, run: (*Session).subscribe},
	"UNSUBSCRIBE":  {states: authSel, run: (*Session).subscribe},
	"LIST":         {states: authSel, run: (*Session).list},
	"LSUB":         {states: authSel, run: (*Session).list},
	"STATUS":       {states: authSel, run: (*Session).status},
	"IDLE":         {states: authSel, run: (*Session).idle},
	// selected (select.go)
	"CLOSE":    {states: selOnly, run: (*Session).close},
	"UNSELECT": {states: selOnly, run: (*Session).unselect},
	"CHECK":    {states: selOnly, run: (*Session).noop},
	// authenticated and selected: messages (append.go)
	"APPEND": {states: authSel, run: (*Session).appendMessages},
	// selected: messages (fetch.go, store.go, search.go, copy.go)
	"FETCH":       {states: selOnly, run: (*Session).fetch, seq: true},
	"UID FETCH":   {states: selOnly, run: (*Session).fetch},
	"STORE":       {states: selOnly, run: (*Session).store, seq: true},
	"UID STORE":   {states: selOnly, run: (*Session).store},
	"SEARCH":      {states: selOnly, run: (*Session).search, seq: true},
	"UID SEARCH":  {states: selOnly, run: (*Session).search},
	"SORT":        {states: selOnly, run: (*Session).sort, seq: true},
	"UID SORT":    {states: selOnly, run: (*Session).sort},
	"THREAD":      {states: selOnly, run: (*Session).thread, seq: true},
	"UID THREAD":  {states: selOnly, run: (*Session).thread},
	"COPY":        {states: selOnly, run: (*Session).copy, seq: true},
	"UID COPY":    {states: selOnly, run: (*Session).copy},
	"MOVE":        {states: selOnly, run: (*Session).move, seq: true},
	"UID MOVE":    {states: selOnly, run: (*Session).move},
	"EXPUNGE":     {states: selOnly, run: (*Session).expunge},
	"UID EXPUNGE": {states: selOnly, run: (*Session).expunge},

	// selected: contexts (search_context.go, RFC 5267 §4.3.5)
	"CANCELUPDATE": {states: selOnly, run: (*Session).cancelUpdate},
}
