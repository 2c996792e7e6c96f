package pypitest

import (
	"strings"
	"testing"
)

// fileCases are refusals that involve the project, the file and its
// contents, in Warehouse's order of checks.
func fileCases() []checkCase {
	return []checkCase{
		{name: "scoped token, other project",
			setup: func(t *testing.T, idx *Index, _ string) { idx.AddToken("pypi-scoped", "other") },
			mk:    with(wheel, func(u *upload) { u.auth = basic("__token__", "pypi-scoped") }),
			code:  403, msg: "Invalid API Token: project-scoped token is not valid for project: 'demo'"},
		{name: "project of another user",
			setup: func(t *testing.T, idx *Index, _ string) { idx.AddForeignProject("Demo") },
			mk:    wheel,
			code:  403, msg: "The user 'pypitest' isn't allowed to upload to project 'Demo'. See https://pypi.org/help/#project-name for more information."},
		{name: "standard library name", mk: func(t *testing.T) upload { return wheelUpload(t, "json", "1.0") },
			code: 400, msg: "The name 'json' isn't allowed (conflict with Python Standard Library module name). See https://pypi.org/help/#project-name for more information."},
		{name: "name too similar",
			setup: func(t *testing.T, idx *Index, _ string) { idx.AddProject("hello") },
			mk:    func(t *testing.T) upload { return wheelUpload(t, "He1l0", "1.0") },
			code:  400, msg: "The name 'He1l0' is too similar to an existing project. See https://pypi.org/help/#project-name for more information."},
		{name: "new project limit", opts: Options{NewProjectLimit: 1},
			setup: uploadFirst(func(t *testing.T) upload { return wheelUpload(t, "first", "1.0") }),
			mk:    wheel,
			code:  429, msg: "Too many new projects created"},
		{name: "control character in filename", mk: with(wheel, func(u *upload) { u.filename = "demo-1.0-py3-none-any\x01.whl" }),
			code: 400, msg: "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name."},
		{name: "slash in filename", mk: with(wheel, func(u *upload) { u.filename = "dist/demo-1.0-py3-none-any.whl" }),
			code: 400, msg: `Cannot upload a file with '/' or '\' in the name.`},
		{name: "extension for another filetype", mk: with(sdist, func(u *upload) { u.filename = "demo-1.0-py3-none-any.whl" }),
			code: 400, msg: "Invalid file extension: Extension .whl is invalid for filetype sdist. See https://www.python.org/dev/peps/pep-0527 for more information."},
		{name: "unknown extension", mk: with(wheel, func(u *upload) { u.filename = "demo-1.0-py3.6.egg" }),
			code: 400, msg: "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information"},
		{name: "upper-case extension", mk: with(wheel, func(u *upload) { u.filename = "demo-1.0-py3-none-any.WHL" }),
			code: 400, msg: "Invalid file extension: Extension .WHL is invalid for filetype bdist_wheel. See https://www.python.org/dev/peps/pep-0527 for more information."},
		{name: "image content type", mk: with(wheel, func(u *upload) { u.contentType = "image/png" }),
			code: 400, msg: "Invalid distribution file."},
		{name: "no content type", mk: with(wheel, func(u *upload) { u.contentType = "-" }),
			code: 400, msg: "Invalid distribution file."},
		{name: "file too large", opts: Options{MaxFileSize: 1 << 20},
			mk: with(wheel, func(u *upload) {
				u.content = append(u.content, make([]byte, 1<<20)...)
				u.redigest()
			}),
			code: 400, msg: "File too large. Limit for project 'demo' is 1 MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information."},
		{name: "project too large", opts: Options{MaxProjectSize: 1 << 30},
			setup: func(t *testing.T, idx *Index, _ string) {
				idx.AddProject("demo")
				idx.mu.Lock()
				idx.projects["demo"].size = 1<<30 - 100
				idx.mu.Unlock()
			},
			mk:   wheel,
			code: 400, msg: "Project size too large. Limit for project 'demo' total size is 1 GB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-project-size-limit-increase"},
		{name: "digest mismatch", mk: with(wheel, func(u *upload) { u.set("sha256_digest", strings.Repeat("A", 64)) }),
			code: 400, msg: "The digest supplied does not match a digest calculated from the uploaded file."},
		{name: "same name, other bytes",
			setup: uploadFirst(wheel),
			mk: func(t *testing.T) upload {
				_, b, _ := BuildWheel("demo", "1.0", DistOptions{Extra: map[string][]byte{"x.txt": []byte("x")}})
				u := wheel(t)
				u.content = b
				u.redigest()
				return u
			},
			code: 400, msg: "File already exists ('demo-1.0-py3-none-any.whl', with blake2_256 hash '@B2@'). See https://pypi.org/help/#file-name-reuse for more information."},
		{name: "same bytes, other name",
			setup: uploadFirst(sdist),
			mk: with(sdist, func(u *upload) {
				u.filename = "demo-1.1.tar.gz"
				u.set("version", "1.1")
			}),
			code: 400, msg: "File already exists ('demo-1.1.tar.gz', with blake2_256 hash '@B2@'). See https://pypi.org/help/#file-name-reuse for more information."},
		{name: "filename of a deleted file",
			setup: func(t *testing.T, idx *Index, url string) {
				uploadFirst(wheel)(t, idx, url)
				idx.DeleteFile("demo-1.0-py3-none-any.whl")
			},
			mk: func(t *testing.T) upload {
				_, b, _ := BuildWheel("demo", "1.0", DistOptions{Extra: map[string][]byte{"x.txt": []byte("x")}})
				u := wheel(t)
				u.content = b
				u.redigest()
				return u
			},
			code: 400, msg: "This filename was previously used by a file that has since been deleted. Use a different version. See https://pypi.org/help/#file-name-reuse for more information."},
		{name: "release older than 14 days", opts: Options{Now: steppingClock()},
			setup: uploadFirst(wheel), mk: sdist,
			code: 400, msg: "Uploading new files to releases older than 14 days is not allowed."},
		{name: "second sdist",
			setup: uploadFirst(sdist),
			mk: func(t *testing.T) upload {
				u := twineForm("demo", "1.0", "sdist", "demo-1.0.zip", zipOf(t, "demo-1.0/PKG-INFO", "Name: demo\n"))
				return u
			},
			code: 400, msg: "Only one sdist may be uploaded per release."},
		{name: "data descriptor", mk: func(t *testing.T) upload {
			fn, b, _ := BuildWheel("demo", "1.0", DistOptions{DataDescriptor: true})
			return twineForm("demo", "1.0", "bdist_wheel", fn, b)
		}, code: 400, msg: "Invalid distribution file. ZIP archive not accepted: ZIP contains a data descriptor. See https://docs.pypi.org/archives for more information"},
		{name: "wheel is not a zip", mk: with(wheel, func(u *upload) { u.content = []byte("not a zip"); u.redigest() }),
			code: 400, msg: "Invalid distribution file. File is not a zipfile"},
		{name: "sdist is not a tar", mk: with(sdist, func(u *upload) { u.content = []byte("not a tar"); u.redigest() }),
			code: 400, msg: "Invalid distribution file. File is not a tarfile"},
		{name: "broken gzip stream", mk: with(sdist, func(u *upload) {
			_, b, _ := BuildSdist("demo", "1.0", DistOptions{Extra: map[string][]byte{"big.txt": randomBytes(64 << 10)}})
			u.content = b[:len(b)/2]
			u.redigest()
		}), code: 400, msg: "Invalid distribution file. None"},
		{name: "sdist without PKG-INFO", mk: withTar("demo-1.0/setup.py", "", "demo-1.0/README", ""), code: 400, msg: "Invalid distribution file. PKG-INFO not found at demo-1.0/PKG-INFO"},
		{name: "sdist with two top-level directories", mk: withTar("a/PKG-INFO", "", "b/PKG-INFO", ""), code: 400, msg: "Invalid distribution file. Incorrect number of top-level directories in sdist"},
		{name: "wheel without WHEEL", mk: withZip("demo-1.0-py3-none-any.whl", "demo-1.0.dist-info/METADATA", "Name: demo\n"),
			code: 400, msg: "Invalid distribution file. WHEEL not found at demo-1.0.dist-info/WHEEL"},
		{name: "sdist name not normalized", mk: func(t *testing.T) upload {
			_, b, _ := BuildSdist("Demo", "1.0", DistOptions{})
			return twineForm("Demo", "1.0", "sdist", "Demo-1.0.tar.gz", b)
		}, code: 400, msg: "Filename 'Demo-1.0.tar.gz' is invalid, should be 'demo-1.0.tar.gz'."},
		{name: "sdist version not normalized", mk: with(sdist, func(u *upload) { u.filename = "demo-1.00.tar.gz" }),
			code: 400, msg: "Filename 'demo-1.00.tar.gz' is invalid, should be 'demo-1.0.tar.gz'."},
		{name: "zip sdist", mk: func(t *testing.T) upload {
			return twineForm("demo", "1.0", "sdist", "demo-1.0.zip",
				zipOf(t, "demo-1.0/PKG-INFO", "Name: demo\n", "demo-1.0/setup.py", ""))
		}, code: 400, msg: "Filename 'demo-1.0.zip' is invalid, should be 'demo-1.0.tar.gz'."},
		{name: "sdist of another project", mk: func(t *testing.T) upload {
			fn, b, _ := BuildSdist("other", "1.0", DistOptions{})
			return twineForm("demo", "1.0", "sdist", fn, b)
		}, code: 400, msg: "Start filename for 'demo' with 'demo'."},
		{name: "wheel of another project", mk: func(t *testing.T) upload {
			fn, b, _ := BuildWheel("other", "1.0", DistOptions{})
			return twineForm("demo", "1.0", "bdist_wheel", fn, b)
		}, code: 400, msg: "Start filename for 'demo' with 'demo'."},
		{name: "wheel name not normalized", mk: withZip("Demo-1.0-py3-none-any.whl",
			"Demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n", "Demo-1.0.dist-info/METADATA", "Name: demo\n"),
			code: 400, msg: "Filename 'Demo-1.0-py3-none-any.whl' should contain the normalized project name 'demo', not 'Demo'."},
		{name: "wheel version differs", mk: func(t *testing.T) upload {
			fn, b, _ := BuildWheel("demo", "2.0", DistOptions{})
			return twineForm("demo", "1.0", "bdist_wheel", fn, b)
		}, code: 400, msg: "Version in filename should be '1.0' not '2.0'."},
		{name: "wheel filename parts", mk: func(t *testing.T) upload {
			_, b, _ := BuildWheel("demo", "1.0", DistOptions{})
			return twineForm("demo", "1.0", "bdist_wheel", "demo-1.0-py3-none.whl", b)
		}, code: 400, msg: "Invalid wheel filename (wrong number of parts): 'demo-1.0-py3-none'"},
		{name: "unsupported platform", mk: func(t *testing.T) upload {
			fn, b, _ := BuildWheel("demo", "1.0", DistOptions{Tag: "cp311-cp311-linux_x86_64"})
			return twineForm("demo", "1.0", "bdist_wheel", fn, b)
		}, code: 400, msg: "Binary wheel 'demo-1.0-cp311-cp311-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."},
		{name: "wheel without RECORD", mk: withZip("demo-1.0-py3-none-any.whl",
			"demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n", "demo-1.0.dist-info/METADATA", "Name: demo\n"),
			code: 400, msg: "Wheel 'demo-1.0-py3-none-any.whl' does not contain the required RECORD file: demo-1.0.dist-info/RECORD"},
		{name: "wheel without METADATA", mk: withZip("demo-1.0-py3-none-any.whl",
			"demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n", "demo-1.0.dist-info/RECORD", ""),
			code: 400, msg: "Wheel 'demo-1.0-py3-none-any.whl' does not contain the required METADATA file: demo-1.0.dist-info/METADATA"},
		{name: "bad entry points", mk: func(t *testing.T) upload {
			fn, b, _ := BuildWheel("demo", "1.0", DistOptions{Extra: map[string][]byte{
				"demo-1.0.dist-info/entry_points.txt": []byte("[console_scripts]\n../evil = demo:main\n")}})
			return twineForm("demo", "1.0", "bdist_wheel", fn, b)
		}, code: 400, msg: "Wheel 'demo-1.0-py3-none-any.whl' has invalid entry points defined in the entry_points.txt file"},
		{name: "missing license file", mk: with(wheel, func(u *upload) { u.set("license_file", "LICENSE") }),
			code: 400, msg: "License-File LICENSE does not exist in distribution file demo-1.0-py3-none-any.whl at demo-1.0.dist-info/licenses/LICENSE"},
		{name: "attestations with an API token", mk: with(wheel, func(u *upload) { u.set("attestations", "[]") }),
			code: 400, msg: "Invalid attestations supplied during upload: Attestations are only supported when using Trusted Publishing"},
		{name: "register", mk: with(wheel, func(u *upload) { u.set(":action", "submit") }),
			code: 410, msg: "Project pre-registration is no longer required or supported, upload your files instead."},
		{name: "documentation", mk: with(wheel, func(u *upload) { u.set(":action", "doc_upload") }),
			code: 410, msg: "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."},
	}
}
