package service_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// newHome makes an empty home.
func newHome(t *testing.T) (*service.Service, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	if err := service.Init(t.Context(), dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func sotu1999(t *testing.T) []byte {
	t.Helper()
	dir := corpus.Require(t)
	b, err := os.ReadFile(filepath.Join(dir, "sotu", "1999_william_j_clinton_d.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// doc add stores the layout channel of the document's PDF copies and how
// much of a page each picture attack needs; it reads back from the store.
func TestLayoutCapacityStored(t *testing.T) {
	s, dir := newHome(t)
	ctx := t.Context()
	d, err := s.AddDocument(ctx, "sotu.txt", sotu1999(t), "sotu", "")
	if err != nil {
		t.Fatal(err)
	}
	l := d.Capacity.Layout
	if l == nil || l.Error != "" || l.Version != 1 || l.Pages < 5 || l.Points < 1000 || l.PerPage == nil || l.FullPage < 100 {
		t.Fatalf("layout capacity %+v, want a typeset speech of several full pages", l)
	}
	if l.PerPage.Min > l.PerPage.Median || l.PerPage.Median > l.PerPage.Max || l.FullPage > l.PerPage.Max {
		t.Errorf("points per page %+v, full page %d: out of order", *l.PerPage, l.FullPage)
	}
	for _, atk := range service.LayoutAttacks {
		p, ok := d.Capacity.Pages(atk)
		if !ok || p <= 0 || p > 1 {
			t.Errorf("%s: a picture needs %v (known %v) of a page of %d points, want a share of one page", atk, p, ok, l.FullPage)
		}
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	got, err := s.Store.Document(ctx, "sotu")
	if err != nil {
		t.Fatal(err)
	}
	if got.Capacity.Layout == nil || *got.Capacity.Layout.PerPage != *l.PerPage || got.Capacity.Layout.Points != l.Points {
		t.Fatalf("stored layout capacity %+v, want %+v", got.Capacity.Layout, l)
	}
	for _, atk := range service.LayoutAttacks {
		a, _ := d.Capacity.Pages(atk)
		b, _ := got.Capacity.Pages(atk)
		if a != b {
			t.Errorf("%s: stored %v, estimated %v", atk, b, a)
		}
	}
	cp, err := s.WithLayoutCapacity(ctx, got)
	if err != nil || cp != got.Capacity || cp.Layout.ComputedNow {
		t.Errorf("WithLayoutCapacity of a stored estimate: %+v, %v; want the stored one", cp, err)
	}
}

// The same words set as short paragraphs put fewer layout points on a
// page (short lines carry one or two), so a picture must show more of a
// page to carry the same evidence.
func TestLayoutCapacityFewerPointsPerPageNeedMoreOfAPage(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	text := sotu1999(t)
	words := strings.Fields(string(text))
	var short strings.Builder
	for i := 0; i < len(words); i += 6 {
		short.WriteString(strings.Join(words[i:min(i+6, len(words))], " ") + "\n\n")
	}
	prose, err := s.AddDocument(ctx, "prose.txt", text, "prose", "")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := s.AddDocument(ctx, "lines.txt", []byte(short.String()), "lines", "")
	if err != nil {
		t.Fatal(err)
	}
	if lines.Capacity.Layout.FullPage >= prose.Capacity.Layout.FullPage {
		t.Fatalf("short paragraphs hold %d layout points a page, prose %d: the test needs fewer", lines.Capacity.Layout.FullPage, prose.Capacity.Layout.FullPage)
	}
	for _, atk := range service.LayoutAttacks {
		a, okA := prose.Capacity.Pages(atk)
		b, okB := lines.Capacity.Pages(atk)
		if !okA || !okB || b <= a {
			t.Errorf("%s: short paragraphs (%d points a page) need %v of a page, prose (%d) %v; want more", atk,
				lines.Capacity.Layout.FullPage, b, prose.Capacity.Layout.FullPage, a)
		}
	}
}

// A document the PDF fonts can't draw is registered, and its capacity
// says why its PDF copies can't be typeset instead of giving a figure.
func TestLayoutCapacityUntypesettable(t *testing.T) {
	s, _ := newHome(t)
	text := strings.Repeat("The yield fell in 北京 as the Committee met and weighed the outlook. ", 40)
	d, err := s.AddDocument(t.Context(), "hyphen.txt", []byte(text), "hyphen", "")
	if err != nil {
		t.Fatal(err)
	}
	l := d.Capacity.Layout
	if l == nil || !strings.Contains(l.Error, "U+5317") || d.Capacity.PagesNeeded != nil {
		t.Fatalf("capacity %+v, layout %+v: want the reason the fonts can't typeset it, and no figure", d.Capacity, l)
	}
	if _, ok := d.Capacity.Words("paste"); !ok {
		t.Errorf("the words a paste needs are still estimated: %+v", d.Capacity.WordsNeeded)
	}
}

// A document registered by an earlier release has no layout estimate
// stored; it is estimated when shown, marked so, the same every time, and
// the store is not changed.
func TestLayoutCapacityOfEarlierRegistration(t *testing.T) {
	for _, release := range releasesBeforeLayoutEstimate {
		t.Run(release, func(t *testing.T) {
			ctx := t.Context()
			s, _ := openCompatHome(t, release)
			d, err := s.Store.Document(ctx, "sotu-1999")
			if err != nil {
				t.Fatal(err)
			}
			if d.Capacity == nil || d.Capacity.Layout != nil || d.Capacity.PagesNeeded != nil {
				t.Fatalf("release %s stored capacity %+v: the fixture should have no layout estimate", release, d.Capacity)
			}
			cp, err := s.WithLayoutCapacity(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Layout == nil || !cp.Layout.ComputedNow || cp.Layout.Points < 1000 {
				t.Fatalf("estimated layout %+v, want one computed now", cp.Layout)
			}
			if _, ok := cp.Pages("photo"); !ok {
				t.Errorf("no page share for a photo: %+v", cp.PagesNeeded)
			}
			if cp.WordsNeeded["paste"] == nil || *cp.WordsNeeded["paste"] != *d.Capacity.WordsNeeded["paste"] {
				t.Errorf("the stored word estimates changed: %+v", cp.WordsNeeded)
			}
			again, err := s.WithLayoutCapacity(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, atk := range service.LayoutAttacks {
				if a, b := *cp.PagesNeeded[atk], *again.PagesNeeded[atk]; a != b {
					t.Errorf("%s: %v, then %v", atk, a, b)
				}
			}
			stored, err := s.Store.Document(ctx, "sotu-1999")
			if err != nil {
				t.Fatal(err)
			}
			if stored.Capacity.Layout != nil || d.Capacity.Layout != nil {
				t.Errorf("showing the estimate stored it or changed the document: %+v", stored.Capacity.Layout)
			}
		})
	}
}

// A document longer than LayoutEstimateMaxWords is registered without
// typesetting it, and its capacity says so, at registration and when an
// earlier registration is shown.
func TestLayoutCapacityTooLong(t *testing.T) {
	defer func(n int) { service.LayoutEstimateMaxWords = n }(service.LayoutEstimateMaxWords)
	service.LayoutEstimateMaxWords = 1000
	s, _ := newHome(t)
	ctx := t.Context()
	d, err := s.AddDocument(ctx, "sotu.txt", sotu1999(t), "sotu", "")
	if err != nil {
		t.Fatal(err)
	}
	l := d.Capacity.Layout
	if l == nil || !strings.Contains(l.NotEstimated, "longer than the 1000") || l.Error != "" || l.Points != 0 || d.Capacity.PagesNeeded != nil {
		t.Fatalf("layout capacity %+v, pages needed %v: want the reason it was not estimated", l, d.Capacity.PagesNeeded)
	}
	old := *d
	cp := *d.Capacity
	cp.Layout = nil
	old.Capacity = &cp
	shown, err := s.WithLayoutCapacity(ctx, &old)
	if err != nil || shown.Layout == nil || shown.Layout.NotEstimated != l.NotEstimated || shown.PagesNeeded != nil {
		t.Fatalf("shown %+v, %v: want the same reason", shown, err)
	}
}

// In a home without the marking key (an auditor's), an earlier
// registration's layout channel can't be estimated: the stored capacity
// is returned with an error saying what is missing.
func TestLayoutCapacityOfEarlierRegistrationNeedsKey(t *testing.T) {
	release := compatReleases[0]
	src := filepath.Join("testdata", "compat", release, "home")
	dir := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{service.DBFile, service.LogPubFile} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, dir)
	defer s.Close()
	d, err := s.Store.Document(t.Context(), "memo")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := s.WithLayoutCapacity(t.Context(), d)
	if !errors.Is(err, service.ErrNoMarkingKey) || cp != d.Capacity {
		t.Fatalf("without the marking key: %+v, %v; want the stored capacity and ErrNoMarkingKey", cp, err)
	}
}

// The capacity doc add reports is that of the PDF copies as they are
// typeset: a Markdown document registered without a title, which opens
// with its heading, is titled by that heading alone in its copies, and
// so in its estimate (with its file name as a title besides, the pages
// would break elsewhere).
func TestLayoutCapacityIsTheCopies(t *testing.T) {
	s, _ := newHome(t)
	ctx := t.Context()
	var md strings.Builder
	md.WriteString("# The State of the Union\n\n")
	for _, para := range strings.Split(string(sotu1999(t)), "\n") {
		if para = strings.TrimSpace(para); para != "" {
			md.WriteString(para + "\n\n")
		}
	}
	d, err := s.AddDocument(ctx, "speech.md", []byte(md.String()), "speech", "")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "speech")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Layout(m)
	if err != nil {
		t.Fatal(err)
	}
	lc := d.Capacity.Layout
	if lc == nil || lc.Pages != plan.Pages() || lc.Points != plan.NumPoints() {
		t.Fatalf("estimate %+v, copies: %d pages, %d points", lc, plan.Pages(), plan.NumPoints())
	}
	per := make([]int, plan.Pages())
	for p := range per {
		per[p] = plan.PointsOnPage(p + 1)
	}
	slices.Sort(per)
	if lc.PerPage.Min != per[0] || lc.PerPage.Max != per[len(per)-1] || lc.PerPage.Median != per[len(per)/2] {
		t.Errorf("estimate per page %+v, copies' pages %v", *lc.PerPage, per)
	}
}
