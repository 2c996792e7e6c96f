package ghactions

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCommandCannotBeEscaped(t *testing.T) {
	cases := []struct {
		name, msg string
		props     []string
		want      string
	}{
		{"plain", "boom", nil, "::error::boom"},
		{"newline then command", "a\n::add-mask::x", nil, "::error::a%0A::add-mask::x"},
		{"cr", "a\r::warning::x", nil, "::error::a%0D::warning::x"},
		{"percent", "100%0A", nil, "::error::100%250A"},
		{"props", "m", []string{"file", "a,b:c\nd", "title", "t"}, "::error file=a%2Cb%3Ac%0Ad,title=t::m"},
		{"empty prop dropped", "m", []string{"file", "", "title", "t"}, "::error title=t::m"},
	}
	for _, c := range cases {
		got := Command("error", c.msg, c.props...)
		if got != c.want {
			t.Errorf("%s: Command = %q, want %q", c.name, got, c.want)
		}
		if strings.Contains(got, "\n") || strings.Contains(got, "\r") {
			t.Errorf("%s: command spans lines: %q", c.name, got)
		}
	}
}

// runnerCommand is how the runner spots a command: a line whose first
// non-blank characters are "::".
var runnerCommand = regexp.MustCompile(`(?m)^[ \t]*::`)

func TestLineNeutralizesCommands(t *testing.T) {
	for _, in := range []string{
		"::error::forged",
		"ok\n::add-mask::x",
		"  ::set-output name=a::b",
		"\t::stop-commands::t",
		"demo-1.0.tar.gz\r\n::warning::x",
	} {
		got := Line(in)
		if runnerCommand.MatchString(got) {
			t.Errorf("Line(%q) = %q is still a command", in, got)
		}
	}
	if got := Line("Uploading a::b.whl"); got != "Uploading a::b.whl" {
		t.Errorf("Line changed a line that is no command: %q", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("::error::x\n  ::warning::y")
	f.Fuzz(func(t *testing.T, s string) {
		if got := Line(ControlFree(s)); runnerCommand.MatchString(got) {
			t.Fatalf("Line(%q) = %q holds a command", s, got)
		}
	})
}

func TestWriteOutputsRandomDelimiters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "output")
	hostile := "x\nghadelimiter_0\nfailed=0\n"
	if err := WriteOutputs(path, []Output{{"a", "1"}, {"b", hostile}, {"c", ""}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got := parseOutputs(t, string(data))
	if got["a"] != "1" || got["b"] != hostile || got["c"] != "" || len(got) != 3 {
		t.Errorf("outputs read back as %q", got)
	}
	delims := regexp.MustCompile(`<<(\S+)`).FindAllStringSubmatch(string(data), -1)
	if len(delims) != 3 || delims[0][1] == delims[1][1] {
		t.Errorf("delimiters not fresh per value: %q", delims)
	}
	if err := WriteOutputs(path, []Output{{"bad\nname", "v"}}); err == nil {
		t.Error("an output name with a newline was written")
	}
}

// parseOutputs reads a $GITHUB_OUTPUT file as the runner does.
func parseOutputs(t *testing.T, data string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			if lines[i] != "" {
				t.Fatalf("line %q is not a heredoc", lines[i])
			}
			continue
		}
		var v []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			v = append(v, lines[i])
		}
		out[name] = strings.Join(v, "\n")
	}
	return out
}

func TestForkPullRequest(t *testing.T) {
	dir := t.TempDir()
	fork := filepath.Join(dir, "fork.json")
	os.WriteFile(fork, []byte(`{"pull_request":{"head":{"repo":{"fork":true}}}}`), 0o644)
	same := filepath.Join(dir, "same.json")
	os.WriteFile(same, []byte(`{"pull_request":{"head":{"repo":{"fork":false}}}}`), 0o644)
	cases := []struct {
		env  Env
		want bool
	}{
		{Env{EventName: "pull_request", EventPath: fork}, true},
		{Env{EventName: "pull_request", EventPath: same}, false},
		{Env{EventName: "push", EventPath: fork}, false},
		{Env{EventName: "pull_request", EventPath: filepath.Join(dir, "missing")}, false},
	}
	for _, c := range cases {
		if got := c.env.ForkPullRequest(); got != c.want {
			t.Errorf("%+v: ForkPullRequest = %v", c.env, got)
		}
	}
}

func TestWorkflowFile(t *testing.T) {
	for ref, want := range map[string]string{
		"o/r/.github/workflows/release.yml@refs/tags/v1": "release.yml",
		"o/r/.github/workflows/sub/x.yml@main":           "sub/x.yml",
		"o/r":                                            "",
	} {
		if got := (Env{WorkflowRef: ref}).WorkflowFile(); got != want {
			t.Errorf("WorkflowFile(%q) = %q, want %q", ref, got, want)
		}
	}
}
