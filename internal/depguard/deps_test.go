package depguard

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// mainPackage is the binary the release ships.
const mainPackage = "github.com/pypi-publish/pypi-publish"

// banned are import paths, or path prefixes when they end in "/", that
// the binary must not link, each with why.
var banned = []struct{ path, why string }{
	{"google.golang.org/grpc", "gRPC (sigstore-go's Rekor v2 and TSA clients): megabytes we never call"},
	{"go.opentelemetry.io/", "OpenTelemetry, which gRPC and some HTTP clients bring"},
	{"github.com/spf13/cobra", "a CLI framework: the command parses its own flags"},
	{"github.com/go-openapi/", "the go-openapi runtime behind Rekor's generated client"},
	{"github.com/sigstore/rekor/pkg/client", "Rekor's client: internal/attest has its own"},
	{"github.com/sigstore/rekor/pkg/generated/client", "Rekor's generated OpenAPI client"},
}

// bannedBy returns the rule that forbids pkg, or "".
func bannedBy(pkg string) string {
	for _, b := range banned {
		if strings.HasSuffix(b.path, "/") && strings.HasPrefix(pkg, b.path) ||
			pkg == b.path || strings.HasPrefix(pkg, b.path+"/") {
			return b.path
		}
	}
	return ""
}

func TestBannedBy(t *testing.T) {
	for _, tc := range []struct{ pkg, want string }{
		{"google.golang.org/grpc", "google.golang.org/grpc"},
		{"google.golang.org/grpc/codes", "google.golang.org/grpc"},
		{"google.golang.org/grpcfoo", ""},
		{"google.golang.org/protobuf/proto", ""},
		{"go.opentelemetry.io/otel/trace", "go.opentelemetry.io/"},
		{"github.com/spf13/cobra", "github.com/spf13/cobra"},
		{"github.com/spf13/pflag", ""},
		{"github.com/go-openapi/runtime/client", "github.com/go-openapi/"},
		{"github.com/sigstore/rekor/pkg/client", "github.com/sigstore/rekor/pkg/client"},
		{"github.com/sigstore/rekor/pkg/generated/client/entries", "github.com/sigstore/rekor/pkg/generated/client"},
		{"github.com/sigstore/rekor/pkg/generated/models", ""},
		{"github.com/pypi-publish/pypi-publish/internal/attest", ""},
	} {
		if got := bannedBy(tc.pkg); got != tc.want {
			t.Errorf("bannedBy(%q) = %q, want %q", tc.pkg, got, tc.want)
		}
	}
}

// TestNoBannedDependencies lists what the binary links on each operating
// system the release builds for (imports can depend on build tags) and
// fails on a banned package, naming the chain of imports that brings it.
func TestNoBannedDependencies(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			t.Parallel()
			imports := listDeps(t, goos)
			// A misread listing must not pass for a clean one.
			if _, ok := imports[mainPackage+"/internal/attest"]; !ok || len(imports) < 50 {
				t.Fatalf("go list -deps gave %d packages, without internal/attest", len(imports))
			}
			for pkg := range imports {
				if rule := bannedBy(pkg); rule != "" {
					t.Errorf("%s links %s (banned: %s)\n  via %s", mainPackage, pkg, whyBanned(rule),
						strings.Join(chain(imports, mainPackage, pkg), "\n   -> "))
				}
			}
		})
	}
}

// listDeps returns every package the binary links for goos/amd64 without
// cgo, as the release builds it, with each one's imports.
func listDeps(t *testing.T, goos string) map[string][]string {
	t.Helper()
	// go test puts its own Go's bin directory first in PATH.
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mainPackage)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			imports[fields[0]] = fields[1:]
		}
	}
	return imports
}

func whyBanned(rule string) string {
	for _, b := range banned {
		if b.path == rule {
			return b.why
		}
	}
	return rule
}

// chain returns a shortest import path from "from" to "to".
func chain(imports map[string][]string, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var path []string
			for ; p != ""; p = prev[p] {
				path = append([]string{p}, path...)
			}
			return path
		}
		for _, q := range imports[p] {
			if _, seen := prev[q]; !seen {
				prev[q] = p
				queue = append(queue, q)
			}
		}
	}
	return []string{from, "?", to}
}
