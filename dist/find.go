package dist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoDistributions means nothing publishable was found.
var ErrNoDistributions = errors.New("no distributions found")

// Skip is a file Find passed over, and why.
type Skip struct {
	Path   string
	Reason string
}

// Found is the result of Find.
type Found struct {
	// Paths are the distributions in upload order: wheels first, then
	// sdists, each sorted by filename (as twine and uv do, so that a new
	// project is created by a wheel, whose metadata PyPI can show).
	Paths []string
	// Skipped are the other files and directories seen.
	Skipped []Skip
}

// Find returns the distributions named by args (paths, directories or
// glob patterns), or those in dir when args is empty. Other files in a
// directory, matched by a glob or named are skipped with a reason, never
// an error: dist/ often also holds checksums, signatures or attestations.
// A named path that does not exist is an error.
func Find(dir string, args []string) (Found, error) {
	var found Found
	seen := map[string]bool{}
	add := func(path string, explicit bool) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return fmt.Errorf("dist: %s: %w", path, err)
		}
		if seen[abs] {
			return nil
		}
		seen[abs] = true
		info, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("dist: %w", err)
		}
		if info.IsDir() {
			if explicit {
				return addDir(&found, path, seen)
			}
			found.Skipped = append(found.Skipped, Skip{path, "a directory"})
			return nil
		}
		// Even a file named on the command line is skipped rather than
		// refused: "dist/*" reaches us expanded by the shell.
		if _, err := KindOf(filepath.Base(path)); err != nil {
			found.Skipped = append(found.Skipped, Skip{path, reasonOf(err)})
			return nil
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("dist: %s: not a regular file", path)
		}
		found.Paths = append(found.Paths, path)
		return nil
	}
	if len(args) == 0 {
		if err := addDir(&found, dir, seen); err != nil {
			return found, err
		}
	}
	for _, arg := range args {
		if !hasMeta(arg) {
			if err := add(arg, true); err != nil {
				return found, err
			}
			continue
		}
		matches, err := filepath.Glob(arg)
		if err != nil {
			return found, fmt.Errorf("dist: bad pattern %q: %w", arg, err)
		}
		if len(matches) == 0 {
			return found, fmt.Errorf("dist: %w: no file matches %q", ErrNoDistributions, arg)
		}
		for _, m := range matches {
			if err := add(m, false); err != nil {
				return found, err
			}
		}
	}
	sortForUpload(found.Paths)
	if len(found.Paths) == 0 {
		where := dir
		if len(args) > 0 {
			where = strings.Join(args, " ")
		}
		return found, fmt.Errorf("dist: %w in %s (%s); build them first, e.g. `python -m build`, or point --packages-dir at the folder that holds them", ErrNoDistributions, where, describeSkipped(found.Skipped))
	}
	return found, nil
}

func addDir(found *Found, dir string, seen map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("dist: %w: the packages directory %s does not exist; build the distributions first, e.g. `python -m build`, or set --packages-dir", ErrNoDistributions, dir)
		}
		return fmt.Errorf("dist: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		abs, _ := filepath.Abs(path)
		if seen[abs] {
			continue
		}
		seen[abs] = true
		switch {
		case e.IsDir():
			found.Skipped = append(found.Skipped, Skip{path, "a directory"})
		case !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0:
			found.Skipped = append(found.Skipped, Skip{path, "not a regular file"})
		default:
			if _, err := KindOf(e.Name()); err != nil {
				found.Skipped = append(found.Skipped, Skip{path, reasonOf(err)})
				continue
			}
			found.Paths = append(found.Paths, path)
		}
	}
	return nil
}

func reasonOf(err error) string {
	s := strings.TrimPrefix(err.Error(), ErrNotDistribution.Error())
	s = strings.TrimPrefix(s, ": ")
	if s == "" {
		return "not a wheel (.whl) or sdist (.tar.gz)"
	}
	return s
}

func describeSkipped(skipped []Skip) string {
	if len(skipped) == 0 {
		return "it is empty"
	}
	names := make([]string, 0, 5)
	for i, s := range skipped {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(skipped)-5))
			break
		}
		names = append(names, filepath.Base(s.Path))
	}
	return "found only " + strings.Join(names, ", ") + ", none of them a .whl or .tar.gz"
}

func hasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

func sortForUpload(paths []string) {
	rank := func(p string) int {
		if k, _ := KindOf(filepath.Base(p)); k == Wheel {
			return 0
		}
		return 1
	}
	sort.SliceStable(paths, func(i, j int) bool {
		ri, rj := rank(paths[i]), rank(paths[j])
		if ri != rj {
			return ri < rj
		}
		return filepath.Base(paths[i]) < filepath.Base(paths[j])
	})
}
