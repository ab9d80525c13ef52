// Package picture reads a leak that is a picture of a page (a phone
// photo, a scan, a screenshot) into the words it shows and, for each
// word, where its ink lies along its line, to sub-pixel precision.
//
// # What it does
//
// [Read] decodes a PNG, JPEG or TIFF image (a JPEG turned upright by its
// EXIF orientation), flattens uneven light (divides by the paper's
// brightness, estimated block by block), and runs the tesseract
// command-line OCR on it (page segmentation 3, English) for the words and
// their boxes (TSV output). Tesseract's boxes are whole pixels and jittery, so
// they are only a guide: for each OCR line the package fits the line's
// direction through its word boxes (which corrects rotation, and, line
// by line, perspective: a straight line stays straight in a photo), then
// samples a 1-D ink profile along that direction (at each position, the
// darkest point across the line's band, bilinearly interpolated) and
// finds each word's edges where the profile climbs 15% of the way from
// paper to ink, by linear interpolation between samples 0.25 px apart.
// The edges are the ends of the runs of paper between words: between two
// words the longest such run that meets the gap between their boxes.
//
// # What a word's extents mean
//
// Left and Right of a [layout.SeenWord] from this package are the
// extents of the word's ink over the line's full height (ascenders and
// descenders included), in pixels along the line's direction, measured
// from an arbitrary origin that is the same for every word of the line.
// They approximate the extents of the glyph outlines as typeset, scaled
// by the picture's local scale, up to a bias that is the same for every
// edge (and cancels in the gaps between words). Sigma is the larger of
// the standard deviations of the word's two edges, estimated from the
// profile's noise, its slope at the edge and the edge's width (see
// [lineLevels.edgeSigma]). On rendered 11 pt Liberation Serif at 200 dpi
// a word shift read differentially from these edges errs by 0.16 px rms
// on a clean picture, 0.2 to 0.28 px under rotation, perspective,
// noise, uneven light or JPEG q60, 0.5 px under a 1 px blur or a whole
// phone photo's damage (TestMeasureShifts).
//
// # Invariants
//
// The package never accuses anyone: it only reports what it saw, with
// an honest error. A word whose edges cannot be found (cut by the
// picture's frame, touching a neighbour, on a line too tall to be text)
// keeps tesseract's box with a Sigma of at least 3 px, so that alignment
// keeps the word and the layout reading erases it. Temporary files live
// in a private directory removed when tesseract ends.
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
