package queue

import (
	"fmt"
	"testing"
)

// BenchmarkQueueDelivery measures messages per second sent from the queue
// to a receiving server on loopback (with STARTTLS), for 1, 10 and 100
// recipients per message. The receiving server and the queue share the
// machine, so compare the cases with each other, not with other machines.
//
//	go test -run '^$' -bench QueueDelivery -benchtime 200x ./internal/queue/
func BenchmarkQueueDelivery(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("rcpts=%d", n), func(b *testing.B) {
			f := newFixture(b, nil)
			f.w.Parallel = 10
			rcpts := make([]string, n)
			for i := range rcpts {
				rcpts[i] = fmt.Sprintf("r%d@remote.test", i)
			}
			for i := 0; i < b.N; i++ {
				f.enqueue("alice@example.test", rcpts...)
			}
			b.ResetTimer()
			for done := 0; done < b.N; {
				n, err := f.w.RunOnce(f.ctx)
				if err != nil {
					b.Fatal(err)
				}
				done += n
			}
			b.StopTimer()
			if left, _ := f.st.Queue(f.ctx); len(left) != 0 {
				b.Fatalf("%d messages left", len(left))
			}
			if got := len(f.sink.Messages()); got < b.N {
				b.Fatalf("sink got %d of %d", got, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rcpts/s")
		})
	}
}
