//go:build !unix

package watch

// openFlags are the extra flags a file is opened with.
const openFlags = 0
