package trusted

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/ghactions"
	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/oidc"
)

const troubleshooting = "https://docs.pypi.org/trusted-publishers/troubleshooting/"

// diagnosis is what PyPI matched on and the trusted publisher it would
// need to accept this exact run: where users get stuck most. It renders
// as log text and as Markdown for the job summary.
type diagnosis struct {
	claims [][2]string // name, value ("" is missing)
	// provider names the kind of publisher: GitHub, GitLab or Google.
	provider string
	// publisher are the settings of the publisher form, with widths
	// the log text aligns them to.
	publisher  [][2]string
	labelWidth int
	note       string
	// links pre-fill the form for each project; pending for a project
	// not on the index yet.
	links   []string
	pending string
}

func newDiagnosis(c oidc.Claims, t *index.Target, projects []string) diagnosis {
	var d diagnosis
	claim := func(name, value string) { d.claims = append(d.claims, [2]string{name, value}) }
	var q url.Values
	switch {
	case c.ProjectPath != "":
		claim("sub", c.Subject)
		claim("project_path", c.ProjectPath)
		claim("ci_config_ref_uri", c.CIConfigRefURI)
		claim("ref_path", c.RefPath)
		claim("environment", c.Environment)
		ns, project := splitLast(c.ProjectPath)
		d.provider, d.labelWidth = "GitLab", 27
		d.publisher = [][2]string{{"Namespace", ns}, {"Project name", project},
			{"Top-level pipeline file", orMissing(c.ConfigFile())}, {"Environment name", envSetting(c.Environment)}}
		q = url.Values{"provider": {"gitlab"}, "namespace": {ns}, "project": {project}, "workflow_filepath": {c.ConfigFile()}, "environment": {c.Environment}}
	case c.Email != "":
		claim("email", c.Email)
		claim("sub", c.Subject)
		d.provider, d.labelWidth = "Google", 9
		d.publisher = [][2]string{{"Email", c.Email}, {"Subject", orMissing(c.Subject) + " (optional)"}}
		q = url.Values{"provider": {"google"}, "email": {c.Email}}
	default:
		claim("sub", c.Subject)
		claim("repository", c.Repository)
		claim("repository_owner", c.RepositoryOwner)
		claim("repository_owner_id", c.RepositoryOwnerID)
		claim("workflow_ref", c.WorkflowRef)
		claim("job_workflow_ref", c.JobWorkflowRef)
		claim("ref", c.Ref)
		claim("environment", c.Environment)
		d.provider, d.labelWidth = "GitHub", 18
		d.publisher = [][2]string{{"Owner", orMissing(c.Owner())}, {"Repository name", orMissing(c.RepoName())},
			{"Workflow name", orMissing(c.WorkflowFile()) + "   (PyPI reads it from job_workflow_ref, not workflow_ref)"},
			{"Environment name", envSetting(c.Environment)}}
		if c.Environment == "" {
			d.note = "This job runs in no GitHub environment: a publisher that names one (e.g. \"pypi\") refuses it. Add `environment: pypi` to the job, or clear the publisher's environment."
		}
		q = url.Values{"provider": {"github"}, "owner": {c.Owner()}, "repository": {c.RepoName()}, "workflow_filename": {c.WorkflowFile()}, "environment": {c.Environment}}
	}
	for k, v := range q {
		if len(v) == 0 || v[0] == "" {
			q.Del(k)
		}
	}
	base := t.PublisherSite()
	for _, p := range projects {
		d.links = append(d.links, fmt.Sprintf("%s/manage/project/%s/settings/publishing/?%s", base, p, q.Encode()))
	}
	pending := url.Values{}
	for k, v := range q {
		pending[k] = v
	}
	if len(projects) > 0 {
		pending.Set("project_name", projects[0])
	}
	d.pending = fmt.Sprintf("%s/manage/account/publishing/?%s", base, pending.Encode())
	return d
}

// Diagnose renders the diagnosis as log text.
func Diagnose(c oidc.Claims, t *index.Target, projects []string) string {
	d := newDiagnosis(c, t, projects)
	var b strings.Builder
	b.WriteString("The claims PyPI matches on, from this run's ID token (for debugging only: do not configure a publisher from them unless they already match your expectations; MISSING means the token lacks the claim):\n\n")
	for _, c := range d.claims {
		fmt.Fprintf(&b, "  %-20s %s\n", c[0]+":", orMissing(c[1]))
	}
	fmt.Fprintf(&b, "\nPyPI accepts this run only with a %s trusted publisher configured as:\n\n", d.provider)
	for _, s := range d.publisher {
		fmt.Fprintf(&b, "  %-*s %s\n", d.labelWidth, s[0]+":", s[1])
	}
	if d.note != "" {
		b.WriteString("\n" + d.note + "\n")
	}
	b.WriteString("\nCreate or compare it, logged in as an owner of the project:\n")
	for _, l := range d.links {
		b.WriteString("  " + l + "\n")
	}
	fmt.Fprintf(&b, "For a project not yet on the index (a pending publisher):\n  %s\n", d.pending)
	b.WriteString("\nSee " + troubleshooting)
	return b.String()
}

// DiagnoseMarkdown renders the diagnosis for the job summary: tables and
// links that can be clicked, no preformatted text.
func DiagnoseMarkdown(c oidc.Claims, t *index.Target, projects []string) string {
	d := newDiagnosis(c, t, projects)
	var b strings.Builder
	fmt.Fprintf(&b, "### The %s trusted publisher PyPI needs\n\n| setting | value |\n|---|---|\n", d.provider)
	for _, s := range d.publisher {
		fmt.Fprintf(&b, "| %s | %s |\n", s[0], ghactions.MarkdownCell(s[1]))
	}
	if d.note != "" {
		b.WriteString("\n" + ghactions.MarkdownCell(d.note) + "\n")
	}
	b.WriteString("\nCreate or compare it, logged in as an owner of the project:\n\n")
	for i, l := range d.links {
		fmt.Fprintf(&b, "- [publisher settings of the project (%d)](%s)\n", i+1, l)
	}
	fmt.Fprintf(&b, "- [a pending publisher, for a project not yet on the index](%s)\n", d.pending)
	b.WriteString("\n### The claims PyPI matched on\n\nFrom this run's ID token; for debugging only: do not configure a publisher from them unless they already match your expectations.\n\n| claim | value |\n|---|---|\n")
	for _, c := range d.claims {
		v := "**missing**"
		if c[1] != "" {
			v = ghactions.MarkdownCode(c[1])
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", c[0], v)
	}
	fmt.Fprintf(&b, "\nSee [PyPI's troubleshooting guide](%s).\n", troubleshooting)
	return b.String()
}

func envSetting(env string) string {
	if env == "" {
		return "(leave empty: the job runs in no environment)"
	}
	return env + "   (or leave empty to accept any)"
}

func orMissing(s string) string {
	if s == "" {
		return "MISSING"
	}
	return s
}

func splitLast(path string) (string, string) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", path
	}
	return path[:i], path[i+1:]
}
