package pypitest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// jsonFile is a file in PyPI's legacy JSON API.
type jsonFile struct {
	CommentText       string            `json:"comment_text"`
	Digests           map[string]string `json:"digests"`
	Downloads         int               `json:"downloads"`
	Filename          string            `json:"filename"`
	HasSig            bool              `json:"has_sig"`
	MD5Digest         string            `json:"md5_digest"`
	PackageType       string            `json:"packagetype"`
	PythonVersion     string            `json:"python_version"`
	RequiresPython    *string           `json:"requires_python"`
	Size              int64             `json:"size"`
	UploadTime        string            `json:"upload_time"`
	UploadTimeISO8601 string            `json:"upload_time_iso_8601"`
	URL               string            `json:"url"`
	Yanked            bool              `json:"yanked"`
	YankedReason      *string           `json:"yanked_reason"`
}

// serveJSON answers /pypi/<name>/json and /pypi/<name>/<version>/json.
func (i *Index) serveJSON(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/pypi/"), "/"), "/")
	notFound := func() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message": "Not Found"}`))
	}
	if (len(parts) != 2 && len(parts) != 3) || parts[len(parts)-1] != "json" {
		notFound()
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	p := i.projects[normalize(parts[0])]
	if p == nil || len(p.releases) == 0 {
		notFound()
		return
	}
	var rel *release
	for _, cand := range p.releases {
		if len(parts) == 3 {
			if cand.version == parts[1] {
				rel = cand
			}
		} else if rel == nil || better(cand, rel) {
			rel = cand
		}
	}
	if rel == nil {
		notFound()
		return
	}
	toJSON := func(f *storedFile) jsonFile {
		jf := jsonFile{
			CommentText: firstOf(f.Form["comment"]),
			Digests:     map[string]string{"md5": f.MD5, "sha256": f.SHA256, "blake2b_256": f.Blake2},
			Downloads:   -1, Filename: f.Filename, MD5Digest: f.MD5, PackageType: f.Filetype,
			PythonVersion: f.PyVersion, Size: f.Size, URL: fileURL(r, f),
			UploadTime:        f.UploadTime.Format("2006-01-02T15:04:05"),
			UploadTimeISO8601: f.UploadTime.Format("2006-01-02T15:04:05.000000Z"),
		}
		if f.requiresPython != "" {
			jf.RequiresPython = &f.requiresPython
		}
		return jf
	}
	releases := map[string][]jsonFile{}
	for _, r := range p.releases {
		releases[r.version] = []jsonFile{}
		for _, f := range r.files {
			releases[r.version] = append(releases[r.version], toJSON(f))
		}
	}
	urls := []jsonFile{}
	for _, f := range rel.files {
		urls = append(urls, toJSON(f))
	}
	info := map[string]any{"name": p.name, "version": rel.version, "summary": rel.summary,
		"requires_python": rel.requiresPython, "yanked": false}
	out := map[string]any{"info": info, "last_serial": p.serial, "urls": urls, "vulnerabilities": []any{}}
	if len(parts) == 2 {
		out["releases"] = releases
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// better reports whether a should be the "latest" release rather than b:
// final releases win over pre-releases, then the higher version.
func better(a, b *release) bool {
	if a.parsed.IsPre() != b.parsed.IsPre() {
		return !a.parsed.IsPre()
	}
	return compareVersions(a.parsed, b.parsed) > 0
}

func firstOf(v []string) string {
	if len(v) > 0 {
		return v[0]
	}
	return ""
}
