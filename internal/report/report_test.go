package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pypi-publish/pypi-publish/dist"
	"github.com/pypi-publish/pypi-publish/internal/console"
	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/internal/pypitest"
)

// build writes a real distribution (a wheel, or an sdist when sdist is
// set) to a temporary directory and opens it.
func build(t *testing.T, name, version string, sdist bool) *dist.File {
	t.Helper()
	make := pypitest.BuildWheel
	if sdist {
		make = pypitest.BuildSdist
	}
	filename, data, err := make(name, version, pypitest.DistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filename)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := dist.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if errs := f.Errors(); len(errs) > 0 {
		t.Fatalf("%s: %v", filename, errs)
	}
	return f
}

func target(t *testing.T, raw string) *index.Target {
	t.Helper()
	tg, err := index.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func newUI(github bool) (*console.UI, *bytes.Buffer, *bytes.Buffer) {
	var out, errw bytes.Buffer
	return console.New(&out, &errw, github, false, nil), &out, &errw
}

// outputs returns the step outputs by name.
func outputs(r *Run) map[string]string {
	m := map[string]string{}
	for _, o := range r.Outputs() {
		m[o.Name] = o.Value
	}
	return m
}

func filesJSON(t *testing.T, r *Run) []outputFile {
	t.Helper()
	var list []outputFile
	if err := json.Unmarshal([]byte(outputs(r)["files-json"]), &list); err != nil {
		t.Fatalf("files-json: %v", err)
	}
	return list
}

const pypiUpload = "https://upload.pypi.org/legacy/"

func TestReleaseURLs(t *testing.T) {
	aWheel, aSdist := build(t, "a", "1.0", false), build(t, "a", "1.0", true)
	b := build(t, "B_Pkg.Two", "2.0", false)
	c := build(t, "c", "3.0", false)
	f := func(d *dist.File, o Outcome) File { return File{Dist: d, Outcome: o} }
	tests := []struct {
		name   string
		target string
		files  []File
		want   []string
	}{
		{"uploaded and failed files of one release: one link", pypiUpload,
			[]File{f(aWheel, Uploaded), f(aSdist, Failed)}, []string{"https://pypi.org/project/a/1.0/"}},
		{"skipped counts: the release exists", pypiUpload,
			[]File{f(aWheel, Skipped), f(b, Failed)}, []string{"https://pypi.org/project/a/1.0/"}},
		{"one link per release, normalized, in file order", pypiUpload,
			[]File{f(b, Uploaded), f(aWheel, Uploaded), f(aSdist, Uploaded), f(c, NotAttempted)},
			[]string{"https://pypi.org/project/b-pkg-two/2.0/", "https://pypi.org/project/a/1.0/"}},
		{"a failed first upload links nothing", pypiUpload,
			[]File{f(aWheel, Failed), f(aSdist, NotAttempted)}, nil},
		{"a dry run links nothing", pypiUpload,
			[]File{f(aWheel, DryRun), f(b, DryRun)}, nil},
		{"TestPyPI", "https://test.pypi.org/legacy/",
			[]File{f(aWheel, Uploaded)}, []string{"https://test.pypi.org/project/a/1.0/"}},
		{"another index has no pages we know", "https://pypi.example.com/legacy/",
			[]File{f(aWheel, Uploaded)}, nil},
		{"nor does PyPI's host over plain http (a loopback stand-in)", "http://127.0.0.1:8080/legacy/",
			[]File{f(aWheel, Uploaded)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Run{Target: target(t, tt.target), Files: tt.files}
			got := r.ReleaseURLs()
			if !slices.Equal(got, tt.want) {
				t.Errorf("ReleaseURLs = %q, want %q", got, tt.want)
			}
			if out := outputs(r)["release-urls"]; out != strings.Join(tt.want, "\n") {
				t.Errorf("release-urls output = %q", out)
			}
			md := r.Markdown()
			for _, u := range tt.want {
				if !strings.Contains(md, "\n"+u+"\n") {
					t.Errorf("Markdown lacks %s:\n%s", u, md)
				}
			}
			if len(tt.want) == 0 && strings.Contains(md, "/project/") {
				t.Errorf("Markdown links a release:\n%s", md)
			}
			u, out, _ := newUI(false)
			r.Print(u)
			if n := strings.Count(out.String(), "View at: "); n != len(tt.want) {
				t.Errorf("Print has %d View at lines, want %d:\n%s", n, len(tt.want), out.String())
			}
		})
	}
}

// TestFileURLs: a file links to where PyPI serves it only once PyPI
// holds it.
func TestFileURLs(t *testing.T) {
	w := build(t, "a", "1.0", false)
	want := "https://files.pythonhosted.org/packages/" + w.Digests.Blake2b256[:2] + "/" + w.Digests.Blake2b256[2:4] + "/" +
		w.Digests.Blake2b256[4:] + "/" + w.Filename
	tests := []struct {
		target  string
		outcome Outcome
		want    string
	}{
		{pypiUpload, Uploaded, want},
		{pypiUpload, Skipped, want},
		{pypiUpload, Failed, ""},
		{pypiUpload, NotAttempted, ""},
		{pypiUpload, DryRun, ""},
		{"https://test.pypi.org/legacy/", Uploaded, strings.Replace(want, "files.", "test-files.", 1)},
		{"https://pypi.example.com/legacy/", Uploaded, ""},
	}
	for _, tt := range tests {
		r := &Run{Target: target(t, tt.target), Files: []File{{Dist: w, Outcome: tt.outcome}}}
		list := filesJSON(t, r)
		if list[0].URL != tt.want {
			t.Errorf("%s %s: url %q, want %q", tt.target, tt.outcome, list[0].URL, tt.want)
		}
		md := r.Markdown()
		if linked := strings.Contains(md, "[`"+w.Filename+"`]("+tt.want+")"); linked != (tt.want != "") {
			t.Errorf("%s %s: Markdown linked=%v:\n%s", tt.target, tt.outcome, linked, md)
		}
	}
}

func TestPreflightRun(t *testing.T) {
	good, other := build(t, "a", "1.0", false), build(t, "a", "1.0", true)
	bad := build(t, "b", "2.0", false)
	bad.Problems = append(bad.Problems,
		dist.Problem{Field: "Summary", Message: "a warning first", Warning: true},
		dist.Problem{Field: "Version", Message: "Invalid version"},
		dist.Problem{Field: "Name", Message: "second error"})
	tg := target(t, pypiUpload)

	t.Run("dry run", func(t *testing.T) {
		r := Preflight(tg, []*dist.File{good, other}, true)
		if r.Count(DryRun) != 2 || r.Complete() {
			t.Errorf("dry run: %d dry-run files, complete=%v", r.Count(DryRun), r.Complete())
		}
		if urls := r.ReleaseURLs(); len(urls) != 0 {
			t.Errorf("dry run links releases: %q", urls)
		}
		for _, f := range filesJSON(t, r) {
			if f.URL != "" || f.Reason != "" || f.Result != DryRun {
				t.Errorf("dry run file %+v", f)
			}
		}
		md := r.Markdown()
		if strings.Contains(md, "](") || strings.Count(md, "| dry run |") != 2 {
			t.Errorf("dry run Markdown:\n%s", md)
		}
		o := outputs(r)
		if o["uploaded"] != "0" || o["skipped"] != "0" || o["failed"] != "0" || o["release-urls"] != "" {
			t.Errorf("dry run outputs %q", o)
		}
	})
	t.Run("failed preflight", func(t *testing.T) {
		r := Preflight(tg, []*dist.File{good, bad}, false)
		want := []File{
			{Dist: good, Outcome: NotAttempted, Reason: "preflight failed"},
			{Dist: bad, Outcome: NotAttempted, Reason: "Invalid version"},
		}
		if !slices.Equal(r.Files, want) {
			t.Errorf("files %+v, want %+v", r.Files, want)
		}
		// A dry run with a bad file is a failed preflight too.
		if r2 := Preflight(tg, []*dist.File{good, bad}, true); !slices.Equal(r2.Files, []File{{Dist: good, Outcome: DryRun}, want[1]}) {
			t.Errorf("dry run with a bad file: %+v", r2.Files)
		}
		md := r.Markdown()
		if !strings.Contains(md, "| ❌ Invalid version |") || !strings.Contains(md, "not uploaded (preflight failed)") {
			t.Errorf("Markdown:\n%s", md)
		}
		if o := outputs(r); o["failed"] != "2" {
			t.Errorf("failed output = %q, want 2", o["failed"])
		}
	})
}

// cells splits a Markdown table row at its unescaped pipes, as GitHub
// does (inside code spans too).
func cells(row string) []string {
	return regexp.MustCompile(`(?:^|[^\\])\|`).Split(row, -1)
}

func TestMarkdownTable(t *testing.T) {
	up, fail := build(t, "a", "1.0", false), build(t, "a", "1.0", true)
	skip, na := build(t, "b", "2.0", false), build(t, "c", "3.0", false)
	reason := "400 Bad Request | <b>bold</b>\n| a | fake | row |\r\n## heading"
	r := &Run{Target: target(t, pypiUpload), Files: []File{
		{Dist: up, Outcome: Uploaded, Attestation: "/tmp/att|x/" + up.Filename + ".publish.attestation"},
		{Dist: fail, Outcome: Failed, Reason: reason},
		{Dist: skip, Outcome: Skipped, Reason: "already | there"},
		{Dist: na, Outcome: NotAttempted, Reason: "stopped after a failure\nreally"},
	}}
	md := r.Markdown()
	lines := strings.Split(md, "\n")
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "|") {
			rows = append(rows, l)
		}
	}
	// Header, separator, one row per file, and nothing else looks like a
	// row: no cell broke out of its line.
	if len(rows) != 2+len(r.Files) {
		t.Fatalf("%d table rows, want %d:\n%s", len(rows), 2+len(r.Files), md)
	}
	for _, row := range rows {
		if n := len(cells(row)); n != 7 {
			t.Errorf("row has %d cells, want 5: %q", n-2, row)
		}
	}
	for _, bad := range []string{"<b>", "\n## heading"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown holds %q:\n%s", bad, md)
		}
	}
	for _, want := range []string{"❌ failed: 400 Bad Request", "⏭️ skipped: already \\| there", "not uploaded (stopped after a failure really)", "✅ uploaded"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	list := filesJSON(t, r)
	if list[1].Error != reason || list[1].Result != Failed {
		t.Errorf("files-json keeps the reason as is: %+v", list[1])
	}
	if list[0].Reason != "" || list[0].Error != "" {
		t.Errorf("an uploaded file has no reason: %+v", list[0])
	}
}

