//go:build unix

package watch

import "syscall"

// openFlags open a file for reading without waiting: a FIFO put in a
// file's place opens at once (and is then refused) rather than blocking.
const openFlags = syscall.O_NONBLOCK
