// Package picture reads a leak that is a picture of a page (a phone
// photo, a scan, a screenshot) into the words it shows and, for each
// word, where its ink lies along its line, to sub-pixel precision.
//
// # What it does
//
// [Read] decodes a PNG, JPEG or TIFF image, flattens uneven light, and
// runs the tesseract command-line OCR on it for the words and their
// boxes (TSV output). Tesseract's boxes are whole pixels and jittery, so
// they are only a guide: for each OCR line the package fits the line's
// direction through its word boxes (which corrects rotation, and, line
// by line, perspective: a straight line stays straight in a photo), then
// samples a 1-D ink profile along that direction (at each position, the
// darkest point across the line's band, bilinearly interpolated) and
// finds each word's edges where the profile climbs 15% of the way from
// paper to ink, within a few pixels of the box's edges, by linear
// interpolation between samples 0.25 px apart.
//
// # What a word's extents mean
//
// Left and Right of a [layout.SeenWord] from this package are the
// extents of the word's ink over the line's full height (ascenders and
// descenders included), in pixels along the line's direction, measured
// from an arbitrary origin that is the same for every word of the line.
// They approximate the extents of the glyph outlines as typeset, scaled
// by the picture's local scale, up to a bias that is the same for every
// edge (and cancels in the gaps between words). Sigma is the standard deviation of each edge's
// error estimated from the profile's noise and slope (see [edgeSigma]).
//
// # Invariants
//
// The package never accuses anyone: it only reports what it saw, with
// an honest error. A word whose edges cannot be found keeps tesseract's
// box with a large Sigma, so that alignment keeps the word and the
// layout reading gives it little weight.
package picture

import "errors"

// Errors returned by [Read]. They are wrapped with context.
var (
	// ErrFormat: the data is not a PNG, JPEG or TIFF image.
	ErrFormat = errors.New("not a PNG, JPEG or TIFF image")
	// ErrMalformed: the image claims a format but cannot be decoded.
	ErrMalformed = errors.New("malformed image")
	// ErrTooLarge: the image has more pixels than [MaxPixels].
	ErrTooLarge = errors.New("image too large")
	// ErrNoTesseract: the tesseract command, or its English language
	// data, is not installed (Debian: apt-get install tesseract-ocr
	// tesseract-ocr-eng; macOS: brew install tesseract).
	ErrNoTesseract = errors.New("tesseract is not installed")
	// ErrTesseract: tesseract ran but failed.
	ErrTesseract = errors.New("tesseract failed")
	// ErrTimeout: OCR took longer than allowed.
	ErrTimeout = errors.New("OCR timed out")
	// ErrNoText: OCR found no words in the picture.
	ErrNoText = errors.New("no text found in the picture")
	// ErrTSV: tesseract's TSV output could not be parsed.
	ErrTSV = errors.New("unreadable tesseract TSV")
)

// MaxPixels bounds the images [Read] accepts: a 600 dpi scan of a
// letter page has 34 Mpixel, a phone photo 12 to 50.
const MaxPixels = 60_000_000
