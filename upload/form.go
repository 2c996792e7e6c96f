package upload

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/pypi-publish/pypi-publish/dist"
)

// Field is one form field, in the order it is sent.
type Field struct{ Name, Value string }

var unsafeNameRE = regexp.MustCompile(`[^A-Za-z0-9.]+`)

// Fields returns the non-file form fields for f, in the order and shape
// twine sends them, so any index that accepts twine accepts us: the
// metadata fields (multi-use ones repeated, "Label, URL" project URLs,
// keywords as one field), then pyversion, filetype, the digests and the
// protocol fields. attestations, when non-empty, is the JSON array sent in
// the "attestations" field.
func Fields(f *dist.File, attestations string) []Field {
	m := f.Metadata
	var out []Field
	add := func(name, value string) {
		if value != "" {
			out = append(out, Field{name, value})
		}
	}
	if m != nil {
		for _, spec := range dist.Fields {
			switch spec.FormKey {
			case "metadata_version":
				add(spec.FormKey, m.MetadataVersion)
			case "name":
				// twine sends setuptools' "safe name"; PyPI normalizes it
				// the same way, and parity with twine matters more.
				add(spec.FormKey, unsafeNameRE.ReplaceAllString(m.Name, "-"))
			case "version":
				add(spec.FormKey, m.Version)
			case "description":
				add(spec.FormKey, m.Description)
			case "license_file":
				// twine drops License-File before Metadata 2.4, where PyPI
				// would call it a field from a later version: setuptools
				// wrote it into 2.1 metadata for years.
				if dist.MetadataVersionAtLeast(m.MetadataVersion, "2.4") {
					for _, v := range m.All(spec.Name) {
						add(spec.FormKey, v)
					}
				}
			case "keywords":
				add(spec.FormKey, strings.Join(m.All(spec.Name), ", "))
			default:
				if spec.Multiple {
					for _, v := range m.All(spec.Name) {
						add(spec.FormKey, v)
					}
				} else {
					add(spec.FormKey, m.Get(spec.Name))
				}
			}
		}
	}
	add("pyversion", f.PyVersion())
	add("filetype", f.Kind.Filetype())
	add("sha256_digest", f.Digests.SHA256)
	add("attestations", attestations)
	add("blake2_256_digest", f.Digests.Blake2b256)
	add("md5_digest", f.Digests.MD5)
	add(":action", "file_upload")
	add("protocol_version", "1")
	return out
}

// form is a multipart body split around the file's bytes, so the file
// can be streamed from disk and the total length known in advance.
type form struct {
	contentType string
	head, tail  []byte
}

func newForm(f *dist.File, attestations string) (*form, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, fld := range Fields(f, attestations) {
		if err := w.WriteField(fld.Name, fld.Value); err != nil {
			return nil, fmt.Errorf("upload: building form: %w", err)
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="content"; filename="%s"`, escapeQuotes(f.Filename)))
	h.Set("Content-Type", "application/octet-stream")
	if _, err := w.CreatePart(h); err != nil {
		return nil, fmt.Errorf("upload: building form: %w", err)
	}
	headLen := buf.Len()
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("upload: building form: %w", err)
	}
	b := buf.Bytes()
	return &form{contentType: w.FormDataContentType(), head: b[:headLen:headLen], tail: b[headLen:]}, nil
}

func (fm *form) length(fileSize int64) int64 {
	return int64(len(fm.head)) + fileSize + int64(len(fm.tail))
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }
