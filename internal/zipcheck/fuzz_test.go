package zipcheck

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzCheck feeds arbitrary bytes to the checks. Whatever the input, they
// must not panic, must only refuse with a *Error (a bytes.Reader never
// fails), and an accepted archive must stay readable member by member.
func FuzzCheck(f *testing.F) {
	f.Add(simple().build())
	f.Add(archive{}.build())
	z := simple()
	z.zip64 = true
	f.Add(z.build())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Open(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			err = a.Framing()
		}
		if err != nil {
			var ze *Error
			if !errors.As(err, &ze) || ze.Reason == "" {
				t.Fatalf("error %v (%T) is not a refusal", err, err)
			}
			if err2 := Check(bytes.NewReader(b), int64(len(b))); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("Check() = %v, Open+Framing = %v", err2, err)
			}
			return
		}
		for _, name := range a.Names() {
			_, err := a.ReadFile(name, 1<<20)
			var ze *Error
			if err != nil && !errors.As(err, &ze) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("ReadFile(%q) = %v", name, err)
			}
		}
	})
}
