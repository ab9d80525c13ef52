package watch

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/attack"
	"github.com/leaktrace/leaktrace/internal/corpus"
	"github.com/leaktrace/leaktrace/internal/service"
)

// traceHome makes a home with one text document cut from the corpus,
// issued to readers readers; it returns the service and the copies by
// reader.
func traceHome(t *testing.T, readers int) (*service.Service, map[string]string) {
	t.Helper()
	memo := corpus.RequireMemos(t, 1, 700, 151)[0]
	dir := filepath.Join(t.TempDir(), "home")
	ctx := t.Context()
	if err := service.Init(ctx, dir, service.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := service.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var rs []leaktrace.Recipient
	var ids []string
	for i := range readers {
		id := fmt.Sprintf("r%03d", i)
		rs = append(rs, leaktrace.Recipient{ID: id})
		ids = append(ids, id)
	}
	if err := s.AddRecipients(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDocument(ctx, "memo.txt", []byte(memo), "memo", ""); err != nil {
		t.Fatal(err)
	}
	m, _, err := s.Marker(ctx, "memo")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := s.Issue(ctx, m, ids)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]string{}
	for _, c := range issued {
		copies[c.Recipient] = string(c.Data)
	}
	return s, copies
}

// escapeHTML escapes text as HTML the way a careful publisher does:
// markup characters as named references, everything outside ASCII
// (curly quotes, the zero-width characters) as numeric ones.
func escapeHTML(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r > 0x7e:
			fmt.Fprintf(&b, "&#x%X;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlText escapes s as XML character data.
func xmlText(t *testing.T, s string) string {
	var b bytes.Buffer
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An excerpt of a reader's copy, HTML-escaped inside a feed item's
// description (and so escaped twice in the RSS), comes out of the feed
// as the excerpt's own words, zero-width characters and curly quotes
// included, and the real trace names the reader. So does an excerpt
// pasted into a <pre> block, which the HTML page reader passes over as
// code; an unrelated item matches nothing.
func TestFeedItemTracesToTheReader(t *testing.T) {
	s, copies := traceHome(t, 30)
	rng := rand.New(rand.NewPCG(15, 1))
	inP := attack.Excerpt(copies["r007"], 90, rng)
	inPre := attack.Excerpt(copies["r023"], 90, rng)
	if !strings.ContainsAny(inP, "\u200B\u200C\u200D\u2060") {
		t.Fatal("the excerpt has no zero-width character: the test would not show they survive")
	}
	unrelated := corpus.Memos(1, 120, 999)[0]
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>pastes</title>
<item><guid>p</guid><description>` + xmlText(t, "<div><p>"+escapeHTML(inP)+"</p></div>") + `</description></item>
<item><guid>pre</guid><content:encoded><![CDATA[<p>found this:</p><pre>` + escapeHTML(inPre) + `</pre>]]></content:encoded></item>
<item><guid>other</guid><description>` + xmlText(t, "<p>"+escapeHTML(unrelated)+"</p>") + `</description></item>
</channel></rss>`
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(feed), "")
	scan, err := NewFeed(fs.URL+"/rss", testLimits()).Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	items := byID(scan.Items)
	if got := string(items["p"].Data); got != words(inP) {
		t.Fatalf("the escaped excerpt reads\n%q\nwant its words\n%q", got, words(inP))
	}
	if got := strings.TrimPrefix(string(items["pre"].Data), "found this:\n\n"); got != inPre {
		t.Fatalf("the excerpt in <pre> reads\n%q\nwant it as it is\n%q", got, inPre)
	}
	for id, reader := range map[string]string{"p": "r007", "pre": "r023", "other": ""} {
		it := items[id]
		rep, err := s.TraceInputs(t.Context(), []service.TraceInput{{Name: it.Name, Data: it.Data}}, service.DefaultEpsilon, 5)
		if err != nil {
			t.Fatalf("tracing item %s: %v", id, err)
		}
		if reader == "" {
			if len(rep.Matches) != 0 {
				t.Errorf("the unrelated item matched %s", rep.Matches[0].Source.ID)
			}
			continue
		}
		if len(rep.Matches) != 1 || rep.Matches[0].Source.ID != "memo" {
			t.Fatalf("item %s: %d matches, want the memo", id, len(rep.Matches))
		}
		top := rep.Matches[0].Suspects[0]
		if top.Recipient != reader || !top.Accused {
			t.Errorf("item %s: top suspect %s (accused %v, p %g), want %s accused", id, top.Recipient, top.Accused, top.PValue, reader)
		}
		for _, sus := range rep.Matches[0].Suspects[1:] {
			if sus.Accused {
				t.Errorf("item %s: %s accused too", id, sus.Recipient)
			}
		}
	}
}
