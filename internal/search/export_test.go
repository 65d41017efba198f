package search

// SameAsOracle lets the tests of package search_test, which may import
// the message parser and the load generator's corpus, hold the tokenizer
// to the oracle.
var SameAsOracle = sameAsOracle

// OracleTokens is the tokenizer as it was (oracle_test.go), the baseline
// of BenchmarkIndexText.
var OracleTokens = oracleTokens
