package pypitest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// recorder remembers the status written, for the request log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection to hijack it.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// pyramidStatus holds the title and explanation Pyramid's HTTP exceptions
// use in their default error pages.
var pyramidStatus = map[int][2]string{
	308: {"Permanent Redirect", "The resource has been moved to"},
	400: {"Bad Request", "The server could not comply with the request since it is either malformed or otherwise incorrect."},
	403: {"Forbidden", "Access was denied to this resource."},
	409: {"Conflict", "There was a conflict when trying to complete your request."},
	410: {"Gone", "This resource is no longer available.  No forwarding address is given."},
	429: {"Too Many Requests", "The action could not be performed because there were too many requests by the client."},
}

// refuse answers as Warehouse's _exc_with_message does: the message
// becomes the HTTP reason phrase (characters outside ISO-8859-1 replaced
// by '?') and the detail of a Pyramid error page, rendered as HTML, JSON
// or plain text according to the Accept header. Headers already set on w
// are sent too.
func (i *Index) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	phrase := latin1(msg)
	statusLine := strconv.Itoa(status) + " " + phrase
	ctype, body := pyramidPage(r.Header.Values("Accept"), status, statusLine, msg, w.Header().Get("Location"))
	h := w.Header().Clone()
	h.Set("Content-Type", ctype)
	writeRaw(w, status, phrase, h, body)
}

// pyramidPage renders Pyramid's default page for an HTTP exception.
func pyramidPage(accept []string, status int, statusLine, detail, location string) (string, []byte) {
	ps := pyramidStatus[status]
	if ps[0] == "" {
		ps[0] = http.StatusText(status)
	}
	offer := negotiate(accept, "text/html", "application/json")
	br, esc := "\n", func(s string) string { return s }
	if offer == "text/html" {
		br, esc = "<br/>", htmlEscape
	}
	body := esc(ps[1]) + br + br + "\n" + esc(detail) + "\n\n"
	if status >= 300 && status < 400 {
		body = esc(ps[1]) + " " + esc(location) + "; you should be redirected automatically.\n" + esc(detail) + "\n\n"
	}
	switch offer {
	case "text/html":
		page := "<html>\n <head>\n  <title>" + statusLine + "</title>\n </head>\n <body>\n  <h1>" +
			statusLine + "</h1>\n  " + body + "\n </body>\n</html>"
		return "text/html; charset=UTF-8", []byte(page)
	case "application/json":
		page := `{"message": ` + pyJSONString(body) + `, "code": ` + pyJSONString(statusLine) +
			`, "title": ` + pyJSONString(ps[0]) + `}`
		return "application/json", []byte(page)
	}
	return "text/plain; charset=UTF-8", []byte(statusLine + "\n\n" + body)
}

// writeRaw writes a whole response with a reason phrase of our choosing.
// net/http always writes the standard phrase, so the connection is
// hijacked and the response written by hand, then closed. When hijacking
// is impossible (HTTP/2, a ResponseRecorder) the standard phrase is used.
func writeRaw(w http.ResponseWriter, status int, reason string, h http.Header, body []byte) {
	if rec, ok := w.(*recorder); ok && rec.status == 0 {
		rec.status = status
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	defer conn.Close()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	if h.Get("Date") == "" {
		h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	fmt.Fprintf(brw, "HTTP/1.1 %03d %s\r\n", status, latin1Bytes(reason))
	h.Write(brw)
	brw.WriteString("\r\n")
	brw.Write(body)
	brw.Flush()
}

// latin1 makes s safe for a status line: Warehouse encodes the message as
// ISO-8859-1 with '?' for anything else; we also replace control
// characters, which would otherwise break the response framing. The
// result is still a UTF-8 Go string; latin1Bytes gives its wire form.
func latin1(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || r > 0xFF || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}

// latin1Bytes encodes a string made by latin1 as ISO-8859-1.
func latin1Bytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

// htmlEscape is Python's html.escape(s, quote=True).
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;").Replace(s)
}

// pyJSONString encodes s as Python's json.dumps does by default: ASCII
// only, with \uXXXX escapes (surrogate pairs beyond the BMP).
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || (r >= 0x80 && r < 0x10000):
				fmt.Fprintf(&b, `\u%04x`, r)
			case r >= 0x10000:
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
