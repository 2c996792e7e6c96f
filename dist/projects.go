package dist

// ProjectNames are the normalized project names of files, each once, in
// the order the files come.
func ProjectNames(files []*File) []string {
	var names []string
	seen := map[string]bool{}
	for _, f := range files {
		n := NormalizeName(f.Name())
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}
