package contacts_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"postroom/internal/actor"
	"postroom/internal/contacts"
	"postroom/internal/testbed"
)

// bookCSV is an address book of n Korean and Latin contacts in our CSV
// layout, as a company exports it.
func bookCSV(n int) []byte {
	family := []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"}
	given := []string{"민수", "서연", "지훈", "하은", "도윤", "수아", "예준", "지우", "시우", "서윤"}
	b := []byte("이름,이메일,휴대폰,회사,부서\n")
	for i := range n {
		name := family[i%10] + given[(i/10)%10] + fmt.Sprint(i/100)
		if i%7 == 0 {
			name = fmt.Sprintf("Person %d", i)
		}
		b = fmt.Appendf(b, "%s,user%d@corp%d.test,010-%04d-%04d,회사%d,부서%d\n", name, i, i%50, i/10000, i%10000, i%50, i%20)
	}
	return b
}

// BenchmarkImport10k imports a 10,000-contact CSV into an empty book:
// read, check, match duplicates, store in one transaction.
func BenchmarkImport10k(b *testing.B) {
	file := bookCSV(10000)
	for b.Loop() {
		b.StopTimer()
		bed := testbed.New(b)
		svc := &contacts.Service{Store: bed.Store}
		a := actor.User(bed.Account("bench", nil))
		b.StartTimer()
		rep, err := svc.Import(bed.Ctx, a, file, contacts.ImportOptions{})
		if err != nil || rep.Imported != 10000 {
			b.Fatalf("import: %+v %v", rep, err)
		}
	}
}

// BenchmarkBook10k lists and searches a book of 10,000 contacts the way
// the Contacts screen and compose's autocomplete do, and reports the
// 99th percentile of each operation beside the mean.
func BenchmarkBook10k(b *testing.B) {
	bed := testbed.New(b)
	svc := &contacts.Service{Store: bed.Store, Sent: bed.Mail}
	a := actor.User(bed.Account("bench", nil))
	if _, err := svc.Import(bed.Ctx, a, bookCSV(10000), contacts.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		run  func(i int) error
	}{
		{"list-page", func(i int) error {
			_, err := svc.List(bed.Ctx, a, contacts.Query{Page: 1 + i%200})
			return err
		}},
		{"search-name", func(i int) error {
			_, err := svc.List(bed.Ctx, a, contacts.Query{Text: []string{"민수", "서연3", "ㄱㅁㅅ", "박지"}[i%4]})
			return err
		}},
		{"search-phone", func(i int) error {
			_, err := svc.List(bed.Ctx, a, contacts.Query{Text: fmt.Sprintf("%04d", i%10000)})
			return err
		}},
		{"suggest", func(i int) error {
			_, _, err := svc.Suggest(bed.Ctx, a, "bench@example.test", []string{"김", "user12", "정하"}[i%3], 10)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				if err := c.run(i); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				i++
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
