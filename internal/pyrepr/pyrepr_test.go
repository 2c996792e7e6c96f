package pyrepr

import "testing"

func TestStr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", `'abc'`},
		{"it's", `"it's"`},
		{`both ' and "`, `'both \' and "'`},
		{"tab\there\nnl", `'tab\there\nnl'`},
		{`back\slash`, `'back\\slash'`},
		{"\x00\x7f", `'\x00\x7f'`},
		{"é中", `'é中'`},
		{"\u200b", `'\u200b'`},
	}
	for _, tt := range tests {
		if got := Str(tt.in); got != tt.want {
			t.Errorf("Str(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := List([]string{"a", "b'"}); got != `['a', "b'"]` {
		t.Errorf("List = %s", got)
	}
}
