package main

import (
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/urfave/cli/v2"
	_ "golang.org/x/crypto/blake2b"
	_ "golang.org/x/term"
)

func main() {}