// TestMarkdownFilenames: a file's name or attestation path is the user's,
// but still cannot break the table.
func TestMarkdownFilenames(t *testing.T) {
	f := build(t, "a", "1.0", false)
	g := *f
	g.Filename = "a|b\nc`d.whl"
	r := &Run{Target: target(t, "https://pypi.example.com/legacy/"), Files: []File{
		{Dist: &g, Outcome: NotAttempted, Reason: "preflight failed", Attestation: "x|y\nz"},
	}}
	md := r.Markdown()
	var rows []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 3 || len(cells(rows[2])) != 7 {
		t.Errorf("table broken:\n%s", md)
	}
}

func TestOutputs(t *testing.T) {
	files := []*dist.File{
		build(t, "a", "1.0", false), build(t, "a", "1.0", true),
		build(t, "b", "1.0", false), build(t, "c", "1.0", false), build(t, "d", "1.0", false),
	}
	r := &Run{Target: target(t, pypiUpload), Files: []File{
		{Dist: files[0], Outcome: Uploaded, Attestation: "/att/one"},
		{Dist: files[1], Outcome: Uploaded, Attestation: "/att/two"},
		{Dist: files[2], Outcome: Skipped, Reason: "exists"},
		{Dist: files[3], Outcome: Failed, Reason: "500"},
		{Dist: files[4], Outcome: NotAttempted, Reason: "stopped after a failure"},
	}}
	var names []string
	for _, o := range r.Outputs() {
		names = append(names, o.Name)
	}
	if want := []string{"uploaded", "skipped", "failed", "files-json", "release-urls", "attestations"}; !slices.Equal(names, want) {
		t.Errorf("outputs %q, want %q", names, want)
	}
	o := outputs(r)
	for name, want := range map[string]string{
		"uploaded": "2", "skipped": "1", "failed": "2",
		"release-urls": "https://pypi.org/project/a/1.0/\nhttps://pypi.org/project/b/1.0/",
		"attestations": "/att/one\n/att/two",
	} {
		if o[name] != want {
			t.Errorf("%s = %q, want %q", name, o[name], want)
		}
	}
	list := filesJSON(t, r)
	if len(list) != 5 {
		t.Fatalf("files-json has %d files", len(list))
	}
	for i, f := range list {
		d := files[i]
		if f.Filename != d.Filename || f.SHA256 != d.Digests.SHA256 || f.Size != d.Size || f.Result != r.Files[i].Outcome || f.Reason+f.Error != r.Files[i].Reason {
			t.Errorf("files-json[%d] = %+v", i, f)
		}
	}
	if r.Count(Uploaded) != 2 || r.Complete() {
		t.Errorf("Count/Complete wrong")
	}
	// The outputs survive the trip through $GITHUB_OUTPUT.
	path := filepath.Join(t.TempDir(), "output")
	if err := ghactions.WriteOutputs(path, r.Outputs()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte("\n"+o["files-json"]+"\n")) {
		t.Errorf("files-json not written whole:\n%s", b)
	}
	// An empty run still has a JSON list, not null.
	if got := outputs(&Run{Target: r.Target})["files-json"]; got != "[]" {
		t.Errorf("empty files-json = %q", got)
	}
}

