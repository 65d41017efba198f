package mail

import "time"

// OnIndexerPass makes s call fn after each pass of RunIndexer, so that a
// test waits for the indexer on an event rather than by polling. Set it
// before RunIndexer starts.
func OnIndexerPass(s *Service, fn func()) { s.indexer.passed = fn }

// ReportIndexerFrom makes the indexer of s tell the log how far it is
// from a backlog of n messages rather than indexReportFrom.
func ReportIndexerFrom(s *Service, n int) { s.indexer.reportAt = n }

// GatherIndexerFor makes the indexer of s wait up to d for more appends
// once woken, rather than indexGather. Set it before RunIndexer starts.
func GatherIndexerFor(s *Service, d time.Duration) { s.indexer.gather = d }

// IndexChunkRows is indexChunkRows: the appends after which the indexer
// waits no longer.
const IndexChunkRows = indexChunkRows
