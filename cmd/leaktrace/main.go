// Command leaktrace registers sensitive documents and their readers and
// issues every reader an invisibly, uniquely marked copy.
//
// Run "leaktrace --help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/browser"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/format/docx"
	"github.com/leaktrace/leaktrace/internal/format/pdfsrc"
	"github.com/leaktrace/leaktrace/internal/fsutil"
	"github.com/leaktrace/leaktrace/internal/layout"
	"github.com/leaktrace/leaktrace/internal/marking"
	"github.com/leaktrace/leaktrace/internal/office"
	"github.com/leaktrace/leaktrace/internal/pdfread"
	"github.com/leaktrace/leaktrace/internal/pgstore"
	"github.com/leaktrace/leaktrace/internal/picture"
	"github.com/leaktrace/leaktrace/internal/server"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/leaktrace/leaktrace/internal/store"
	"github.com/leaktrace/leaktrace/internal/watch"
	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	stdin, stdout, stderr := stdio()
	code := run(ctx, os.Args[1:], stdin, stdout, stderr)
	stop()
	os.Exit(code)
}

// app carries what every command needs.
type app struct {
	home   string
	actor  string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stdoutFile is the standard output as run was given it, before
	// wrapping: an *os.File when it is the process's own.
	stdoutFile io.Writer
}

// run executes the CLI and returns the exit code: 0 on success, 1 on
// error, 2 on a usage mistake. It is the one place that words errors.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A report that could not be written (a full disk, a closed pipe) is
	// an error, whichever command wrote it and however.
	out := &stickyWriter{w: stdout}
	a := &app{stdin: stdin, stdout: out, stderr: stderr, stdoutFile: stdout}
	if _, closed := stdout.(closedStdout); closed {
		a.stdout = stdout // messages to a closed stdout are discarded; issue checks for it
	}
	root := a.rootCommand()
	strictUsage(root)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(a.stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "leaktrace: error: %s\n", termSafe(err.Error())) // errors may quote stored rows
	if h := hintFor(err, cmd); h != "" {
		fmt.Fprintf(stderr, "leaktrace: hint: %s\n", h)
	}
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError marks mistakes in how a command was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// hinted attaches a hint for the user to an error.
type hinted struct {
	error
	hint string
}

func (e hinted) Unwrap() error { return e.error }

func withHint(err error, hint string) error { return hinted{err, hint} }

