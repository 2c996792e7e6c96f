package settings

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// withLookup parses args with a real urfave/cli app, flags declared as
// main declares them (so IsSet, String and Bool behave as in
// production), and runs fn with a Lookup over them and env.
func withLookup(t *testing.T, args []string, env map[string]string, fn func(l *Lookup) error) error {
	t.Helper()
	app := &cli.App{
		Name: "pypi-publish",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "user", Value: "__token__"},
			&cli.StringFlag{Name: "password"},
			&cli.StringFlag{Name: "repository-url"},
			&cli.StringFlag{Name: "packages-dir", Value: "dist"},
			&cli.BoolFlag{Name: "verbose"},
			&cli.BoolFlag{Name: "skip-existing"},
			&cli.BoolFlag{Name: "dry-run"},
			&cli.BoolFlag{Name: "attestations", Value: true},
			&cli.IntFlag{Name: "parallel", Value: 4},
			&cli.IntFlag{Name: "retries", Value: 5},
		},
		Action: func(c *cli.Context) error {
			return fn(&Lookup{Flags: c, Getenv: func(k string) string { return env[k] }})
		},
	}
	return app.Run(append([]string{"pypi-publish"}, args...))
}

func TestStringPrecedence(t *testing.T) {
	all := map[string]string{
		"INPUT_USER":        "from-input",
		"PYPI_PUBLISH_USER": "from-pypi-publish",
		"TWINE_USERNAME":    "from-twine",
	}
	without := func(drop ...string) map[string]string {
		env := map[string]string{}
		for k, v := range all {
			if !slices.Contains(drop, k) {
				env[k] = v
			}
		}
		return env
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		want     string
		wantFrom string
	}{
		{"flag beats every variable", []string{"--user", "from-flag"}, all, "from-flag", "--user"},
		{"flag given as its default still counts", []string{"--user", "__token__"}, all, "__token__", "--user"},
		{"INPUT_ beats PYPI_PUBLISH_", nil, all, "from-input", "INPUT_USER"},
		{"PYPI_PUBLISH_ beats TWINE_", nil, without("INPUT_USER"), "from-pypi-publish", "PYPI_PUBLISH_USER"},
		{"TWINE_ last", nil, without("INPUT_USER", "PYPI_PUBLISH_USER"), "from-twine", "TWINE_USERNAME"},
		{"empty INPUT_ is unset", nil, map[string]string{"INPUT_USER": "", "PYPI_PUBLISH_USER": "p", "TWINE_USERNAME": "t"}, "p", "PYPI_PUBLISH_USER"},
		{"all empty is unset", nil, map[string]string{"INPUT_USER": "", "PYPI_PUBLISH_USER": "", "TWINE_USERNAME": ""}, "default", ""},
		{"nothing set", nil, nil, "default", ""},
		// A blank value is set: only the empty string stands for an unset
		// input. Callers trim where blanks mean nothing (the password).
		{"blank is a value", nil, map[string]string{"INPUT_USER": " ", "TWINE_USERNAME": "t"}, " ", "INPUT_USER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := withLookup(t, tt.args, tt.env, func(l *Lookup) error {
				if got := l.String("user", "default"); got != tt.want {
					t.Errorf("String = %q, want %q", got, tt.want)
				}
				_, from, ok := l.Value("user")
				if from != tt.wantFrom || ok != (tt.wantFrom != "") {
					t.Errorf("Value from %q ok=%v, want from %q", from, ok, tt.wantFrom)
				}
				if len(l.Warnings) != 0 {
					t.Errorf("unexpected warnings: %q", l.Warnings)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDeprecatedNames(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		want    string
		warning string // "" for none
	}{
		{"snake_case input warns", "repository-url", map[string]string{"INPUT_REPOSITORY_URL": "https://a.example/legacy/"},
			"https://a.example/legacy/", "Use `repository-url` instead"},
		{"kebab-case input does not", "repository-url", map[string]string{"INPUT_REPOSITORY-URL": "https://b.example/legacy/"},
			"https://b.example/legacy/", ""},
		{"kebab-case wins over snake_case, without a warning", "repository-url",
			map[string]string{"INPUT_REPOSITORY-URL": "https://b.example/legacy/", "INPUT_REPOSITORY_URL": "https://a.example/legacy/"},
			"https://b.example/legacy/", ""},
		{"empty kebab-case falls to snake_case", "packages-dir",
			map[string]string{"INPUT_PACKAGES-DIR": "", "INPUT_PACKAGES_DIR": "out"}, "out", "Use `packages-dir` instead"},
		{"an empty deprecated name is unset: no warning", "packages-dir",
			map[string]string{"INPUT_PACKAGES_DIR": "", "PYPI_PUBLISH_PACKAGES_DIR": "x"}, "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := withLookup(t, nil, tt.env, func(l *Lookup) error {
				if got := l.String(tt.flag, "default"); got != tt.want {
					t.Errorf("String = %q, want %q", got, tt.want)
				}
				switch {
				case tt.warning == "" && len(l.Warnings) > 0:
					t.Errorf("unexpected warnings: %q", l.Warnings)
				case tt.warning != "" && (len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0], tt.warning)):
					t.Errorf("warnings %q, want one containing %q", l.Warnings, tt.warning)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestBool(t *testing.T) {
	tests := []struct {
		name    string
		flag    string // "" for verbose
		args    []string
		env     map[string]string
		def     bool
		want    bool
		warning string // substrings of the warnings, one a line
		err     string // substring of the error, "" for none
	}{
		{"default when unset", "", nil, nil, true, true, "", ""},
		{"empty is unset", "", nil, map[string]string{"INPUT_VERBOSE": ""}, true, true, "", ""},
		{"flag true", "", []string{"--verbose"}, map[string]string{"INPUT_VERBOSE": "false"}, false, true, "", ""},
		{"flag false beats input true", "", []string{"--verbose=false"}, map[string]string{"INPUT_VERBOSE": "true"}, true, false, "", ""},
		{"flag beats a bad input without a warning", "", []string{"--verbose"}, map[string]string{"INPUT_VERBOSE": "nonsense"}, false, true, "", ""},

		// Action inputs: anything but "false" is true, as in the original.
		{"input true", "", nil, map[string]string{"INPUT_VERBOSE": "true"}, false, true, "", ""},
		{"input TRUE", "", nil, map[string]string{"INPUT_VERBOSE": "TRUE"}, false, true, "", ""},
		{"input False", "", nil, map[string]string{"INPUT_VERBOSE": "False"}, true, false, "", ""},
		{"input padded false", "", nil, map[string]string{"INPUT_VERBOSE": " false\n"}, true, false, "", ""},
		{"input yes is true, with a warning", "", nil, map[string]string{"INPUT_VERBOSE": "yes"}, false, true, `INPUT_VERBOSE="yes" is neither true nor false`, ""},
		{"input 0 is true, with a warning", "", nil, map[string]string{"INPUT_VERBOSE": "0"}, false, true, `INPUT_VERBOSE="0"`, ""},
		{"input no is true, with a warning", "skip-existing", nil, map[string]string{"INPUT_SKIP-EXISTING": "no"}, false, true, `INPUT_SKIP-EXISTING="no"`, ""},
		{"deprecated input: both warnings", "skip-existing", nil, map[string]string{"INPUT_SKIP_EXISTING": "1"}, false, true, "Use `skip-existing` instead\n" + `INPUT_SKIP_EXISTING="1" is neither`, ""},

		// Other variables: a real boolean or an error.
		{"env true", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "true"}, false, true, "", ""},
		{"env 1", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "1"}, false, true, "", ""},
		{"env yes", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "yes"}, false, true, "", ""},
		{"env On", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "On"}, false, true, "", ""},
		{"env 0", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "0"}, true, false, "", ""},
		{"env off", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "off"}, true, false, "", ""},
		{"env F", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "F"}, true, false, "", ""},
		{"env maybe is an error", "", nil, map[string]string{"PYPI_PUBLISH_VERBOSE": "maybe"}, false, false, "", `PYPI_PUBLISH_VERBOSE="maybe": expected true or false`},
		{"env 2 is an error", "dry-run", nil, map[string]string{"PYPI_PUBLISH_DRY_RUN": "2"}, false, false, "", `PYPI_PUBLISH_DRY_RUN="2"`},
		{"input beats a bad env", "", nil, map[string]string{"INPUT_VERBOSE": "false", "PYPI_PUBLISH_VERBOSE": "maybe"}, true, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flag := tt.flag
			if flag == "" {
				flag = "verbose"
			}
			err := withLookup(t, tt.args, tt.env, func(l *Lookup) error {
				got, err := l.Bool(flag, tt.def)
				if tt.err != "" {
					var serr *Error
					if !errors.As(err, &serr) || !strings.Contains(err.Error(), tt.err) {
						t.Errorf("Bool error = %v, want a *settings.Error containing %q", err, tt.err)
					}
					return nil
				}
				if err != nil {
					t.Fatalf("Bool: %v", err)
				}
				if got != tt.want {
					t.Errorf("Bool = %v, want %v", got, tt.want)
				}
				checkWarnings(t, l.Warnings, tt.warning)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want int
		err  string // the whole error message, "" for none
	}{
		{"default", nil, nil, 4, ""},
		{"empty is unset", nil, map[string]string{"INPUT_PARALLEL": ""}, 4, ""},
		{"input", nil, map[string]string{"INPUT_PARALLEL": "8"}, 8, ""},
		{"blanks around are accepted", nil, map[string]string{"INPUT_PARALLEL": " 7 "}, 7, ""},
		{"a trailing newline too", nil, map[string]string{"PYPI_PUBLISH_PARALLEL": "7\n"}, 7, ""},
		{"input beats env", nil, map[string]string{"INPUT_PARALLEL": "2", "PYPI_PUBLISH_PARALLEL": "3"}, 2, ""},
		{"flag beats input", []string{"--parallel", "9"}, map[string]string{"INPUT_PARALLEL": "2"}, 9, ""},
		{"lowest", nil, map[string]string{"INPUT_PARALLEL": "1"}, 1, ""},
		{"highest", nil, map[string]string{"INPUT_PARALLEL": "64"}, 64, ""},

		{"5x is not 5", nil, map[string]string{"INPUT_PARALLEL": "5x"}, 0, `INPUT_PARALLEL="5x": expected a whole number from 1 to 64`},
		{"1e3", nil, map[string]string{"PYPI_PUBLISH_PARALLEL": "1e3"}, 0, `PYPI_PUBLISH_PARALLEL="1e3": expected a whole number from 1 to 64`},
		{"0x10", nil, map[string]string{"INPUT_PARALLEL": "0x10"}, 0, `INPUT_PARALLEL="0x10": expected a whole number from 1 to 64`},
		{"2.0", nil, map[string]string{"INPUT_PARALLEL": "2.0"}, 0, `INPUT_PARALLEL="2.0": expected a whole number from 1 to 64`},
		{"digit separators", nil, map[string]string{"INPUT_PARALLEL": "1_0"}, 0, `INPUT_PARALLEL="1_0": expected a whole number from 1 to 64`},
		{"blank inside", nil, map[string]string{"INPUT_PARALLEL": "1 0"}, 0, `INPUT_PARALLEL="1 0": expected a whole number from 1 to 64`},
		{"only blanks", nil, map[string]string{"INPUT_PARALLEL": "  "}, 0, `INPUT_PARALLEL="  ": expected a whole number from 1 to 64`},
		{"below the range", nil, map[string]string{"INPUT_PARALLEL": "0"}, 0, `INPUT_PARALLEL="0": expected a whole number from 1 to 64`},
		{"negative", nil, map[string]string{"INPUT_PARALLEL": "-1"}, 0, `INPUT_PARALLEL="-1": expected a whole number from 1 to 64`},
		{"above the range", nil, map[string]string{"INPUT_PARALLEL": "65"}, 0, `INPUT_PARALLEL="65": expected a whole number from 1 to 64`},
		{"beyond int64", nil, map[string]string{"INPUT_PARALLEL": "99999999999999999999"}, 0, `INPUT_PARALLEL="99999999999999999999": expected a whole number from 1 to 64`},
		{"flag out of range names the flag", []string{"--parallel", "0"}, nil, 0, `--parallel="0": expected a whole number from 1 to 64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := withLookup(t, tt.args, tt.env, func(l *Lookup) error {
				got, err := l.Int("parallel", 4, 1, 64)
				if tt.err != "" {
					var serr *Error
					if !errors.As(err, &serr) || err.Error() != tt.err {
						t.Errorf("Int error = %v, want *settings.Error %q", err, tt.err)
					}
					return nil
				}
				if err != nil {
					t.Fatalf("Int: %v", err)
				}
				if got != tt.want {
					t.Errorf("Int = %d, want %d", got, tt.want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestTable checks the declarations themselves: every deprecated name is
// one of its setting's variables and comes after the name that replaces
// it, so a workflow that sets both gets the new one without a warning.
func TestTable(t *testing.T) {
	flags := map[string]bool{}
	envs := map[string]string{}
	for _, s := range All {
		if flags[s.Flag] {
			t.Errorf("flag %q declared twice", s.Flag)
		}
		flags[s.Flag] = true
		for _, e := range s.Env {
			if other, ok := envs[e]; ok {
				t.Errorf("%s sets both %q and %q", e, other, s.Flag)
			}
			envs[e] = s.Flag
		}
		for old, instead := range s.Deprecated {
			i := slices.Index(s.Env, old)
			if i < 0 {
				t.Errorf("%s: deprecated %s is not one of its variables", s.Flag, old)
				continue
			}
			if instead != s.Flag {
				t.Errorf("%s: deprecated %s points at %q", s.Flag, old, instead)
			}
			kebab := "INPUT_" + strings.ToUpper(instead)
			if j := slices.Index(s.Env, kebab); j < 0 || j > i {
				t.Errorf("%s: %s must come before the deprecated %s", s.Flag, kebab, old)
			}
		}
	}
}

func TestEnvHelp(t *testing.T) {
	tests := []struct{ flag, want string }{
		{"user", " [$INPUT_USER, $PYPI_PUBLISH_USER, $TWINE_USERNAME, $UV_PUBLISH_USERNAME]"},
		{"retries", " [$PYPI_PUBLISH_RETRIES]"},
	}
	for _, tt := range tests {
		if got := EnvHelp(tt.flag); got != tt.want {
			t.Errorf("EnvHelp(%q) = %q, want %q", tt.flag, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("For of an unknown flag did not panic")
		}
	}()
	For("no-such-flag")
}

// checkWarnings wants one warning per line of want, each containing
// that line, in order.
func checkWarnings(t *testing.T, got []string, want string) {
	t.Helper()
	var lines []string
	if want != "" {
		lines = strings.Split(want, "\n")
	}
	if len(got) != len(lines) {
		t.Errorf("warnings %q, want %d", got, len(lines))
		return
	}
	for i, l := range lines {
		if !strings.Contains(got[i], l) {
			t.Errorf("warning %d = %q, want it to contain %q", i, got[i], l)
		}
	}
}

func TestInCI(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"CI": "true"}, true},
		{map[string]string{"CI": "false"}, false},
		{map[string]string{"CI": ""}, false},
		{map[string]string{"GITLAB_CI": "true"}, true},
		{map[string]string{"JENKINS_URL": "https://ci.example/"}, true},
		{map[string]string{"HOME": "/home/me"}, false},
	}
	for _, tt := range tests {
		if got := InCI(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("InCI(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}
