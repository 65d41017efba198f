package storecopy

import (
	"context"
	"testing"
)

// BenchmarkCopy_1000Messages moves an installation of about a thousand
// messages (distinct files) into a fresh schema and an empty bucket per
// iteration, and reports rows and files per second of the whole run
// (copy, index, verification with every file read back).
func BenchmarkCopy_1000Messages(b *testing.B) {
	s := buildSource(b, 1000)
	var rows, files int64
	var secs float64
	for b.Loop() {
		b.StopTimer()
		tg := newTarget(b)
		b.StartTimer()
		sum, err := Copy(context.Background(), s.src(), tg.dst(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows, files, secs = rows+sum.Rows, files+int64(sum.Files), secs+sum.Elapsed.Seconds()
	}
	b.ReportMetric(float64(rows)/secs, "rows/s")
	b.ReportMetric(float64(files)/secs, "files/s")
}
