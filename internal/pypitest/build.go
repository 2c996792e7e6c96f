package pypitest

import "github.com/pypi-publish/pypi-publish/internal/distbuild"

// The distribution builders live in internal/distbuild, so that tests can
// build distributions without this fake index; these names keep working
// for the tests that use the index and build what they upload.

// DistOptions tunes the distributions BuildWheel and BuildSdist make; see
// distbuild.Options.
type DistOptions = distbuild.Options

// BuildWheel is distbuild.Wheel.
func BuildWheel(name, version string, o DistOptions) (filename string, data []byte, err error) {
	return distbuild.Wheel(name, version, o)
}

// BuildSdist is distbuild.Sdist.
func BuildSdist(name, version string, o DistOptions) (filename string, data []byte, err error) {
	return distbuild.Sdist(name, version, o)
}
