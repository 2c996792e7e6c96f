package pypitest

// stdlibModules holds the normalized names of Python's standard library
// modules (sys.stdlib_module_names, with leading and trailing separators
// dropped, as Warehouse strips them). PyPI refuses new projects with
// these names.
var stdlibModules = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		"abc", "aifc", "aix-support", "antigravity", "argparse", "array", "ast", "asynchat", "asyncio",
		"asyncore", "atexit", "audioop", "base64", "bdb", "binascii", "bisect", "blake2",
		"bootsubprocess", "builtins", "bz2", "calendar", "cgi", "cgitb", "chunk", "cmath", "cmd", "code",
		"codecs", "codecs-cn", "codecs-hk", "codecs-iso2022", "codecs-jp", "codecs-kr", "codecs-tw",
		"codeop", "collections", "collections-abc", "colorsys", "compat-pickle", "compileall",
		"compression", "concurrent", "configparser", "contextlib", "contextvars", "copy", "copyreg",
		"cprofile", "crypt", "csv", "ctypes", "curses", "curses-panel", "dataclasses", "datetime", "dbm",
		"decimal", "difflib", "dis", "distutils", "doctest", "elementtree", "email", "encodings",
		"ensurepip", "enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch",
		"fractions", "frozen-importlib", "frozen-importlib-external", "ftplib", "functools", "future",
		"gc", "gdbm", "genericpath", "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip",
		"hashlib", "heapq", "hmac", "html", "http", "idlelib", "imaplib", "imghdr", "imp", "importlib",
		"inspect", "io", "ipaddress", "itertools", "json", "keyword", "lib2to3", "linecache", "locale",
		"logging", "lsprof", "lzma", "mailbox", "mailcap", "markupbase", "marshal", "math", "md5",
		"mimetypes", "mmap", "modulefinder", "msi", "msilib", "msvcrt", "multibytecodec",
		"multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers", "opcode",
		"operator", "optparse", "os", "ossaudiodev", "osx-support", "overlapped", "pathlib", "pdb",
		"pickle", "pickletools", "pipes", "pkgutil", "platform", "plistlib", "poplib", "posix",
		"posixpath", "posixshmem", "posixsubprocess", "pprint", "profile", "pstats", "pty", "pwd",
		"py-abc", "py-compile", "pyclbr", "pydecimal", "pydoc", "pydoc-data", "pyexpat", "pyio", "queue",
		"quopri", "random", "re", "readline", "reprlib", "resource", "rlcompleter", "runpy", "sched",
		"scproxy", "secrets", "select", "selectors", "sha1", "sha256", "sha3", "sha512", "shelve",
		"shlex", "shutil", "signal", "site", "sitebuiltins", "smtpd", "smtplib", "sndhdr", "socket",
		"socketserver", "spwd", "sqlite3", "sre", "sre-compile", "sre-constants", "sre-parse", "ssl",
		"stat", "statistics", "string", "stringprep", "strptime", "struct", "subprocess", "sunau",
		"symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile",
		"termios", "textwrap", "this", "thread", "threading", "threading-local", "time", "timeit",
		"tkinter", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc", "tty", "turtle",
		"turtledemo", "types", "typing", "unicodedata", "unittest", "urllib", "uu", "uuid", "venv",
		"warnings", "wave", "weakref", "weakrefset", "webbrowser", "winapi", "winreg", "winsound",
		"wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
	} {
		m[n] = true
	}
	return m
}()
