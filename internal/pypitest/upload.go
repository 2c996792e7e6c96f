package pypitest

import (
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"strings"
	"time"
)

// outcome is the answer to an upload: 200 with an empty page, or a
// refusal with Warehouse's message.
type outcome struct {
	status int
	msg    string
}

var ok200 = outcome{status: http.StatusOK}

func refusal(status int, msg string) outcome { return outcome{status, msg} }

func badRequest(msg string) outcome { return outcome{http.StatusBadRequest, msg} }

// serveLegacy handles POST /legacy/, the upload endpoint.
func (i *Index) serveLegacy(w *recorder, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	f, faulty, delay := i.nextFault()
	if faulty {
		inject(w, r, f)
		return
	}
	dir, err := i.spoolDir()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	form, err := readForm(r, dir, i.opts.MaxFileSize)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away
		}
		if errors.Is(err, errFieldsTooLarge) {
			http.Error(w, "413 Request Entity Too Large", http.StatusRequestEntityTooLarge)
			return
		}
		i.refuse(w, r, http.StatusBadRequest, "Invalid form data: "+err.Error())
		return
	}
	defer form.cleanup()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	action := r.URL.Query().Get(":action")
	if action == "" {
		action, _ = form.last(":action")
	}
	var out outcome
	switch action {
	case "file_upload":
		out = i.fileUpload(r, form)
	case "submit", "submit_pkg_info":
		out = refusal(http.StatusGone, "Project pre-registration is no longer required or supported, upload your files instead.")
	case "doc_upload":
		out = refusal(http.StatusGone, "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.")
	default:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Warehouse upload API</title></head>\n<body><p>This is the " +
			"upload API. POST a distribution with :action=file_upload; see https://docs.pypi.org/api/upload/.</p></body></html>\n"))
		return
	}
	if out.status == http.StatusOK {
		w.WriteHeader(http.StatusOK) // an empty body, which clients ignore anyway
		return
	}
	i.refuse(w, r, out.status, out.msg)
}

// spoolDir returns (creating it if needed) the directory for uploads.
func (i *Index) spoolDir() (string, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.tmpDir == "" {
		d, err := os.MkdirTemp("", "pypitest-")
		if err != nil {
			return "", err
		}
		i.tmpDir = d
	}
	return i.tmpDir, nil
}

// fileUpload is Warehouse's file_upload view. The checks that only look
// at the request run first; the archive is inspected next, outside the
// lock; the rest runs under the lock, in Warehouse's order.
func (i *Index) fileUpload(r *http.Request, f *form) outcome {
	sanitize(f)
	if n := tupleField(f); n != "" {
		return badRequest(n + ": Should not be a tuple.")
	}
	id, msg := i.identify(r)
	if id == nil {
		return refusal(http.StatusForbidden, msg)
	}
	if v, ok := f.last("protocol_version"); ok && v != "1" {
		return badRequest("Unknown protocol version.")
	}
	if msg := checkForm(f); msg != "" {
		return badRequest(msg)
	}
	m, msg := checkMetadata(f)
	if msg != "" {
		return badRequest(msg)
	}
	if f.content == nil {
		// A "content" field that is not a file crashes Warehouse; saying
		// there is no file is the useful answer.
		return badRequest("Upload payload does not have a file.")
	}
	var in *inspection
	if sp := f.content; !sp.truncated && checkFilename(sp.filename, firstValue(f, "filetype")) == "" {
		in = inspect(sp, sp.filename)
		defer in.close()
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.store(f, id, m, in)
}

func firstValue(f *form, name string) string {
	v, _ := f.first(name)
	return v
}

// identify finds who is uploading from the Authorization header. It
// returns nil and the 403 message when there is no valid identity.
func (i *Index) identify(r *http.Request) (*identity, string) {
	invalid := "Invalid or non-existent authentication information. " + i.helpURL("invalid-auth")
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok {
		return nil, invalid
	}
	var token string
	switch strings.ToLower(scheme) {
	case "basic":
		dec, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return nil, invalid
		}
		user, pass, _ := strings.Cut(string(dec), ":")
		if user != "__token__" {
			return nil, "Username/Password authentication is no longer supported. Migrate to API Tokens or " +
				"Trusted Publishers instead. See https://" + i.opts.Host + "/help/#apitoken and https://" +
				i.opts.Host + "/help/#trusted-publishers"
		}
		token = strings.TrimSpace(pass)
	case "token", "bearer":
		token = cred
	default:
		return nil, invalid
	}
	i.mu.Lock()
	id := i.tokens[token]
	i.mu.Unlock()
	if id == nil || !strings.HasPrefix(token, "pypi-") {
		return nil, invalid
	}
	return id, ""
}
