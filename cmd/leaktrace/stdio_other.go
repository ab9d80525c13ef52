//go:build !unix

package main

import (
	"io"
	"os"
)

// stdio returns the process's standard streams.
func stdio() (io.Reader, io.Writer, io.Writer) { return os.Stdin, os.Stdout, os.Stderr }
