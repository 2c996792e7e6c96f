package pypitest

import "os"

// Close removes the directory where uploads are spooled. The index keeps
// answering afterwards, spooling into a new directory.
func (i *Index) Close() error {
	i.mu.Lock()
	dir := i.tmpDir
	i.tmpDir = ""
	i.mu.Unlock()
	if dir == "" {
		return nil
	}
	return os.RemoveAll(dir)
}

// AddToken registers an API token. PyPI tokens start with "pypi-"; others
// are refused as PyPI refuses them. With no projects the token is
// user-wide and may create projects; otherwise it may only upload to the
// named projects.
func (i *Index) AddToken(token string, projects ...string) {
	id := &identity{user: i.opts.Username}
	for _, p := range projects {
		id.projects = append(id.projects, normalize(p))
	}
	i.mu.Lock()
	i.tokens[token] = id
	i.mu.Unlock()
}

// addPublisherToken registers a token for a trusted publisher, valid for
// the given projects and never expiring: a shortcut past the mint-token
// exchange for tests of the upload checks.
func (i *Index) addPublisherToken(token string, p publisher, projects ...string) {
	id := publisherIdentity(p, projects)
	i.mu.Lock()
	i.tokens[token] = id
	i.mu.Unlock()
}

func publisherIdentity(p publisher, projects []string) *identity {
	id := &identity{publisher: &p}
	for _, name := range projects {
		id.projects = append(id.projects, normalize(name))
	}
	return id
}

// AddProject creates an empty project owned by the user of the API tokens.
func (i *Index) AddProject(name string) { i.addProject(name, i.opts.Username) }

// AddForeignProject creates an empty project owned by someone else, to
// which the user's tokens may not upload.
func (i *Index) AddForeignProject(name string) { i.addProject(name, "someone-else") }

func (i *Index) addProject(name, owner string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	n := normalize(name)
	if _, ok := i.projects[n]; !ok {
		i.projects[n] = &project{name: name, normalized: n, owner: owner}
	}
}

// DeleteFile deletes a stored file, as a maintainer can on PyPI. Its
// filename can never be uploaded again.
func (i *Index) DeleteFile(filename string) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	for k, f := range i.files {
		if f.Filename != filename {
			continue
		}
		i.files = append(i.files[:k:k], i.files[k+1:]...)
		i.deleted[filename] = true
		p := i.projects[f.Project]
		p.size -= f.Size
		for _, r := range p.releases {
			for j, g := range r.files {
				if g == f {
					r.files = append(r.files[:j:j], r.files[j+1:]...)
				}
			}
		}
		return true
	}
	return false
}

// Files returns the stored files in upload order.
func (i *Index) Files() []File {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make([]File, len(i.files))
	for k, f := range i.files {
		out[k] = f.File
	}
	return out
}

// File returns the stored file with that filename.
func (i *Index) File(filename string) (File, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, f := range i.files {
		if f.Filename == filename {
			return f.File, true
		}
	}
	return File{}, false
}

// Uploads returns how many POST requests reached /legacy/, whatever
// became of them.
func (i *Index) Uploads() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.uploads
}

// Requests returns a log of the requests answered so far.
func (i *Index) Requests() []RequestLog {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]RequestLog(nil), i.requests...)
}
