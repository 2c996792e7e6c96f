package dist

import "fmt"

// Problem is one reason PyPI would refuse a distribution (or, when Warning
// is set, something the user should know but that does not stop the upload).
// Message uses PyPI's own wording where PyPI has one, so that what we print
// before uploading matches what the index would have answered after.
type Problem struct {
	// Field names what is wrong: a core metadata field ("Version",
	// "Summary"), "filename" or "archive".
	Field string
	// Message says what is wrong.
	Message string
	// Hint says what to do about it; may be empty.
	Hint string
	// Warning marks a problem that does not stop the upload.
	Warning bool
}

func (p Problem) String() string {
	s := p.Message
	if p.Field != "" {
		s = p.Field + ": " + s
	}
	if p.Hint != "" {
		s += " (" + p.Hint + ")"
	}
	return s
}

// Errorf returns an error Problem for field.
func Errorf(field, format string, args ...any) Problem {
	return Problem{Field: field, Message: fmt.Sprintf(format, args...)}
}
