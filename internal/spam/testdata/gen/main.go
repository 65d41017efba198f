// Command gen writes the synthetic labelled corpus the spam classifier
// is measured on (internal/spam/accuracy_test.go): RFC 5322 messages in
// corpus/{train,test}/{spam,ham}/NNNN.eml.
//
// Every name, address, company, amount and sentence is made up here
// from small pools and a fixed seed, so the output is the same on every
// machine and holds no real person's mail. Run from internal/spam:
//
//	go generate .   (or: go run ./testdata/gen -out testdata/corpus)
//
// Invariant: the output depends on the seed, this source and the
// standard library's math/rand/v2 and mime encoders (and x/text's
// EUC-KR) only; a change to the pools changes the corpus, and the
// figures in docs/spam.md must then be measured again.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Split sizes: at least the 300 + 300 / 150 + 150 the issue asks for.
const (
	trainEach   = 320
	testEach    = 160
	defaultSeed = 18 // issue 18
)

func main() {
	out := flag.String("out", "testdata/corpus", "corpus directory (its train and test folders are replaced)")
	seed := flag.Uint64("seed", defaultSeed, "random seed; another seed is another corpus, for checking that the figures are not one draw's luck")
	flag.Parse()
	g := &gen{r: rand.New(rand.NewPCG(*seed, 2026))}
	for _, split := range []struct {
		name string
		n    int
	}{{"train", trainEach}, {"test", testEach}} {
		g.split = split.name
		for _, class := range []string{"spam", "ham"} {
			dir := filepath.Join(*out, split.name, class)
			if err := os.RemoveAll(dir); err != nil {
				log.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				log.Fatal(err)
			}
			for i := range split.n {
				var m *mail
				if class == "spam" {
					m = g.spam()
				} else {
					m = g.ham()
				}
				name := filepath.Join(dir, fmt.Sprintf("%04d.eml", i+1))
				if err := os.WriteFile(name, g.render(m), 0o644); err != nil {
					log.Fatal(err)
				}
			}
		}
	}
}
