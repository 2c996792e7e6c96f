// Package ghactions is everything pypi-publish says to a GitHub Actions
// runner: workflow commands (annotations, masks), the job summary and
// the step's outputs. Every line that may reach a runner's log passes
// through it, so that no text, least of all a server's, can smuggle in a
// workflow command of its own.
package ghactions

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"
)

// Env is what a step knows about its run, read once from the
// environment.
type Env struct {
	// Actions is set when running as a GitHub Actions step.
	Actions bool
	// StepSummary and Output are the files behind $GITHUB_STEP_SUMMARY
	// and $GITHUB_OUTPUT, or "".
	StepSummary, Output string
	// Repository (owner/name), RepositoryOwner and WorkflowRef
	// (owner/name/.github/workflows/release.yml@ref) name the workflow.
	Repository, RepositoryOwner, WorkflowRef string
	// EventName and EventPath describe the event that started the run.
	EventName, EventPath string
}

// FromEnv reads the runner's variables.
func FromEnv(getenv func(string) string) Env {
	return Env{
		Actions:         getenv("GITHUB_ACTIONS") == "true",
		StepSummary:     getenv("GITHUB_STEP_SUMMARY"),
		Output:          getenv("GITHUB_OUTPUT"),
		Repository:      getenv("GITHUB_REPOSITORY"),
		RepositoryOwner: getenv("GITHUB_REPOSITORY_OWNER"),
		WorkflowRef:     getenv("GITHUB_WORKFLOW_REF"),
		EventName:       getenv("GITHUB_EVENT_NAME"),
		EventPath:       getenv("GITHUB_EVENT_PATH"),
	}
}

// WorkflowFile is the workflow's file name ("release.yml"), from
// GITHUB_WORKFLOW_REF; "" when unknown.
func (e Env) WorkflowFile() string {
	path, _, _ := strings.Cut(e.WorkflowRef, "@")
	parts := strings.SplitN(path, "/", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// ForkPullRequest reports a pull_request event from a fork, which GitHub
// never gives an ID token.
func (e Env) ForkPullRequest() bool {
	if e.EventName != "pull_request" || e.EventPath == "" {
		return false
	}
	data, err := os.ReadFile(e.EventPath)
	if err != nil {
		return false
	}
	var event struct {
		PullRequest struct {
			Head struct {
				Repo struct {
					Fork bool `json:"fork"`
				} `json:"repo"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	return json.Unmarshal(data, &event) == nil && event.PullRequest.Head.Repo.Fork
}

// Command renders a workflow command: ::name key=value,...::message.
// props are key, value pairs. The message and values are escaped as the
// runner decodes them, so a newline cannot end the command and start
// another.
func Command(name, message string, props ...string) string {
	var p []string
	for i := 0; i+1 < len(props); i += 2 {
		if props[i+1] != "" {
			p = append(p, props[i]+"="+EscapeProperty(props[i+1]))
		}
	}
	s := "::" + name
	if len(p) > 0 {
		s += " " + strings.Join(p, ",")
	}
	// The runner parses a "::" line as a command before it looks for
	// the legacy "##[name]" form, so the message needs no more.
	return s + "::" + EscapeData(message)
}

// EscapeData encodes a workflow command's message.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty encodes a workflow command's property value.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// runnerLineBreaks are where the runner ends a line: it reads output
// with .NET's ReadLine, for which a lone "\r" ends one too.
var runnerLineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// Line makes plain log text no workflow command to the runner, which
// takes a line for one when it starts with "::" after any Unicode blanks
// (String.TrimStart, not only spaces and tabs), or when it holds the
// legacy "##[name]" anywhere. Both get a zero-width space, which reads
// the same to a person; line breaks become the ones the runner sees.
func Line(s string) string {
	// A last "\r" and the newline printed after it are one line break.
	lines := strings.Split(runnerLineBreaks.Replace(strings.TrimSuffix(s, "\r")), "\n")
	for i, l := range lines {
		if rest := strings.TrimLeftFunc(l, unicode.IsSpace); strings.HasPrefix(rest, "::") {
			l = l[:len(l)-len(rest)] + ":\u200b" + rest[1:]
		}
		lines[i] = strings.ReplaceAll(l, "##[", "##\u200b[")
	}
	return strings.Join(lines, "\n")
}

// Output is one output of the step.
type Output struct {
	Name, Value string
}

// WriteOutputs appends outputs to the $GITHUB_OUTPUT file. Every value
// goes in the heredoc form with a random delimiter, which no value can
// contain by chance or by design: a fixed delimiter would let a value
// that holds it end the heredoc and set other outputs.
func WriteOutputs(path string, outs []Output) error {
	if path == "" {
		return nil
	}
	var b strings.Builder
	for _, o := range outs {
		if strings.ContainsAny(o.Name, "\r\n<=") || o.Name == "" {
			return fmt.Errorf("ghactions: bad output name %q", o.Name)
		}
		delim, err := delimiter(o.Value)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	return appendFile(path, b.String())
}

func delimiter(value string) (string, error) {
	for range 4 {
		var r [16]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", err
		}
		d := "ghadelimiter_" + hex.EncodeToString(r[:])
		if !strings.Contains(value, d) {
			return d, nil
		}
	}
	return "", errors.New("ghactions: no delimiter found for an output value")
}

// AppendSummary adds markdown to the job summary.
func AppendSummary(path, markdown string) error {
	if path == "" {
		return nil
	}
	return appendFile(path, markdown+"\n")
}

func appendFile(path, text string) error {
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fh.WriteString(text); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// MarkdownCell makes text safe in a table cell of the job summary:
// pipes escaped, one line, no HTML.
func MarkdownCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\r", " ", "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// MarkdownCode is s as a code span in a table cell. Filenames and paths are
// the user's, and a pipe (even in a code span), a line break or a
// backtick would end the cell, the row or the span: the pipe is escaped
// (GitHub shows it as is), breaks become spaces, and the span is
// delimited by more backticks than s holds in a row.
func MarkdownCode(s string) string {
	s = strings.NewReplacer("|", "\\|", "\r", " ", "\n", " ").Replace(s)
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// MarkdownText makes text safe as paragraphs of the job summary: no HTML
// (a server's page must not become markup), each line its own line.
func MarkdownText(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "").Replace(s)
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		// A line break inside a paragraph: two trailing spaces.
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(para), "\n", "  \n") + "\n\n")
	}
	return b.String()
}
