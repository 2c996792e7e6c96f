package trusted

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pypi-publish/pypi-publish/internal/index"
	"github.com/pypi-publish/pypi-publish/oidc"
)

// Diagnose renders what PyPI matched on and the trusted publisher it
// would need to accept this exact run: where users get stuck most.
func Diagnose(c oidc.Claims, t *index.Target, projects []string) string {
	var b strings.Builder
	b.WriteString("The claims PyPI matches on, from this run's ID token (for debugging only: do not configure a publisher from them unless they already match your expectations; MISSING means the token lacks the claim):\n\n")
	claim := func(name, value string) {
		if value == "" {
			value = "MISSING"
		}
		fmt.Fprintf(&b, "  %-20s %s\n", name+":", value)
	}
	switch {
	case c.ProjectPath != "":
		claim("sub", c.Subject)
		claim("project_path", c.ProjectPath)
		claim("ci_config_ref_uri", c.CIConfigRefURI)
		claim("ref_path", c.RefPath)
		claim("environment", c.Environment)
		ns, project := splitLast(c.ProjectPath)
		b.WriteString("\nPyPI accepts this run only with a GitLab trusted publisher configured as:\n\n")
		fmt.Fprintf(&b, "  Namespace:                  %s\n  Project name:               %s\n  Top-level pipeline file:    %s\n  Environment name:           %s\n",
			ns, project, orMissing(c.ConfigFile()), envSetting(c.Environment))
		link(&b, t, projects, url.Values{"provider": {"gitlab"}, "namespace": {ns}, "project": {project}, "workflow_filepath": {c.ConfigFile()}, "environment": {c.Environment}})
	case c.Email != "":
		claim("email", c.Email)
		claim("sub", c.Subject)
		b.WriteString("\nPyPI accepts this run only with a Google trusted publisher configured as:\n\n")
		fmt.Fprintf(&b, "  Email:    %s\n  Subject:  %s (optional)\n", c.Email, orMissing(c.Subject))
		link(&b, t, projects, url.Values{"provider": {"google"}, "email": {c.Email}})
	default:
		claim("sub", c.Subject)
		claim("repository", c.Repository)
		claim("repository_owner", c.RepositoryOwner)
		claim("repository_owner_id", c.RepositoryOwnerID)
		claim("workflow_ref", c.WorkflowRef)
		claim("job_workflow_ref", c.JobWorkflowRef)
		claim("ref", c.Ref)
		claim("environment", c.Environment)
		b.WriteString("\nPyPI accepts this run only with a GitHub trusted publisher configured as:\n\n")
		fmt.Fprintf(&b, "  Owner:             %s\n  Repository name:   %s\n  Workflow name:     %s   (PyPI reads it from job_workflow_ref, not workflow_ref)\n  Environment name:  %s\n",
			orMissing(c.Owner()), orMissing(c.RepoName()), orMissing(c.WorkflowFile()), envSetting(c.Environment))
		if c.Environment == "" {
			b.WriteString("\nThis job runs in no GitHub environment: a publisher that names one (e.g. \"pypi\") refuses it. Add `environment: pypi` to the job, or clear the publisher's environment.\n")
		}
		link(&b, t, projects, url.Values{"provider": {"github"}, "owner": {c.Owner()}, "repository": {c.RepoName()}, "workflow_filename": {c.WorkflowFile()}, "environment": {c.Environment}})
	}
	b.WriteString("\nSee https://docs.pypi.org/trusted-publishers/troubleshooting/")
	return b.String()
}

// link writes the URLs that pre-fill PyPI's trusted-publisher form, one
// per project (for a project that does not exist yet, add a pending
// publisher from the account's publishing page instead).
func link(b *strings.Builder, t *index.Target, projects []string, q url.Values) {
	for k, v := range q {
		if len(v) == 0 || v[0] == "" {
			q.Del(k)
		}
	}
	base := t.PublisherSite()
	b.WriteString("\nCreate or compare it, logged in as an owner of the project:\n")
	for _, p := range projects {
		fmt.Fprintf(b, "  %s/manage/project/%s/settings/publishing/?%s\n", base, p, q.Encode())
	}
	pending := url.Values{}
	for k, v := range q {
		pending[k] = v
	}
	if len(projects) > 0 {
		pending.Set("project_name", projects[0])
	}
	fmt.Fprintf(b, "For a project not yet on the index (a pending publisher):\n  %s/manage/account/publishing/?%s\n", base, pending.Encode())
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
