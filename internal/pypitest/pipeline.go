package pypitest

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// store runs Warehouse's checks from the project lookup on, and records
// the file when they pass. The caller holds i.mu.
func (i *Index) store(f *form, id *identity, m meta, in *inspection) outcome {
	sp := f.content
	name, _ := f.first("name")
	filetype, _ := f.first("filetype")

	proj := i.projects[normalize(name)]
	isNew := proj == nil
	if isNew {
		if id.user == "" {
			return badRequest("Non-user identities cannot create new projects. This was probably caused by " +
				"successfully using a pending publisher but specifying the project name incorrectly (either in the " +
				"publisher or in your project's metadata). Please ensure that both match. " +
				"See: https://docs.pypi.org/trusted-publishers/troubleshooting/")
		}
		if out, ok := i.createProject(name, id.user, true); !ok {
			return out
		}
		proj = &project{name: name, normalized: normalize(name), owner: id.user}
	}
	if out, ok := i.permitted(id, proj, isNew); !ok {
		return out
	}

	var rel *release
	for _, r := range proj.releases {
		if r.parsed.Equal(m.version) {
			rel = r
		}
	}
	if msg := checkFilename(sp.filename, filetype); msg != "" {
		return badRequest(msg)
	}
	if t := strings.ToLower(strings.TrimSpace(sp.partType)); t == "" || strings.HasPrefix(t, "image/") {
		return badRequest("Invalid distribution file.")
	}
	if out, ok := i.checkSize(proj, sp.size); !ok {
		return out
	}
	for _, d := range []struct{ field, got string }{
		{"md5_digest", sp.md5}, {"sha256_digest", sp.sha256}, {"blake2_256_digest", sp.blake2},
	} {
		if v, _ := f.first(d.field); v != "" && strings.ToLower(v) != d.got {
			return badRequest("The digest supplied does not match a digest calculated from the uploaded file.")
		}
	}
	for _, g := range i.files {
		if g.Filename != sp.filename && g.Blake2 != sp.blake2 {
			continue
		}
		if g.Filename == sp.filename && g.SHA256 == sp.sha256 && g.Blake2 == sp.blake2 {
			return ok200 // the same file again: nothing to do
		}
		return badRequest("File already exists (" + pyrepr.Str(sp.filename) + ", with blake2_256 hash " +
			pyrepr.Str(sp.blake2) + "). " + i.helpURL("file-name-reuse"))
	}
	if i.deleted[sp.filename] {
		return badRequest("This filename was previously used by a file that has since been deleted. " +
			"Use a different version. " + i.helpURL("file-name-reuse"))
	}
	now := i.opts.Now()
	if rel != nil && now.Sub(rel.created) > 14*24*time.Hour {
		return badRequest("Uploading new files to releases older than 14 days is not allowed.")
	}
	if filetype == "sdist" && rel != nil {
		for _, g := range rel.files {
			if g.Filetype == "sdist" {
				return badRequest("Only one sdist may be uploaded per release.")
			}
		}
	}
	if in == nil {
		return badRequest("Invalid distribution file. None")
	}
	if in.reason != "" {
		return badRequest("Invalid distribution file. " + in.reason)
	}
	var metadata []byte
	if filetype == "sdist" {
		if msg := checkSdistName(sp.filename, proj, m, in); msg != "" {
			return badRequest(msg)
		}
	} else {
		var msg string
		if metadata, msg = checkWheel(sp.filename, proj, m, in); msg != "" {
			return badRequest(msg)
		}
	}
	attestations, hasAttestations := f.last("attestations")
	var provenance []byte
	if hasAttestations {
		var msg string
		if provenance, msg = checkAttestations(attestations, id, sp.filename, sp.sha256); msg != "" {
			return badRequest("Invalid attestations supplied during upload: " + msg)
		}
	}
	return i.commit(f, proj, rel, m, in, metadata, provenance, now)
}

// commit records an accepted upload: the project and release if new, and
// the file.
func (i *Index) commit(f *form, proj *project, rel *release, m meta, in *inspection,
	metadata, provenance []byte, now time.Time) outcome {
	sp := f.content
	var content []byte
	if i.opts.KeepContent {
		var err error
		if content, err = os.ReadFile(sp.path); err != nil {
			return refusal(http.StatusInternalServerError, "Internal Server Error")
		}
	}
	if _, ok := i.projects[proj.normalized]; !ok {
		i.projects[proj.normalized] = proj
	}
	proj.name, _ = f.first("name")
	if rel == nil {
		rel = &release{version: m.version.String(), parsed: m.version, created: now,
			summary: m.summary, requiresPython: m.requiresPython}
		proj.releases = append(proj.releases, rel)
	}
	filetype, _ := f.first("filetype")
	pyversion, _ := f.first("pyversion")
	if filetype == "sdist" && pyversion == "" {
		pyversion = "source"
	}
	form := map[string][]string{}
	for _, fl := range f.rawFields {
		form[fl.name] = append(form[fl.name], fl.value)
	}
	attestations, _ := f.last("attestations")
	sf := &storedFile{
		File: File{
			Project: proj.normalized, Version: rel.version, Filename: sp.filename,
			Filetype: filetype, PyVersion: pyversion,
			SHA256: sp.sha256, MD5: sp.md5, Blake2: sp.blake2, Size: sp.size,
			Content: content, Form: form, FieldOrder: f.order, Attestations: attestations,
			Metadata: metadata, UploadTime: now.UTC(),
		},
		requiresPython: rel.requiresPython,
		provenance:     provenance,
	}
	if metadata != nil {
		sf.metadataSHA256 = sha256Hex(metadata)
	}
	rel.files = append(rel.files, sf)
	proj.size += sp.size
	i.files = append(i.files, sf)
	i.serial++
	proj.serial = i.serial
	return ok200
}

