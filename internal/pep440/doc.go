// Package pep440 parses and normalizes Python package versions (PEP 440)
// and version specifiers, the way the `packaging` library that PyPI and
// twine both use does: Parse accepts every spelling PEP 440 allows, and
// String returns the normalized form PyPI expects in filenames.
package pep440