func TestComplete(t *testing.T) {
	f := build(t, "a", "1.0", false)
	tests := []struct {
		outcomes []Outcome
		want     bool
	}{
		{nil, true},
		{[]Outcome{Uploaded, Skipped}, true},
		{[]Outcome{Uploaded, Failed}, false},
		{[]Outcome{Uploaded, NotAttempted}, false},
		{[]Outcome{DryRun}, false},
	}
	for _, tt := range tests {
		r := &Run{Target: target(t, pypiUpload)}
		for _, o := range tt.outcomes {
			r.Files = append(r.Files, File{Dist: f, Outcome: o})
		}
		if got := r.Complete(); got != tt.want {
			t.Errorf("Complete(%v) = %v", tt.outcomes, got)
		}
	}
}

func TestPrint(t *testing.T) {
	files := []*dist.File{build(t, "a", "1.0", false), build(t, "a", "1.0", true), build(t, "b", "1.0", false), build(t, "c", "1.0", false)}
	r := &Run{Target: target(t, pypiUpload), Files: []File{
		{Dist: files[0], Outcome: Uploaded},
		{Dist: files[1], Outcome: Skipped, Reason: "already there"},
		{Dist: files[2], Outcome: Failed, Reason: "400 Bad Request: no\n::error::injected"},
		{Dist: files[3], Outcome: NotAttempted, Reason: "stopped after a failure"},
	}}
	u, out, _ := newUI(true)
	r.Print(u)
	got := out.String()
	for _, want := range []string{
		"Summary for https://upload.pypi.org/legacy/:\n",
		"  uploaded      " + files[0].Filename + "\n",
		"  skipped       " + files[1].Filename + " (already there)\n",
		"  failed        " + files[2].Filename + "\n",
		"::error file=" + ghactions.EscapeProperty(files[2].Path) + ",title=Upload failed::400 Bad Request: no%0A::error::injected\n",
		"  not uploaded  " + files[3].Filename + " (stopped after a failure)\n",
		"1 uploaded, 1 skipped, 1 failed, 1 not attempted\n",
		"View at: https://pypi.org/project/a/1.0/\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Print lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "project/b/") {
		t.Errorf("Print links a release that holds nothing:\n%s", got)
	}
}

func TestCodeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a-1.0-py3-none-any.whl", "`a-1.0-py3-none-any.whl`"},
		{"a|b", "`a\\|b`"},
		{"a\nb\r\nc", "`a b  c`"},
		{"a`b", "``a`b``"},
		{"a``b`", "``` a``b` ```"},
		{"<b>", "`<b>`"},
	}
	for _, tt := range tests {
		if got := ghactions.MarkdownCode(tt.in); got != tt.want {
			t.Errorf("ghactions.MarkdownCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
