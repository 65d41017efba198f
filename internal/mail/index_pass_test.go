package mail

// OnIndexerPass makes s call fn after each pass of RunIndexer, so that a
// test waits for the indexer on an event rather than by polling. Set it
// before RunIndexer starts.
func OnIndexerPass(s *Service, fn func()) { s.indexer.passed = fn }
