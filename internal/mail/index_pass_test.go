package mail

// OnIndexerPass makes s call fn after each pass of RunIndexer, so that a
// test waits for the indexer on an event rather than by polling. Set it
// before RunIndexer starts.
func OnIndexerPass(s *Service, fn func()) { s.indexer.passed = fn }

// ReportIndexerFrom makes the indexer of s tell the log how far it is
// from a backlog of n messages rather than indexReportFrom.
func ReportIndexerFrom(s *Service, n int) { s.indexer.reportAt = n }
