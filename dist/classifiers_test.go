package dist

import "testing"

// TestRecentClassifiersKnown keeps the list current: classifiers that
// modern projects use must not draw a warning on every run.
func TestRecentClassifiersKnown(t *testing.T) {
	for _, c := range []string{
		"Programming Language :: Python :: 3.13",
		"Programming Language :: Python :: 3.14",
		"Programming Language :: Python :: 3.15",
		"Programming Language :: Python :: Free Threading :: 3 - Stable",
		"Programming Language :: Python :: Free Threading :: 4 - Resilient",
		"License :: OSI Approved :: MIT License",
	} {
		if p := checkClassifier(c); p != nil {
			t.Errorf("%q: %s", c, p.Message)
		}
	}
}

func TestDeprecatedClassifiers(t *testing.T) {
	cases := []struct{ c, want string }{
		{"Natural Language :: Ukranian", "The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead."},
		{"Topic :: Communications :: Chat :: AOL Instant Messenger", "The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated."},
	}
	for _, c := range cases {
		p := checkClassifier(c.c)
		if p == nil || p.Warning || p.Message != c.want {
			t.Errorf("%q: got %+v, want the error %q", c.c, p, c.want)
		}
	}
	if n := len(classifiers().known); n < 880 {
		t.Errorf("only %d classifiers known", n)
	}
	if v := classifiers().version; v != "2026-01-14" {
		t.Errorf("list date %q", v)
	}
}
