package pypitest

import (
	"strconv"
	"strings"
)

// negotiate picks the offer the Accept header values prefer, the way
// WebOb's acceptable_offers does: each offer takes the quality of the most
// specific media range matching it, offers of quality 0 are dropped, and
// ties go to the earlier offer. With no Accept header at all (Pyramid
// reads it as an empty header) nothing is acceptable and the result is "".
// A header WebOb cannot parse makes every offer acceptable.
func negotiate(accept []string, offers ...string) string {
	if len(accept) == 0 {
		return ""
	}
	type rng struct {
		typ, sub string
		q        float64
	}
	var ranges []rng
	for _, el := range strings.Split(strings.Join(accept, ","), ",") {
		el = strings.TrimSpace(el)
		if el == "" {
			continue
		}
		parts := strings.Split(el, ";")
		typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(parts[0])), "/")
		if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			return offers[0]
		}
		q, params := 1.0, false
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					return offers[0]
				}
				q = f
				break // what follows q are accept-extensions
			}
			params = true
		}
		if params {
			continue // media type parameters never match our bare offers
		}
		ranges = append(ranges, rng{typ, sub, q})
	}
	best, bestQ := "", 0.0
	for _, o := range offers {
		typ, sub, _ := strings.Cut(o, "/")
		q, spec := 0.0, 0
		for _, r := range ranges {
			s := 0
			switch {
			case r.typ == typ && r.sub == sub:
				s = 3
			case r.typ == typ && r.sub == "*":
				s = 2
			case r.typ == "*":
				s = 1
			}
			if s > spec {
				q, spec = r.q, s
			}
		}
		if spec > 0 && q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}
