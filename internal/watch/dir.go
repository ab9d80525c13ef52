package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/picture"
)

// ErrTooLarge is returned, wrapped with the item's name, for an item
// larger than Limits.MaxItemBytes: it is not read at all, never partly.
var ErrTooLarge = errors.New("the item is larger than the size limit")

// MaxScanBytes bounds the bytes one scan of a folder reads (held in
// memory until traced): the files past it are read at the next scan.
var MaxScanBytes int64 = 1 << 30

// ErrNotRegular is returned, wrapped with the file's name, for a file
// that was replaced by something other than a regular file (a FIFO, a
// device) while the folder was scanned.
var ErrNotRegular = errors.New("not a regular file")

// partial lists the name endings of files still being written: browsers'
// and download tools' partial downloads, editors' and office suites'
// temporary files.
var partial = []string{".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", "~"}

// NewDir returns the source of the files in the folder at dir and in its
// subfolders: every file new or changed (in size or modification time)
// since the last scan in this process, every file on a first scan. The
// engine deduplicates by content, so a restart reads the folder again but
// traces nothing twice.
//
// Only files trace reads are items: text, Markdown, email, HTML, PDF,
// DOCX and pictures (PNG, JPEG, TIFF), told by content and name; other
// files (archives, video) are passed over. Dot-files, dot-folders and
// partial downloads (*.part, *.crdownload, *.tmp …) are passed over too:
// a download is read once it has its final name. Symbolic links are
// followed only to files inside the folder. A file larger than
// limits.MaxItemBytes is an item error, reported once until it changes.
// One scan reads at most MaxScanBytes; the files past it are read by the
// next.
//
// An item's ID is the file's path relative to the folder (with forward
// slashes), its Link the full path, its Name the file name, its
// Published the file's modification time.
func NewDir(dir string, limits Limits) Source {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	return &dirSource{path: abs, limits: limits}
}

type dirSource struct {
	path   string
	limits Limits

	mu sync.Mutex // one scan at a time
	// known are the files handled by the last scan: their size and
	// modification time.
	known map[string]stamp
}

type stamp struct {
	size  int64
	mtime time.Time
}

func (d *dirSource) Name() string { return "dir:" + d.path }

