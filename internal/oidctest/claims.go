package oidctest

import "strings"

// DefaultRepository is the repository of the default GitHub claim set.
const DefaultRepository = "octo-org/octo-repo"

// DefaultSHA is the commit every default claim set refers to.
const DefaultSHA = "5e1d6b0b0a5d1c5e8f1b0c9e7d6a5f4e3d2c1b0a"

// GitHubClaims is the claim set GitHub Actions puts in a token for a push
// of tag v1.0 running .github/workflows/release.yml of repository
// ("owner/name"), without an environment. The standard claims (iss, aud,
// iat, nbf, exp, jti) are added when a token is made.
func GitHubClaims(repository string) map[string]any {
	owner, _, _ := strings.Cut(repository, "/")
	ref := "refs/tags/v1.0"
	workflow := repository + "/.github/workflows/release.yml@" + ref
	return map[string]any{
		"sub":                   "repo:" + repository + ":ref:" + ref,
		"repository":            repository,
		"repository_owner":      owner,
		"repository_owner_id":   "1234567",
		"repository_id":         "7654321",
		"repository_visibility": "public",
		"actor":                 "octocat",
		"actor_id":              "583231",
		"workflow":              "Release",
		"workflow_ref":          workflow,
		"workflow_sha":          DefaultSHA,
		"job_workflow_ref":      workflow,
		"job_workflow_sha":      DefaultSHA,
		"ref":                   ref,
		"ref_type":              "tag",
		"ref_protected":         "false",
		"sha":                   DefaultSHA,
		"event_name":            "push",
		"head_ref":              "",
		"base_ref":              "",
		"run_id":                "10000001",
		"run_number":            "7",
		"run_attempt":           "1",
		"runner_environment":    "github-hosted",
	}
}

// GitLabClaims is the claim set GitLab.com puts in an ID token for a
// pipeline on branch main of projectPath ("namespace/project", namespaces
// may nest) whose configuration is .gitlab-ci.yml, without an environment.
func GitLabClaims(projectPath string) map[string]any {
	ns := ""
	if i := strings.LastIndexByte(projectPath, '/'); i >= 0 {
		ns = projectPath[:i]
	}
	return map[string]any{
		"sub":                "project_path:" + projectPath + ":ref_type:branch:ref:main",
		"namespace_id":       "1000",
		"namespace_path":     ns,
		"project_id":         "2000",
		"project_path":       projectPath,
		"project_visibility": "public",
		"user_id":            "3000",
		"user_login":         "gitlab-user",
		"user_access_level":  "maintainer",
		"pipeline_id":        "4000",
		"pipeline_source":    "push",
		"job_id":             "5000",
		"ref":                "main",
		"ref_type":           "branch",
		"ref_path":           "refs/heads/main",
		"ref_protected":      "true",
		"sha":                DefaultSHA,
		"runner_id":          6000,
		"runner_environment": "gitlab-hosted",
		"ci_config_ref_uri":  "gitlab.com/" + projectPath + "//.gitlab-ci.yml@refs/heads/main",
		"ci_config_sha":      DefaultSHA,
	}
}

// GoogleClaims is the claim set Google's metadata server puts in an
// identity token (format=full) for service account email.
func GoogleClaims(email string) map[string]any {
	return map[string]any{
		"sub":            "112233445566778899000",
		"azp":            "112233445566778899000",
		"email":          email,
		"email_verified": true,
	}
}