// hintFor words the hint for err, which cmd returned (cmd may be nil).
func hintFor(err error, cmd *cobra.Command) string {
	var h hinted
	var km *service.KeyModeError
	var pe *fs.PathError
	var dn *service.DeniedError
	switch {
	case errors.As(err, &h):
		return h.hint
	case errors.Is(err, service.ErrNoHome):
		return "run 'leaktrace init' first, or point --home (or $LEAKTRACE_HOME) at an existing home"
	case errors.Is(err, service.ErrHomeExists):
		return "choose another directory with --home; an existing home is never overwritten"
	case errors.Is(err, service.ErrNoLog):
		return "this home predates the custody log; create a new home with 'leaktrace init --home DIR' and register the documents and readers there"
	case errors.Is(err, service.ErrNoLogPub):
		return "restore log.pub from the home's backup; it is the verifier key 'leaktrace log key' printed, which auditors also keep"
	case errors.As(err, &km):
		return fmt.Sprintf("run chmod 600 %s, and check that it is the key from the home's backup: anyone who could write it could have replaced it", km.Path)
	case errors.Is(err, service.ErrWrongMarkingKey):
		return "marking.key does not belong to this home; restore it from the backup (copies made with another key trace to nobody)"
	case errors.Is(err, service.ErrNoMarkingKey), errors.Is(err, service.ErrBadMarkingKey):
		return "restore marking.key from the home's backup; without it a home can list, show and verify, but not register documents, issue or trace"
	case errors.Is(err, service.ErrLogKey):
		return "restore log.key and log.pub from the home's backup; they must be the pair 'init' wrote"
	case errors.Is(err, service.ErrNoLogKey), errors.Is(err, leaktrace.ErrNoSigner):
		return "restore log.key from the home's backup; without it a home can be read and verified but not changed"
	case errors.Is(err, custody.ErrOrigin):
		return "pass --origin a name like example.org/leaktrace (no spaces or '+')"
	case errors.Is(err, service.ErrNoEntry):
		return "entries are numbered from 0; 'leaktrace log checkpoint' shows the log's size on its second line"
	case errors.Is(err, service.ErrRolledBack):
		return "the store is older than a checkpoint it signed: it was restored from an older copy or entries were removed; recover the newer store from backup and keep this one for investigation"
	case errors.Is(err, service.ErrTampered):
		return "the store was changed outside leaktrace; keep it unchanged as evidence, compare with a backup, and run 'leaktrace log verify --json' for every problem"
	case errors.Is(err, service.ErrIndex):
		return "run 'leaktrace reindex' to rebuild the lookup index from the documents (it changes no logged data); until then trace may miss these documents"
	case errors.Is(err, service.ErrStoreURL) && errors.As(err, new(usageError)):
		return "pass --store (or set $LEAKTRACE_STORE to) a PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE, or sqlite for the store in the home (the default)"
	case errors.Is(err, service.ErrStoreURL):
		return "store.url holds the URL of the home's PostgreSQL store, postgres://USER@HOST:PORT/DATABASE, on one line, in a regular file (not a link): restore it from the home's backup"
	case errors.Is(err, service.ErrTwoStores):
		return "a home keeps its store in leaktrace.db (SQLite) or names one on PostgreSQL in store.url, not both: move away the one that is not this home's (a copy of the home's backup says which)"
	case errors.Is(err, pgstore.ErrStoreExists):
		return "that database already holds a leaktrace store: to share it, copy the home of a server that uses it (its keys and store.url) instead of running init; for a new store, create an empty database (createdb) and name that"
	case errors.Is(err, pgstore.ErrNotStore):
		return "the database holds tables that are not a leaktrace store's: check the URL in the home's store.url (leaktrace never takes such a database for a new store, so nothing was written)"
	case errors.Is(err, pgstore.ErrUnreachable):
		return "is the PostgreSQL server running, and may this user connect? Check the URL in the home's store.url (or --store), and the password in ~/.pgpass or $PGPASSWORD"
	case errors.Is(err, leaktrace.ErrNoStore):
		return "the database named in the home's store.url holds no leaktrace store: check the URL, or restore the database from its backup; only 'leaktrace init' creates a store"
	case errors.Is(err, store.ErrNotStore):
		return "restore leaktrace.db from the home's backup; leaktrace never takes it for a new store (only 'leaktrace init' creates one), so nothing was written"
	case errors.Is(err, store.ErrBusy):
		return "another leaktrace process holds the store; retry when it is done, or look for a stuck leaktrace process"
	case errors.Is(err, custody.ErrSignature):
		return "the checkpoint was not signed by this home's log key ('leaktrace log key'): check that it comes from this home"
	case errors.Is(err, custody.ErrCheckpoint):
		return "pass a checkpoint saved unchanged from 'leaktrace log checkpoint'"
	case errors.Is(err, custody.ErrEntry):
		return "a custody-log entry must be valid; this is a bug if leaktrace wrote it, tampering if not"
	case errors.Is(err, service.ErrVariants):
		return "fix the variants file: each '- ' line quotes words of the document's prose that occur once in it, outside quotations and code, and each '+ ' line after it is one alternative (README: Author variants); nothing was registered"
	case errors.Is(err, service.ErrVerbatim):
		return "a document registered with --verbatim has no lexical points; to use variants, register it again without --verbatim (under another --id)"
	case errors.Is(err, service.ErrInvalidID):
		return "ids name files, so they use only ASCII letters, digits and . _ @ + -, e.g. q3-memo or j.smith; put other letters in a title (--title) or a name (--name)"
	case errors.Is(err, service.ErrInvalidText):
		return fmt.Sprintf("titles (at most %d bytes), names (at most %d) and emails are recorded and shown on terminals: remove escapes, newlines, tabs, bidirectional controls and invisible characters (such as U+FEFF or a soft hyphen)", service.MaxTitle, service.MaxName)
	case errors.Is(err, service.ErrInvalidActor):
		return fmt.Sprintf("pass --actor (or set $LEAKTRACE_ACTOR to) a plain name of at most %d bytes, without escapes, newlines, tabs or invisible characters", service.MaxActor)
	case errors.Is(err, service.ErrInvalidEmail):
		return "give the address alone, e.g. ann@example.org, and the person's name as the name (--name or the CSV's name column)"
	case errors.Is(err, service.ErrCSVHeader):
		return "the first line must be: id,name,email (and optionally clearance,compartments,citizenship,roles)"
	case errors.Is(err, service.ErrCSVRow):
		return "every row has the header's columns, in its order, an empty field where there is nothing to say (r1,,ann@example.org); quote a field that holds a comma (\"Smith, Ann\")"
	case errors.Is(err, service.ErrIDCase):
		return "choose an id that differs in more than upper and lower case; 'leaktrace doc list' and 'leaktrace recipient list' show the ids in use"
	case errors.Is(err, format.ErrOption):
		return "--reencode applies to email (.eml) documents only: register this one without it"
	case errors.Is(err, docx.ErrNotDOCX), errors.Is(err, docx.ErrBadXML):
		return "leaktrace reads .docx files as Word and LibreOffice save them (Word Document, Office Open XML); open the file in one of them and save it again as .docx, or check that it is not damaged or another format renamed"
	case errors.Is(err, docx.ErrTooLarge):
		return "split the document into smaller files, or register its text as a .txt file"
	case errors.Is(err, format.ErrUTF16):
		return "convert the file to UTF-8 first, e.g. iconv -f utf-16 -t utf-8"
	case errors.Is(err, format.ErrInvalidUTF8):
		return "convert the file to UTF-8 first, e.g. iconv -f latin1 -t utf-8"
	case errors.Is(err, format.ErrUnsupported):
		return "leaktrace marks " + format.SupportedNames() + " so far; save the document in one of them"
	case errors.Is(err, format.ErrUnknownFormat):
		return "name the file with its format's extension: " + format.SupportedNames()
	case errors.Is(err, pdfsrc.ErrEncrypted):
		return "leaktrace registers PDFs without a password: save an unprotected copy (qpdf can, given the password) and register that"
	case errors.Is(err, pdfsrc.ErrNoText):
		return "its pages are pictures (a scan, or a PDF made of images), so there are no words to mark: register the document it was made from (its text, DOCX or a PDF with a text layer), or run OCR on it first (e.g. ocrmypdf)"
	case errors.Is(err, pdfsrc.ErrMalformed):
		return "the PDF is damaged or uses a structure leaktrace does not read: open it and save or print it to a new PDF, and register that"
	case errors.Is(err, service.ErrBinaryLeak):
		return "trace reads text, the formats leaktrace marks (" + format.SupportedNames() + "), PDF files and PNG, JPEG or TIFF pictures, told apart by their content, and this is none of them: convert it to one (e.g. a PNG of the page), or paste its text into a .txt file, and trace that"
	case errors.Is(err, format.ErrBinary), errors.Is(err, format.ErrFormat):
		return "leaktrace marks " + format.SupportedNames() + " documents"
	case errors.Is(err, service.ErrRecipientExists):
		return "recipient ids are unique: remove the duplicate or give the reader another id; 'leaktrace recipient list' shows the ids in use"
	case errors.Is(err, service.ErrDocumentExists):
		return "document ids are unique: pick another with --id; 'leaktrace doc list' shows the ids in use"
	case errors.Is(err, leaktrace.ErrExists):
		return "ids are unique; 'leaktrace doc list' and 'leaktrace recipient list' show the ids in use"
	case errors.Is(err, leaktrace.ErrNotFound):
		return "see 'leaktrace doc list' and 'leaktrace recipient list'"
	case errors.Is(err, fsutil.ErrExists):
		return "leaktrace never overwrites an existing file: choose another path, or pass --force to replace it"
	case errors.As(err, &pe) && isScratch(pe.Path):
		return fmt.Sprintf("demo and eval work in a scratch directory in %s, from $TMPDIR: point $TMPDIR at an existing, writable directory, or unset it", termSafe(os.TempDir()))
	case errors.Is(err, errStdoutClosed):
		return "write the copy with -o FILE, or run issue with standard output open (redirected to a file or a pipe)"
	case errors.Is(err, fsutil.ErrIsDir):
		return "output is written to a file, not a directory: choose another path or move the directory away ('issue DOC --all --out DIR' writes DIR/<recipient>.<ext>)"
	case errors.Is(err, fsutil.ErrProtected):
		return "that is the leaktrace home, which holds the store and the keys; write outside it"
	case errors.Is(err, fsutil.ErrNotRegular):
		return "issue --all writes only regular files; move the FIFO, device or socket out of the directory, or choose another --out DIR (a single copy can go to one with -o FILE)"
	case errors.Is(err, fsutil.ErrNoDir):
		return "create the directory first, or choose another path"
	case errors.Is(err, fsutil.ErrNotDir):
		return "--out DIR names a directory, created if missing, and -o or --plot a file in an existing directory; choose a path whose directories are not files"
	case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("%s does not exist: check the name, and that a relative path starts from the directory leaktrace runs in", termSafe(pe.Path))
	case errors.Is(err, service.ErrDocument):
		return "the document's stored row was changed, or another leaktrace version registered it: run 'leaktrace log verify', and restore the store from the backup if it reports tampering"
	case errors.Is(err, layout.ErrGlyph):
		return "the PDF fonts (Liberation Serif, Sans and Mono) cannot draw that character; issue the copy in the document's own format (without --format pdf)"
	case errors.Is(err, service.ErrMarkingBanner):
		return "a document's marking is printed across the top and bottom of every page of its PDF copies, and this one is too long to be legible there (a REL TO list of about 40 countries or more): shorten it"
	case errors.Is(err, layout.ErrBanner):
		return "the document's marking is too long to print legibly across a PDF copy's pages (a REL TO list of about 40 countries or more): shorten it, or issue the copy in the document's own format (without --format pdf)"
	case errors.Is(err, layout.ErrDirection):
		return "PDF copies are typeset left to right only, so Hebrew or Arabic would be drawn backwards: issue the copy in the document's own format (without --format pdf)"
	case errors.Is(err, pdfread.ErrNoPdftotext):
		return "install poppler's pdftotext (Debian and Ubuntu: apt-get install poppler-utils), or trace the PDF's text saved as a .txt file"
	case errors.Is(err, pdfread.ErrNoPdftoppm):
		return "install poppler's pdftoppm (Debian and Ubuntu: apt-get install poppler-utils): pictures and PDFs of a copy are measured against the document's own pages drawn with it; or trace the copy file itself"
	case errors.Is(err, office.ErrNotInstalled):
		return "pictures and PDFs of a copy of a DOCX are measured against the document as LibreOffice lays it out: install LibreOffice Writer (Debian and Ubuntu: apt-get install libreoffice-writer-nogui), or trace the copy file itself"
	case errors.Is(err, office.ErrConvert):
		return "LibreOffice could not lay the document out to measure a picture or PDF of a copy against it: check that LibreOffice (soffice) can convert a document to PDF on this machine, or trace the copy file itself"
	case errors.Is(err, service.ErrNoReference), errors.Is(err, layout.ErrReference):
		return "this document's own layout marks can't be measured on pictures or PDFs here; trace the copy file itself, or its text"
	case errors.Is(err, pdfread.ErrTooLarge):
		return "trace the pages that leaked: cut them out of the PDF (e.g. with pdfseparate) and trace those"
	case errors.Is(err, pdfread.ErrUnreadable):
		return "the PDF may be damaged or cut short; try its text (pdftotext leak.pdf leak.txt, or a paste) or a picture of its pages"
	case errors.Is(err, pdfread.ErrPassword):
		return "open it with its password and print it to a new PDF (or remove the password with qpdf), then trace that; or trace pictures of its pages"
	case errors.Is(err, pdfread.ErrNoText):
		return "its pages are pictures (a scan, or a PDF made of images): render them with 'pdftoppm -r 300 -png leak.pdf page' and trace the pictures ('leaktrace trace page-*.png')"
	case errors.Is(err, picture.ErrTooLarge):
		return fmt.Sprintf("scale the picture down or crop it to the text that leaked (e.g. convert big.png -resize 50%% small.png): at most %d million pixels are read", picture.MaxPixels/1_000_000)
	case errors.Is(err, picture.ErrMalformed):
		return "the picture is damaged or cut short: copy it again from where it was found, or trace a screenshot of it saved as PNG"
	case errors.Is(err, picture.ErrNoTesseract):
		return "pictures are read with tesseract: install it with its English data (Debian and Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng; macOS: brew install tesseract), or trace the text typed into a .txt file"
	case errors.Is(err, picture.ErrTimeout), errors.Is(err, picture.ErrTesseract), errors.Is(err, picture.ErrTSV):
		return "tesseract could not read the picture: crop it to the text, or save it again as PNG, and trace that"
	case errors.Is(err, browser.ErrNotInstalled):
		return "pictures of an HTML page's copies are measured against the page as Chromium draws it: install it (Debian and Ubuntu: apt-get install chromium), or trace the page's text pasted into a .txt file"
	case errors.Is(err, browser.ErrScreenshot):
		return "Chromium could not draw the page to read the picture against: check that Chromium runs headless here (its error is above), or trace the page's text pasted into a .txt file"
	case errors.Is(err, picture.ErrNoText):
		return "no words were found: trace a sharper, larger picture of the text (at least 150 dpi, in focus), or type the text into a .txt file"
	case errors.Is(err, layout.ErrFormat):
		return "leaktrace typesets " + typesetNames() + " documents as PDF; issue this one in its own format (without --format pdf)"
	case errors.Is(err, marking.ErrMarking):
		return "write a marking as a level (UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET, or U, C, S, TS), then optionally // and SCI compartments separated by / (TOP SECRET//SI/TK), then optionally // and NOFORN or REL TO with ISO 3166 three-letter codes (SECRET//REL TO USA, GBR); a clearance is a level, a citizenship a three-letter code such as USA or GBR"
	case errors.Is(err, service.ErrRole):
		return "roles are reader, issuer, investigator, auditor and admin, combined with commas: --role issuer,auditor"
	case errors.Is(err, service.ErrPassword):
		return fmt.Sprintf("choose a password of at least %d characters (a few unrelated words make a good one) and at most %d bytes", service.MinPassword, service.MaxPassword)
	case errors.Is(err, service.ErrUnauthenticated):
		return "check the token or password: 'leaktrace token list' shows a reader's tokens, 'leaktrace recipient passwd ID' sets a password, and 'leaktrace recipient set ID --enable' lets a disabled reader in"
	case errors.As(err, &dn):
		return fmt.Sprintf("refused by the %s rule (%s); 'leaktrace doc show DOC' shows a document's marking and who is granted it, and 'leaktrace recipient list' readers' clearances and roles", dn.Reason, dn.Detail)
	case errors.Is(err, service.ErrForbidden):
		return "'leaktrace doc show DOC' shows a document's marking and who is granted it, and 'leaktrace recipient list' readers' clearances and roles"
	case errors.Is(err, service.ErrEpsilon):
		return "pass --epsilon a probability strictly between 0 and 1, such as 1e-6 (the default): the largest chance, over all readers, of accusing an innocent one"
	case errors.As(err, new(usageError)):
		return usageHint(err, cmd)
	case errors.Is(err, service.ErrLeakTooLarge):
		return "trace the pages that leaked: crop the picture, or cut those pages out of the PDF (e.g. with pdfseparate), and trace them"
	case errors.Is(err, errWatchIncomplete):
		return "the summary above names the source, item or alert delivery that failed, and the log lines above say why; items not traced and alerts not delivered are tried again at the next run"
	case errors.Is(err, errWatchSetting):
		return "a watch config names the flags of 'leaktrace watch' without their dashes (dir, feed, listen, push-token-file, alert-webhook, interval, ...); see 'leaktrace watch --help'"
	case errors.Is(err, watch.ErrConfig):
		return `write the config as a JSON object, {"dir": ["/srv/drop"], "interval": "10m"}, or as name = value lines, one setting a line`
	case errors.Is(err, errPushTokenShort):
		return "make a long random token: head -c 32 /dev/urandom | base64 > push.token && chmod 600 push.token"
	case errors.Is(err, errListenAddr):
		return "pass --listen as host:port on this machine that no other program listens on, e.g. 127.0.0.1:8081"
	case errors.Is(err, errMetricsAddr):
		return "pass --metrics-addr as host:port on this machine that no other program listens on, e.g. 127.0.0.1:9090"
	case errors.Is(err, server.ErrAddrInUse):
		return "another program (perhaps another 'leaktrace serve') listens on that address: stop it, or choose another with --addr"
	case errors.Is(err, server.ErrListen):
		return "pass --addr as host:port on this machine, e.g. 127.0.0.1:8080 or :8443; ports below 1024 need privileges"
	case errors.Is(err, server.ErrTLS):
		return "--tls-cert and --tls-key name PEM files, readable by this user, of one certificate and its private key"
	case errors.Is(err, server.ErrOIDC):
		return "check --oidc-issuer: this machine must reach its /.well-known/openid-configuration, and the issuer that document names must be that URL"
	case errors.Is(err, server.ErrShutdown):
		return "requests still running when the server stopped were cut off; their clients may retry"
	case errors.Is(err, service.ErrLeakInput):
		return "every input of a trace must be a text, a PDF or a PNG, JPEG or TIFF picture it can read: fix that one, or trace the others without it"
	}
	return ""
}

