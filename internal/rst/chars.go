package rst

import "unicode"

// These two helpers are also in package dist, which uses them for
// requirement and email parsing; they are small enough that a shared
// package would cost more than the copy.

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isPyWord reports whether r is in Python's \w for str patterns.
func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}
