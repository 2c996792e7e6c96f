package console

import (
	"strings"
	"unicode"
)

// This file reads output the way the GitHub Actions runner does
// (actions/runner: ProcessInvoker, ActionCommand, ActionCommandManager),
// so the tests can ask the runner's question, "is this a command?",
// rather than compare strings with what the code happens to write.

// registered are the runner's command names.
var registered = map[string]bool{
	"set-env": true, "set-output": true, "save-state": true, "add-mask": true, "add-path": true,
	"add-matcher": true, "remove-matcher": true, "debug": true, "warning": true, "error": true,
	"notice": true, "group": true, "endgroup": true, "echo": true, "stop-commands": true,
}

// command is a workflow command as the runner parsed it.
type command struct {
	name  string
	props map[string]string
	data  string
}

// runnerLines splits output as .NET's StreamReader.ReadLine does: a line
// ends at "\r\n", "\n" or a lone "\r".
func runnerLines(out string) []string {
	out = strings.TrimSuffix(strings.ReplaceAll(strings.ReplaceAll(out, "\r\n", "\n"), "\r", "\n"), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// runnerCommands returns every command the runner would run in out:
// "::name props::data" after leading blanks (String.TrimStart trims
// every Unicode blank), else the legacy "##[name props]data" anywhere in
// the line.
func runnerCommands(out string) []command {
	var cmds []command
	for _, line := range runnerLines(out) {
		if c, ok := parseV2(line); ok {
			cmds = append(cmds, c)
		} else if c, ok := parseV1(line); ok {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

func parseV2(line string) (command, bool) {
	msg := strings.TrimLeftFunc(line, unicode.IsSpace)
	if !strings.HasPrefix(msg, "::") {
		return command{}, false
	}
	end := strings.Index(msg[2:], "::")
	if end < 0 {
		return command{}, false
	}
	info := msg[2 : 2+end]
	name, props, _ := strings.Cut(info, " ")
	if !registered[name] {
		return command{}, false
	}
	c := command{name: name, props: map[string]string{}, data: unescape(msg[2+end+2:], "\r", "%0D", "\n", "%0A", "%", "%25")}
	for _, p := range strings.Split(strings.TrimSpace(props), ",") {
		if k, v, ok := strings.Cut(p, "="); ok && k != "" && v != "" {
			c.props[k] = unescape(v, "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C", "%", "%25")
		}
	}
	return c, true
}

func parseV1(line string) (command, bool) {
	i := strings.Index(line, "##[")
	if i < 0 {
		return command{}, false
	}
	rb := strings.IndexByte(line[i:], ']')
	if rb < 0 {
		return command{}, false
	}
	name, _, _ := strings.Cut(line[i+3:i+rb], " ")
	if !registered[name] {
		return command{}, false
	}
	return command{name: name, data: line[i+rb+1:]}, true
}

// unescape undoes the runner's escapes in the runner's order: pairs of
// token, replacement.
func unescape(s string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i+1], pairs[i])
	}
	return s
}