// isScratch reports whether path is $TMPDIR or a scratch directory that
// demo or eval create in it: os.MkdirTemp reports a missing $TMPDIR by its
// stat, and a $TMPDIR that is a file by the mkdir of the scratch path.
func isScratch(path string) bool {
	tmp := os.TempDir()
	return path == tmp || filepath.Dir(path) == tmp && strings.HasPrefix(filepath.Base(path), "leaktrace-")
}

// usageHint words the hint for a usage mistake in cmd: what an unknown
// command or flag may have meant, else where to look.
func usageHint(err error, cmd *cobra.Command) string {
	var uc unknownCommand
	var uf unknownFlag
	switch {
	case errors.As(err, &uc):
		path := uc.group.CommandPath()
		if s := uc.suggestions(); len(s) > 0 {
			return fmt.Sprintf("did you mean '%s %s'?", path, strings.Join(s, "' or '"+path+" "))
		}
		return fmt.Sprintf("'%s' has the commands %s; see '%s --help'", path, strings.Join(uc.commands(), ", "), path)
	case errors.As(err, &uf):
		path := uf.cmd.CommandPath()
		if s := uf.suggestions(); len(s) > 0 {
			return fmt.Sprintf("did you mean --%s? See '%s --help'", strings.Join(s, " or --"), path)
		}
		return fmt.Sprintf("see '%s --help' for its flags", path)
	}
	if cmd == nil || !cmd.HasParent() {
		return "see 'leaktrace --help' for the commands, and 'leaktrace COMMAND --help' for one"
	}
	return fmt.Sprintf("see '%s --help'", cmd.CommandPath())
}

