package attest

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSign measures Sign against the in-process Sigstore: files per
// call, concurrency, and a simulated round trip to Fulcio and Rekor
// (real ones answer in tens to hundreds of milliseconds). Each iteration
// gets a fresh Sigstore, outside the timer, so the fake log stays small.
// ns/file is the cost of one file, including its share of the one
// Fulcio certificate; verify=true adds the check after signing.
func BenchmarkSign(b *testing.B) {
	cases := []struct {
		files, concurrency int
		latency            time.Duration
		verify             bool
	}{
		{1, 1, 0, true},
		{40, 1, 0, true},
		{40, 8, 0, true},
		{40, 1, 0, false},
		{40, 8, 0, false},
		{40, 1, 20 * time.Millisecond, true},
		{40, 8, 20 * time.Millisecond, true},
	}
	for _, c := range cases {
		name := fmt.Sprintf("files=%d/concurrency=%d/latency=%s/verify=%t", c.files, c.concurrency, c.latency, c.verify)
		b.Run(name, func(b *testing.B) {
			subs := wheels(c.files)
			var total time.Duration
			for range b.N {
				b.StopTimer()
				f := newFixture(b)
				f.sigstore.SetLatency(c.latency)
				s := f.signer()
				s.Concurrency = c.concurrency
				if !c.verify {
					s.TrustedRoot = nil
				}
				start := time.Now()
				b.StartTimer()
				if _, err := s.Sign(context.Background(), subs); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				total += time.Since(start)
				f.srv.Close()
			}
			b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*c.files), "ns/file")
		})
	}
}