// createProject applies the rules for a new project: the creation rate
// limit (unless limited is false, as for a pending trusted publisher),
// then the name rules.
func (i *Index) createProject(name, user string, limited bool) (outcome, bool) {
	if l := i.opts.NewProjectLimit; limited && l > 0 && i.created[user] >= l {
		return refusal(http.StatusTooManyRequests, "Too many new projects created"), false
	}
	if stdlibModules[normalize(name)] {
		return badRequest("The name " + pyrepr.Str(name) + " isn't allowed (conflict with Python Standard Library module name). " +
			i.helpURL("project-name")), false
	}
	u := ultranormalize(name)
	for _, p := range i.projects {
		if ultranormalize(p.normalized) == u {
			return badRequest("The name " + pyrepr.Str(name) + " is too similar to an existing project. " +
				i.helpURL("project-name")), false
		}
	}
	if limited {
		i.created[user]++
	}
	return outcome{}, true
}

// permitted is the permission check, with the texts of Warehouse's
// macaroon caveats and ACLs. Scoped tokens name projects by ID on PyPI,
// so they never cover a project created by the upload itself. A minted
// token's caveats are checked in Warehouse's order: projects, then time.
func (i *Index) permitted(id *identity, proj *project, isNew bool) (outcome, bool) {
	listed := false
	for _, p := range id.projects {
		listed = listed || (p == proj.normalized && !isNew)
	}
	switch {
	case id.publisher != nil && !listed:
		return refusal(http.StatusForbidden, "Invalid API Token: OIDC scoped token is not valid for project "+pyrepr.Str(proj.name)), false
	case id.publisher != nil && !id.expires.IsZero() && expired(id, i.opts.Now()):
		return refusal(http.StatusForbidden, "Invalid API Token: token is expired"), false
	case id.publisher != nil:
		return outcome{}, true
	case id.projects != nil && !listed:
		return refusal(http.StatusForbidden, "Invalid API Token: project-scoped token is not valid for project: "+pyrepr.Str(proj.name)), false
	case proj.owner != id.user:
		return refusal(http.StatusForbidden, "The user "+pyrepr.Str(id.user)+" isn't allowed to upload to project "+
			pyrepr.Str(proj.name)+". "+i.helpURL("project-name")), false
	}
	return outcome{}, true
}

// expired is the Expiration caveat: valid from notBefore, up to but not
// including expires.
func expired(id *identity, now time.Time) bool {
	return now.Before(id.notBefore) || !now.Before(id.expires)
}

// checkSize applies the file and project size limits in the order
// Warehouse's streaming loop would hit them.
func (i *Index) checkSize(proj *project, size int64) (outcome, bool) {
	fileLimit, room := i.opts.MaxFileSize, i.opts.MaxProjectSize-proj.size
	if size <= fileLimit && size <= room {
		return outcome{}, true
	}
	if room < fileLimit && size > room {
		return badRequest("Project size too large. Limit for project " + pyrepr.Str(proj.name) + " total size is " +
			strconv.FormatInt(i.opts.MaxProjectSize>>30, 10) + " GB. See " +
			"https://docs.pypi.org/project-management/storage-limits#requesting-a-project-size-limit-increase"), false
	}
	return badRequest("File too large. Limit for project " + pyrepr.Str(proj.name) + " is " +
		strconv.FormatInt(fileLimit>>20, 10) + " MB. See " +
		"https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase " +
		"for more information."), false
}

var distFileRE = regexp.MustCompile(`(?i)^.+?(\.(?:tar\.gz|zip|whl))$`)

// checkFilename is Warehouse's _validate_filename.
func checkFilename(fn, filetype string) string {
	for _, r := range fn {
		if r < 32 || r == 127 {
			return "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name."
		}
	}
	if strings.ContainsAny(fn, `/\`) {
		return `Cannot upload a file with '/' or '\' in the name.`
	}
	mt := distFileRE.FindStringSubmatch(fn)
	if mt == nil {
		return "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 " +
			"and https://peps.python.org/pep-0715/ for more information"
	}
	ext := mt[1]
	allowed := (filetype == "sdist" && (ext == ".zip" || ext == ".tar.gz")) || (filetype == "bdist_wheel" && ext == ".whl")
	if !allowed {
		return "Invalid file extension: Extension " + ext + " is invalid for filetype " + filetype +
			". See https://www.python.org/dev/peps/pep-0527 for more information."
	}
	return ""
}
