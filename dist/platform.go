package dist

import (
	"regexp"
	"strings"
)

// PyPI keeps an allow-list of wheel platform tags: a wheel built for a
// generic "linux_x86_64" only runs on the machine that built it, so PyPI
// refuses it and asks for a manylinux or musllinux wheel.
var platformRE = regexp.MustCompile(`^(?:` + strings.Join([]string{
	`any`, `win32`, `win_amd64`, `win_arm64`, `win_ia64`, `linux_armv6l`, `linux_armv7l`,
	`manylinux1_(?:x86_64|i686)`, `manylinux2010_(?:x86_64|i686)`,
	`manylinux2014_(?:x86_64|i686|aarch64|armv7l|ppc64|ppc64le|s390x)`,
	`manylinux_[0-9]+_[0-9]+_(?:x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64|ppc64)`,
	`musllinux_[0-9]+_[0-9]+_(?:x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64)`,
	`macosx_10_[0-9]+_` + macArch, `macosx_(?:11|12|13|14|15|26)_0_` + macArch,
	`ios_[0-9]+_[0-9]+_(?:arm64|x86_64)_(?:iphoneos|iphonesimulator)`,
	`android_[0-9]+_(?:armeabi_v7a|arm64_v8a|x86|x86_64)`,
	`pyemscripten_[0-9]+_[0-9]+_wasm32`,
}, "|") + `)$`)

const macArch = `(?:ppc|ppc64|i386|x86_64|arm64|intel|fat|fat3|fat64|universal|universal2)`

// UnsupportedPlatform returns the first tag of a (possibly compressed,
// dot-separated) platform tag that PyPI does not accept, or "".
func UnsupportedPlatform(platform string) string {
	for _, tag := range strings.Split(platform, ".") {
		if !platformRE.MatchString(tag) {
			return tag
		}
	}
	return ""
}
