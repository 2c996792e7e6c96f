package oidc

import (
	"strings"
	"testing"
)

// FuzzUnverifiedClaims feeds UnverifiedClaims arbitrary strings: it must
// never panic, and what it extracts must come from the input.
func FuzzUnverifiedClaims(f *testing.F) {
	f.Add(jwtOf(`{"iss":"https://token.actions.githubusercontent.com","aud":"pypi","job_workflow_ref":"o/r/.github/workflows/a.yml@refs/tags/v1","repository":"o/r"}`))
	f.Add(jwtOf(`{"ci_config_ref_uri":"gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main","project_path":"g/p","iat":1.5e9}`))
	f.Add(jwtOf(`{"email_verified":true,"exp":1e999}`))
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, jwt string) {
		c, err := UnverifiedClaims(jwt)
		if err != nil {
			if len(jwt) > 16 && strings.Contains(err.Error(), jwt) {
				t.Errorf("the error contains the input: %v", err)
			}
			return
		}
		if strings.Count(jwt, ".") != 2 || c.Raw == nil {
			t.Errorf("accepted %q: %d dots, Raw %v", jwt, strings.Count(jwt, "."), c.Raw)
		}
		if w := c.WorkflowFile(); !strings.Contains(c.JobWorkflowRef, w+"@") && w != "" {
			t.Errorf("WorkflowFile %q not in job_workflow_ref %q", w, c.JobWorkflowRef)
		}
		if f := c.ConfigFile(); f != "" && !strings.Contains(c.CIConfigRefURI, "//"+f+"@") {
			t.Errorf("ConfigFile %q not in ci_config_ref_uri %q", f, c.CIConfigRefURI)
		}
		_ = c.Owner() + c.RepoName()
		_, _ = check(jwt, c.Audience)
	})
}
