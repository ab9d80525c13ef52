package main

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/eval"
	"github.com/leaktrace/leaktrace/internal/evalplot"
	"github.com/leaktrace/leaktrace/internal/fsutil"
	"github.com/leaktrace/leaktrace/internal/service"
	"github.com/spf13/cobra"
)

func (a *app) evalCommand() *cobra.Command {
	var (
		cfg                 eval.Config
		attacks, words, col string
		fractions           string
		asJSON, force       bool
		plot                string
	)
	cmd := &cobra.Command{
		Use:   "eval FILE...",
		Short: "Measure which leaks of your documents can be traced",
		Long: `eval measures, before a document is sent, which leaks of it leaktrace can
trace. In a scratch home (never your own) it registers the files, issues
copies to --recipients readers, leaks excerpts of --words words through
each --attack, traces every leak with the real pipeline, and reports per
(attack, words, colluders): the identification rate, false accusations,
how often the right document was found, and the median trace time.

Attacks: paste, normalize (NFKC, invisible characters stripped, quotes and
dashes straightened, spaces collapsed), retype (normalized, ASCII, hard
wraps undone, --typos of the words mistyped), edit (sentences dropped and
swapped), ocr (printed, photographed — rotated, blurred, noisy, JPEG — and
read back with tesseract; skipped with a warning where tesseract is not
installed); combine them with +, e.g. edit+normalize. --colluders C mixes C
readers' copies before the attack. --other-key leaks copies that another
home, with another marking key, issued to readers with the same ids: the
leaker is nobody here, and every accusation is counted as false.
--reencode registers emails as 'doc add --reencode' does.

--format pdf evaluates PDF copies instead (issue --format pdf), read back
through the layout channel as well as the text: the attacks are pdf (the
file itself), photo (a phone photo of a printed page), photo-hard (two
thirds of the page, more tilt and blur, JPEG q55), screenshot (part of a
page at 96–120 dpi) and print-scan (600 dpi print, 300 dpi scan), all by
default; --fractions sets how much of a page each picture shows (default:
a whole page, two thirds for photo-hard, half for screenshot). With
--colluders C, each of C readers leaks a different page of their own copy
and the pictures are traced together. Needs pdftoppm (poppler-utils) and
tesseract.`,
		Args: func(cmd *cobra.Command, argv []string) error {
			if len(argv) == 0 {
				return usagef("eval takes one or more FILEs")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, argv []string) error {
			cfg.Files = argv
			pdf := false
			switch cfg.Format {
			case "":
			case eval.FormatPDF:
				pdf = true
				if !cmd.Flags().Changed("attack") {
					attacks = strings.Join(eval.PDFAttacks(), ",")
				}
				if cmd.Flags().Changed("words") {
					return withHint(usagef("--words is for text copies; PDF copies are leaked by page"), "use --fractions to set how much of a page a picture shows")
				}
			default:
				return withHint(usagef("--format %q: eval knows pdf, or nothing for the document's own format", cfg.Format), "use --format pdf")
			}
			if !pdf && cmd.Flags().Changed("fractions") {
				return withHint(usagef("--fractions is for PDF copies"), "add --format pdf, or use --words")
			}
			cfg.Attacks = splitList(attacks)
			// Every flag is checked before the run, which can take minutes.
			var err error
			if !pdf {
				if cfg.Words, err = intList(words, "--words"); err != nil {
					return err
				}
			}
			if cfg.Fractions, err = fractionList(fractions); err != nil {
				return err
			}
			if cfg.Colluders, err = intList(col, "--colluders"); err != nil {
				return err
			}
			if cfg.Recipients < 1 {
				return usagef("--recipients takes a positive whole number (got %d)", cfg.Recipients)
			}
			if cfg.Trials < 1 {
				return usagef("--trials takes a positive whole number (got %d)", cfg.Trials)
			}
			for _, c := range cfg.Colluders {
				if c > cfg.Recipients {
					return usagef("--colluders %d is more than the %d readers of --recipients", c, cfg.Recipients)
				}
			}
			if err := service.CheckEpsilon(cfg.Epsilon); err != nil {
				return usageError{fmt.Errorf("--%w", err)}
			}
			if cfg.TypoRate < 0 || cfg.TypoRate > 1 {
				return usagef("--typos must be between 0 and 1 (got %g)", cfg.TypoRate)
			}
			if plot == "" && cmd.Flags().Changed("plot") {
				return withHint(usagef("--plot needs a FILE"), "name the plot F.svg or F.png")
			}
			if plot != "" {
				if err := checkPlotPath(a.output(plot, force)); err != nil {
					return err
				}
			}
			var runnable []string
			for _, atk := range cfg.Attacks {
				if pdf {
					if err := eval.CheckPDFAttack(atk); err != nil {
						return withHint(usageError{err}, "with --format pdf, choose among "+strings.Join(eval.PDFAttacks(), ", "))
					}
					if err := pdfAttackTools(atk); err != nil {
						fmt.Fprintf(a.stderr, "leaktrace: warning: skipping the %s attack: %v\n", atk, err)
						continue
					}
					runnable = append(runnable, atk)
					continue
				}
				if err := eval.CheckAttack(atk); err != nil {
					return usageError{err}
				}
				if eval.NeedsTesseract(atk) {
					if err := attack.TesseractAvailable(); err != nil {
						fmt.Fprintf(a.stderr, "leaktrace: warning: skipping the %s attack: %v\n", atk, err)
						continue
					}
				}
				runnable = append(runnable, atk)
			}
			if len(runnable) == 0 {
				return withHint(fmt.Errorf("no attack can run"), "install tesseract (tesseract-ocr) and pdftoppm (poppler-utils), or choose other attacks with --attack")
			}
			cfg.Attacks = runnable
			total := eval.Total(cfg)
			bar := a.progress(total, "tracing leaks")
			cfg.Progress = func(done, _ int) { bar.Set(done) }
			// The scratch home holds keys: termination, like Ctrl-C, ends
			// the run through its cleanup.
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			rows, err := eval.Run(ctx, cfg)
			bar.Finish()
			if ctxErr := ctx.Err(); ctxErr != nil {
				return fmt.Errorf("eval interrupted: %w", ctxErr)
			}
			if err != nil {
				return err
			}
			if plot != "" {
				if err := plotRows(ctx, rows, a.output(plot, force), cfg); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(a.stdout, rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			size := "WORDS"
			if pdf {
				size = "PAGE"
			}
			fmt.Fprintf(tw, "ATTACK\t%s\tCOLLUDERS\tTRIALS\tIDENTIFIED\tFALSE ACCUSATIONS\tDOC FOUND\tTRACE MS (MEDIAN)\t\n", size)
			for _, r := range rows {
				amount := strconv.Itoa(r.Words)
				if pdf {
					amount = fmt.Sprintf("%.0f%%", 100*r.Fraction)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.0f%%\t%d\t%.0f%%\t%.0f\t\n", r.Attack, amount, r.Colluders, r.Trials,
					100*r.Identified, r.FalseAccusations, 100*r.DocFound, r.TraceMsMedian)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%d readers, ε = %g, seed %d\n", cfg.Recipients, cfg.Epsilon, cfg.Seed)
			if cfg.OtherKey {
				fmt.Fprintln(a.stdout, "leaks of copies another home issued (--other-key): nobody here leaked, so every accusation is false")
			}
			if plot != "" {
				fmt.Fprintf(a.stdout, "plot written to %s\n", termSafe(plot))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Recipients, "recipients", 1000, "readers issued a copy")
	f.StringVar(&attacks, "attack", "paste,normalize,retype", "attacks, comma-separated")
	f.StringVar(&words, "words", "40,100,300,600", "excerpt lengths in words, comma-separated")
	f.StringVar(&col, "colluders", "1", "numbers of colluding readers, comma-separated")
	f.StringVar(&cfg.Format, "format", "", "pdf: evaluate PDF copies and pictures of their pages")
	f.BoolVar(&cfg.Reencode, "reencode", false, "register emails with --reencode: their 7-bit text parts may be re-encoded as UTF-8 quoted-printable")
	f.BoolVar(&cfg.OtherKey, "other-key", false, "leak copies another home (another key) issued to readers with the same ids: every accusation is false")
	f.StringVar(&fractions, "fractions", "", "with --format pdf: shares of a page a picture shows, e.g. 0.25,0.5,1")
	f.IntVar(&cfg.Trials, "trials", 20, "leaks per attack, length and collusion size")
	f.Float64Var(&cfg.Epsilon, "epsilon", service.DefaultEpsilon, "false-accusation bound")
	f.Uint64Var(&cfg.Seed, "seed", 1, "random seed, for reproducible runs")
	f.Float64Var(&cfg.TypoRate, "typos", 0.02, "with retype: fraction of words mistyped")
	f.BoolVar(&asJSON, "json", false, "print JSON rows")
	f.StringVar(&plot, "plot", "", "write identification against words to F.svg or F.png")
	f.BoolVar(&force, "force", false, "with --plot: replace an existing file")
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fractionList parses --fractions: shares of a page in (0, 1].
func fractionList(s string) ([]float64, error) {
	var out []float64
	for _, p := range splitList(s) {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return nil, usagef("--fractions takes shares of a page between 0 and 1, comma-separated (got %q)", p)
		}
		out = append(out, f)
	}
	return out, nil
}

// pdfAttackTools reports what an attack on PDF copies needs that is
// missing: pdftoppm to render a page, tesseract to read a picture back.
func pdfAttackTools(atk string) error {
	if atk == "pdf" {
		_, err := exec.LookPath("pdftotext")
		return err
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return fmt.Errorf("pdftoppm (Debian: poppler-utils) is not installed")
	}
	return attack.TesseractAvailable()
}

func intList(s, flag string) ([]int, error) {
	var out []int
	for _, p := range splitList(s) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nil, usagef("%s takes positive whole numbers, comma-separated (got %q)", flag, p)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, usagef("%s is empty", flag)
	}
	return out, nil
}

// checkPlotPath refuses a --plot path that can't be written after the
// run: an unsupported format, or a path the output rules refuse (an
// existing file without --force, a missing directory, the home).
func checkPlotPath(o fsutil.Output) error {
	switch strings.ToLower(filepath.Ext(o.Path)) {
	case ".svg", ".png":
	default:
		return withHint(usagef("--plot %s: unsupported format %q", o.Path, filepath.Ext(o.Path)), "name the plot F.svg or F.png")
	}
	if _, err := o.Check(); err != nil {
		return usageError{fmt.Errorf("--plot %w", err)}
	}
	return nil
}

// plotRows draws identification against excerpt length and writes it by
// the output rules.
func plotRows(ctx context.Context, rows []eval.Row, o fsutil.Output, cfg eval.Config) error {
	pr := make([]evalplot.Row, len(rows))
	for i, r := range rows {
		amount := r.Words
		if cfg.Format == eval.FormatPDF {
			amount = int(math.Round(100 * r.Fraction))
		}
		pr[i] = evalplot.Row{Attack: r.Attack, Words: amount, Colluders: r.Colluders, Trials: r.Trials,
			Identified: r.Identified, FalseAccusations: r.FalseAccusations, DocFound: r.DocFound, TraceMsMedian: r.TraceMsMedian}
	}
	title := fmt.Sprintf("leaktrace: leaker named, %d readers, ε = %g", cfg.Recipients, cfg.Epsilon)
	xLabel := "excerpt length (words)"
	if cfg.Format == eval.FormatPDF {
		xLabel = "share of a page shown (%)"
	}
	data, err := evalplot.RenderAxis(pr, title, filepath.Ext(o.Path), xLabel)
	if err != nil {
		return err
	}
	return o.Write(ctx, data, 0o644)
}
