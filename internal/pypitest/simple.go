package pypitest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

const (
	mimeSimpleJSON = "application/vnd.pypi.simple.v1+json"
	mimeSimpleHTML = "application/vnd.pypi.simple.v1+html"
)

// fileURL is where a stored file is served, following PyPI's layout
// (blake2b-256 digest split into directories) on this server.
func fileURL(r *http.Request, f *storedFile) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	b := f.Blake2
	return scheme + "://" + r.Host + "/packages/" + b[:2] + "/" + b[2:4] + "/" + b[4:] + "/" + f.Filename
}

// sortedFiles returns a project's files ordered by version, then filename.
func sortedFiles(p *project) []*storedFile {
	rels := append([]*release(nil), p.releases...)
	sort.SliceStable(rels, func(a, b int) bool { return compareVersions(rels[a].parsed, rels[b].parsed) < 0 })
	var out []*storedFile
	for _, r := range rels {
		fs := append([]*storedFile(nil), r.files...)
		sort.Slice(fs, func(a, b int) bool { return fs[a].Filename < fs[b].Filename })
		out = append(out, fs...)
	}
	return out
}

// serveSimple answers the Simple Repository API (PEP 503, 691).
func (i *Index) serveSimple(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = negotiate(r.Header.Values("Accept"), "text/html", mimeSimpleHTML, mimeSimpleJSON)
	}
	asJSON := format == mimeSimpleJSON
	rest := strings.TrimPrefix(r.URL.Path, "/simple")
	i.mu.Lock()
	defer i.mu.Unlock()
	if rest == "" || rest == "/" {
		i.serveSimpleIndex(w, asJSON)
		return
	}
	name := strings.Trim(rest, "/")
	if strings.Contains(name, "/") {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	if norm := normalize(name); norm != name || !strings.HasSuffix(rest, "/") {
		http.Redirect(w, r, "/simple/"+norm+"/", http.StatusMovedPermanently)
		return
	}
	p := i.projects[name]
	if p == nil {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("X-PyPI-Last-Serial", strconv.Itoa(p.serial))
	files := sortedFiles(p)
	if asJSON {
		type jsonFile struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			RequiresPython *string           `json:"requires-python"`
			Size           int64             `json:"size"`
			UploadTime     string            `json:"upload-time"`
			Yanked         bool              `json:"yanked"`
			DistInfo       any               `json:"data-dist-info-metadata"`
			CoreMetadata   any               `json:"core-metadata"`
			Provenance     *string           `json:"provenance"`
		}
		out := struct {
			Meta          map[string]any    `json:"meta"`
			Name          string            `json:"name"`
			ProjectStatus map[string]string `json:"project-status"`
			Versions      []string          `json:"versions"`
			Files         []jsonFile        `json:"files"`
		}{
			Meta:          map[string]any{"api-version": "1.4", "_last-serial": p.serial},
			Name:          p.normalized,
			ProjectStatus: map[string]string{"status": "active"},
			Versions:      []string{},
			Files:         []jsonFile{},
		}
		seen := map[string]bool{}
		for _, f := range files {
			if !seen[f.Version] {
				seen[f.Version] = true
				out.Versions = append(out.Versions, f.Version)
			}
			jf := jsonFile{Filename: f.Filename, URL: fileURL(r, f), Hashes: map[string]string{"sha256": f.SHA256},
				Size: f.Size, UploadTime: f.UploadTime.Format("2006-01-02T15:04:05.000000Z"),
				DistInfo: false, CoreMetadata: false}
			if f.requiresPython != "" {
				jf.RequiresPython = &f.requiresPython
			}
			if f.metadataSHA256 != "" {
				md := map[string]string{"sha256": f.metadataSHA256}
				jf.DistInfo, jf.CoreMetadata = md, md
			}
			if f.provenance != nil {
				u := provenanceURL(r, f)
				jf.Provenance = &u
			}
			out.Files = append(out.Files, jf)
		}
		w.Header().Set("Content-Type", mimeSimpleJSON)
		json.NewEncoder(w).Encode(out)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n"+
		"    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n", html.EscapeString(p.normalized), html.EscapeString(p.normalized))
	for _, f := range files {
		fmt.Fprintf(&b, "    <a href=\"%s#sha256=%s\"", html.EscapeString(fileURL(r, f)), f.SHA256)
		if f.requiresPython != "" {
			fmt.Fprintf(&b, " data-requires-python=\"%s\"", html.EscapeString(f.requiresPython))
		}
		if f.metadataSHA256 != "" {
			fmt.Fprintf(&b, " data-dist-info-metadata=\"sha256=%s\" data-core-metadata=\"sha256=%s\"", f.metadataSHA256, f.metadataSHA256)
		}
		if f.provenance != nil {
			fmt.Fprintf(&b, " data-provenance=\"%s\"", html.EscapeString(provenanceURL(r, f)))
		}
		fmt.Fprintf(&b, ">%s</a><br />\n", html.EscapeString(f.Filename))
	}
	fmt.Fprintf(&b, "  </body>\n</html>\n<!--SERIAL %d-->\n", p.serial)
	if format == mimeSimpleHTML {
		w.Header().Set("Content-Type", mimeSimpleHTML)
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.Write([]byte(b.String()))
}

// serveSimpleIndex lists every project.
func (i *Index) serveSimpleIndex(w http.ResponseWriter, asJSON bool) {
	names := make([]string, 0, len(i.projects))
	for n, p := range i.projects {
		if len(p.releases) > 0 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	w.Header().Set("X-PyPI-Last-Serial", strconv.Itoa(i.serial))
	if asJSON {
		type entry struct {
			Name string `json:"name"`
		}
		out := struct {
			Meta     map[string]any `json:"meta"`
			Projects []entry        `json:"projects"`
		}{Meta: map[string]any{"api-version": "1.4", "_last-serial": i.serial}, Projects: []entry{}}
		for _, n := range names {
			out.Projects = append(out.Projects, entry{n})
		}
		w.Header().Set("Content-Type", mimeSimpleJSON)
		json.NewEncoder(w).Encode(out)
		return
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.4\">\n" +
		"    <title>Simple index</title>\n  </head>\n  <body>\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    <a href=\"/simple/%s/\">%s</a>\n", n, n)
	}
	b.WriteString("  </body>\n</html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(b.String()))
}

// serveFile serves an uploaded file, or its METADATA as <file>.metadata,
// at the URL the Simple API lists. Contents are only there with
// Options.KeepContent.
func (i *Index) serveFile(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/packages/"), "/")
	if len(parts) != 4 {
		http.NotFound(w, r)
		return
	}
	digest, name := parts[0]+parts[1]+parts[2], parts[3]
	meta := false
	i.mu.Lock()
	var found *storedFile
	for _, f := range i.files {
		if f.Blake2 != digest {
			continue
		}
		if f.Filename == name {
			found = f
		} else if f.Filename+".metadata" == name && f.Metadata != nil {
			found, meta = f, true
		}
	}
	i.mu.Unlock()
	switch {
	case found == nil:
		http.NotFound(w, r)
	case meta:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(found.Metadata)
	case found.Content == nil:
		http.Error(w, "content not kept (Options.KeepContent is false)", http.StatusNotFound)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(found.Size, 10))
		w.Write(found.Content)
	}
}

func provenanceURL(r *http.Request, f *storedFile) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/integrity/" + f.Project + "/" + f.Version + "/" + f.Filename + "/provenance"
}

// serveProvenance is the Integrity API's provenance endpoint.
func (i *Index) serveProvenance(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/integrity/"), "/")
	if len(parts) != 4 || parts[3] != "provenance" {
		http.NotFound(w, r)
		return
	}
	i.mu.Lock()
	var prov []byte
	for _, f := range i.files {
		if f.Project == normalize(parts[0]) && f.Filename == parts[2] {
			prov = f.provenance
		}
	}
	i.mu.Unlock()
	if prov == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message": %s}`, pyJSONString("No provenance available for "+parts[2]))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.pypi.integrity.v1+json")
	w.Write(prov)
}