// Scan walks the folder. A folder that can't be opened is an error for
// the whole source; a file or subfolder that can't be read is an item
// error, and the file is tried again at the next scan. A scan cut off by
// ctx returns the files read so far with ctx's error; the others are
// read at the next scan.
func (d *dirSource) Scan(ctx context.Context, seen func(id string) bool) (*Scan, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	root, err := os.OpenRoot(d.path)
	if err != nil {
		return nil, fmt.Errorf("opening the folder %s: %w", d.path, err)
	}
	defer root.Close()
	scan := &Scan{}
	known := map[string]stamp{}
	var read int64 // bytes read by this scan
	walkErr := fs.WalkDir(root.FS(), ".", func(rel string, e fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if rel == "." {
				return err
			}
			scan.Errors = append(scan.Errors, fmt.Errorf("%s: %w", filepath.Join(d.path, filepath.FromSlash(rel)), err))
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel == "." {
			return nil
		}
		if skipName(e.Name()) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		full := filepath.Join(d.path, filepath.FromSlash(rel))
		// A symbolic link is followed by the root only while it stays
		// inside the folder; a link to a folder is not walked (no
		// cycles, nothing counted twice).
		info, err := root.Stat(rel)
		if err != nil {
			if e.Type()&fs.ModeSymlink != 0 {
				return nil // dangling, or pointing out of the folder
			}
			scan.Errors = append(scan.Errors, fmt.Errorf("%s: %w", full, err))
			return nil
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		st := stamp{info.Size(), info.ModTime()}
		if old, ok := d.known[rel]; ok && old == st {
			known[rel] = st
			return nil
		}
		if max := d.limits.MaxItemBytes; max > 0 && st.size > max {
			known[rel] = st // reported once, until the file changes
			scan.Errors = append(scan.Errors, fmt.Errorf("%s: %w (%d bytes, limit %d)", full, ErrTooLarge, st.size, max))
			return nil
		}
		if read > 0 && read+st.size > MaxScanBytes {
			return nil // read at the next scan
		}
		data, err := d.read(ctx, root, rel)
		read += int64(len(data))
		if err != nil {
			scan.Errors = append(scan.Errors, fmt.Errorf("%s: %w", full, err))
			return nil
		}
		known[rel] = st
		if !traceable(e.Name(), data) {
			return nil
		}
		scan.Items = append(scan.Items, Item{
			Source:    d.Name(),
			ID:        rel,
			Link:      full,
			Name:      e.Name(),
			Data:      data,
			Published: st.mtime,
		})
		return nil
	})
	if walkErr != nil {
		if ctx.Err() == nil || len(scan.Items)+len(scan.Errors) == 0 {
			return nil, fmt.Errorf("scanning the folder %s: %w", d.path, walkErr)
		}
		// Cut off part way: the files read so far are returned and
		// remembered, the rest are read at the next scan.
		if d.known == nil {
			d.known = map[string]stamp{}
		}
		for rel, st := range known {
			d.known[rel] = st
		}
		return scan, fmt.Errorf("scanning the folder %s: %w", d.path, walkErr)
	}
	d.known = known
	return scan, nil
}

// Forget makes the next scan return the file at id (its path relative
// to the folder) again, changed or not.
func (d *dirSource) Forget(id string) {
	d.mu.Lock()
	delete(d.known, id)
	d.mu.Unlock()
}

// read reads one file, at most MaxItemBytes of it, within the timeout. A
// read that hangs (a network file system) is abandoned when the timeout
// ends; its goroutine ends with the read.
func (d *dirSource) read(ctx context.Context, root *os.Root, rel string) ([]byte, error) {
	if d.limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.limits.Timeout)
		defer cancel()
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// The file may have been replaced since it was looked at: what
		// is read must be a regular file (not a FIFO or a device).
		f, err := root.OpenFile(rel, os.O_RDONLY|openFlags, 0)
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer f.Close()
		if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
			done <- result{nil, errors.Join(ErrNotRegular, err)}
			return
		}
		data, err := readLimited(f, d.limits.MaxItemBytes)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading the file: %w", ctx.Err())
	}
}

// readLimited reads r to its end, refusing more than max bytes (no limit
// when max <= 0).
func readLimited(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		return io.ReadAll(r)
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, max)
	}
	return data, nil
}

// skipName reports whether a file or folder is passed over: hidden, or a
// file still being written.
func skipName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	for _, p := range partial {
		if strings.HasSuffix(lower, p) {
			return true
		}
	}
	return false
}

// traceable reports whether trace reads data, a file named name: a PDF or
// a picture it reads by content, a file in a format it reads (a DOCX, an
// HTML page), or text. Empty files, binary files in formats it does not
// read (archives, Word 97 files, video) and anything with a NUL byte are
// not.
func traceable(name string, data []byte) bool {
	if len(data) == 0 {
		return false
	}
	if picture.Sniff(data) != "" {
		return true
	}
	if d := format.ByContent(data); d != nil {
		return d.Marked()
	}
	if d := format.ByName(name); d != nil && d.Binary && !d.Marked() {
		return false
	}
	return bytes.IndexByte(data, 0) < 0
}

// extByContent is the file name extension of data's format, when its
// content tells it: ".pdf", ".png", ".docx", ".html" (a whole page), or "".
func extByContent(data []byte) string {
	switch picture.Sniff(data) {
	case "pdf":
		return ".pdf"
	case "png":
		return ".png"
	case "jpeg":
		return ".jpg"
	case "tiff":
		return ".tif"
	}
	if d := format.ByContent(data); d != nil && len(d.Exts) > 0 {
		return d.Exts[0]
	}
	return ""
}

// baseName is a safe file name from a name given by someone else: its
// last path element, without control characters, at most 200 bytes.
func baseName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(path.Clean("/" + name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "/" || name == "." || name == ".." {
		return ""
	}
	if len(name) > 200 {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:200-len(ext)], "") + ext
	}
	return name
}