func (a *app) rootCommand() *cobra.Command {
	root := group(&cobra.Command{
		Use:   "leaktrace",
		Short: "Trace leaked documents to the copy they came from",
		Long: `leaktrace gives every reader of a sensitive document an invisibly and
uniquely marked copy, so that a leaked copy names the reader it came from.

Its data lives in a home directory: --home, else $LEAKTRACE_HOME, else
~/.local/share/leaktrace.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Traversing parses the root's flags before the command name, so
		// that "--bogus doc list" reports --bogus, not "list".
		TraverseChildren: true,
	})
	root.PersistentFlags().StringVar(&a.home, "home", "", "home directory (default $LEAKTRACE_HOME, else ~/.local/share/leaktrace)")
	root.PersistentFlags().StringVar(&a.actor, "actor", "", "who the custody log records as making changes (default $LEAKTRACE_ACTOR, else the OS user)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	// Every command's changes are the actor's: the service reads it from
	// the command's context.
	root.PersistentPreRun = func(c *cobra.Command, _ []string) {
		c.SetContext(service.WithActor(c.Context(), a.actorName()))
	}
	root.AddCommand(a.initCommand(), a.docCommand(), a.recipientCommand(), a.tokenCommand(), a.issueCommand(), a.traceCommand(), a.evalCommand(), a.logCommand(), a.reindexCommand(), a.serveCommand(), a.watchCommand(), a.demoCommand())
	return root
}

// homeDir resolves the home directory.
func (a *app) homeDir() (string, error) {
	if a.home != "" {
		return a.home, nil
	}
	if h := os.Getenv("LEAKTRACE_HOME"); h != "" {
		return h, nil
	}
	u, err := os.UserHomeDir()
	if err != nil {
		return "", withHint(err, "set --home or $LEAKTRACE_HOME")
	}
	return filepath.Join(u, ".local", "share", "leaktrace"), nil
}

// actorName resolves who the custody log records: --actor, else
// $LEAKTRACE_ACTOR, else the OS user.
func (a *app) actorName() string {
	if a.actor != "" {
		return a.actor
	}
	if v := os.Getenv("LEAKTRACE_ACTOR"); v != "" {
		return v
	}
	return service.DefaultActor()
}

// open opens the home for a command.
func (a *app) open(ctx context.Context) (*service.Service, error) {
	dir, err := a.homeDir()
	if err != nil {
		return nil, err
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	for _, w := range s.Warnings() {
		fmt.Fprintf(a.stderr, "leaktrace: warning: %s\n", w)
	}
	return s, nil
}

// args checks a command's positional arguments as a usage error.
func args(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if len(a) != n {
			return usagef("%s takes %s (got %s)", cmd.CommandPath(), names, count(len(a), "argument"))
		}
		return nil
	}
}

func (a *app) initCommand() *cobra.Command {
	var origin, storeFlag string
	cmd := &cobra.Command{
		Use:   "init [--store postgres://...] [--origin NAME]",
		Short: "Create a new home: the store, a secret marking key and the custody log",
		Long: `init creates the home directory with an empty store, a fresh secret
marking key (marking.key, mode 0600), and the custody log's signing key
(log.key, mode 0600) and verifier key (log.pub). The log's first entry
records the init, and the store keeps a check value of marking.key (an
HMAC of a fixed label, not the key) so that a wrong key is refused. It
refuses to touch a directory that already holds a home.

The store is SQLite in the home (leaktrace.db), unless --store, else
$LEAKTRACE_STORE, names an empty PostgreSQL database by its URL
(postgres://USER@HOST:PORT/DATABASE; 'sqlite' names the default; an
empty --store is a usage mistake, an empty $LEAKTRACE_STORE is unset). The home
then records the URL in store.url (mode 0600), so later commands need only
--home, and keeps the keys. Keep the password out of the URL: PostgreSQL's
~/.pgpass and $PGPASSWORD apply. Several servers share one store by each
using a copy of the home; init refuses a database that already holds a
store.

--origin names the log: it is the first line of every checkpoint and the
name of its key (default leaktrace.local/<random hex>).

Back the keys up: copies are derived from marking.key, and without it no
copy can be re-issued or traced; without log.key no further change can be
signed. Keep them mode 0600: leaktrace warns about a key others can read
and won't use one others can write. Listing, showing and 'log verify' need
neither key.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.homeDir()
			if err != nil {
				return err
			}
			st, from := storeFlag, "--store"
			if !cmd.Flags().Changed("store") {
				st, from = os.Getenv("LEAKTRACE_STORE"), "$LEAKTRACE_STORE"
			} else if st == "" {
				// Likely an unset variable in a script: never a
				// silent SQLite in place of $LEAKTRACE_STORE's.
				return usageError{fmt.Errorf("--store: %w \"\": it is empty; name %s or a postgres:// URL", service.ErrStoreURL, service.SQLiteStore)}
			}
			if _, err := service.ParseStore(st); err != nil {
				return usageError{fmt.Errorf("%s: %w", from, err)}
			}
			if err := service.Init(cmd.Context(), dir, service.InitOptions{Origin: origin, Actor: a.actorName(), Store: st}); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "initialized leaktrace home in %s\n", termSafe(dir))
			if pg, _ := service.ParseStore(st); pg != "" {
				fmt.Fprintf(a.stdout, "store: %s\n", termSafe(service.RedactStore(pg)))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&storeFlag, "store", "", "the store: a PostgreSQL database's postgres:// URL, or sqlite (default $LEAKTRACE_STORE, else sqlite)")
	cmd.Flags().StringVar(&origin, "origin", "", "the custody log's name (default leaktrace.local/<random hex>)")
	return cmd
}

// typesetNames lists the formats 'issue --format pdf' typesets.
func typesetNames() string {
	var out []string
	for _, f := range format.Formats() {
		if f.Typeset && f.Marked() {
			out = append(out, f.Name+" ("+f.Exts[0]+")")
		}
	}
	return strings.Join(out, ", ")
}
