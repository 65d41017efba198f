package deliver

import "time"

// SetClock sets the pipeline's clock, for the tests outside the package
// (forwarding and out-of-office, which run the outbound queue).
func (p *Pipeline) SetClock(now func() time.Time) { p.now = now }
