//go:build !unix

package fsutil

// writeFD writes through the path where descriptors can't be duplicated.
func writeFD(path string, _ int, data []byte) error { return writeThrough(path, data) }
