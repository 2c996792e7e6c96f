package attest

import "testing"

// The example of the DSSE protocol description.
func TestPAE(t *testing.T) {
	got := string(pae("http://example.com/HelloWorld", []byte("hello world")))
	if want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"; got != want {
		t.Fatalf("pae = %q, want %q", got, want)
	}
	if got := string(pae("", nil)); got != "DSSEv1 0  0 " {
		t.Fatalf("pae of nothing = %q", got)
	}
}
