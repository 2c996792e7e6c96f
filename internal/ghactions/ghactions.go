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

// Line makes plain log text safe on a runner, which takes any line that
// starts with "::" (after blanks) for a workflow command: the first "::"
// of such a line gets a zero-width space between its colons, so it reads
// the same to a person and is no command to the runner.
func Line(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "::") {
			l = strings.Replace(l, "::", ":\u200b:", 1)
		}
		lines[i] = l
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

// MarkdownCode is text as an inline code span in a table cell of the
// job summary: one line, pipes escaped, and no backtick that could end
// the span early.
func MarkdownCode(s string) string {
	return "`" + strings.NewReplacer("`", "'", "|", "\\|", "\r", " ", "\n", " ").Replace(s) + "`"
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
