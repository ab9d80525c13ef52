package watch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// feedServer serves files at paths, counting requests per path.
type feedServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]served
	hits  map[string]int
}

type served struct {
	contentType string
	body        []byte
	etag        string
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{files: map[string]served{}, hits: map[string]int{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		f, ok := fs.files[r.URL.Path]
		fs.hits[r.URL.Path]++
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if f.etag != "" {
			w.Header().Set("ETag", f.etag)
			if r.Header.Get("If-None-Match") == f.etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Write(f.body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(path, contentType string, body []byte, etag string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[path] = served{contentType, body, etag}
}

func (fs *feedServer) hit(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.hits[path]
}

// testLimits are the default limits with a short timeout.
func testLimits() Limits {
	l := DefaultLimits()
	l.Timeout = 5 * time.Second
	l.Client = &http.Client{}
	return l
}

func byID(items []Item) map[string]Item {
	m := map[string]Item{}
	for _, it := range items {
		m[it.ID] = it
	}
	return m
}

// words are s's words, space apart.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>pastes</title><link>https://paste.example/</link><description>new pastes</description>
<item>
  <title>Escaped paste</title>
  <guid isPermaLink="false">paste-1</guid>
  <link>https://paste.example/1</link>
  <pubDate>Mon, 02 Jan 2026 15:04:05 GMT</pubDate>
  <description>&lt;p&gt;The minister&amp;rsquo;s &lt;b&gt;memo&lt;/b&gt; says &amp;ldquo;no&amp;rdquo; &amp;amp; more&amp;#x200B; words.&lt;/p&gt;&lt;script&gt;var hidden = 1;&lt;/script&gt;</description>
</item>
<item>
  <title>With content</title>
  <link>/2</link>
  <description>A summary of the post…</description>
  <content:encoded><![CDATA[<div><p>A summary of the post, and the rest.</p><pre>
line one  
  line two</pre></div>]]></content:encoded>
  <enclosure url="/files/notes.txt" length="30" type="text/plain"/>
  <enclosure url="/files/scan.png" length="100" type="image/png"/>
  <enclosure url="/files/song.mp3" length="100" type="audio/mpeg"/>
</item>
<item>
  <description>no guid, no link</description>
</item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>forum</title><id>urn:forum</id><updated>2026-01-02T00:00:00Z</updated>
  <entry>
    <title>Thread one</title><id>urn:forum:1</id><updated>2026-01-02T00:00:00Z</updated>
    <link href="https://forum.example/t/1"/>
    <content type="html">&lt;p&gt;Fish &amp;amp; chips&lt;br&gt;second line&lt;/p&gt;</content>
    <link rel="enclosure" href="https://forum.example/skip.bin" type="application/zip"/>
  </entry>
  <entry>
    <title>Thread two</title><id>urn:forum:2</id><updated>2026-01-02T00:00:00Z</updated>
    <content type="text">Plain &lt;b&gt; stays   as typed  
next line</content>
  </entry>
</feed>`

const jsonFeed = `{"version": "https://jsonfeed.org/version/1.1", "title": "drops",
 "items": [
  {"id": "j1", "url": "https://drops.example/j1", "title": "HTML drop",
   "content_html": "<p>It&#8217;s <em>here</em></p>", "date_published": "2026-01-02T10:00:00Z",
   "attachments": [{"url": "/files/notes.txt", "mime_type": "text/plain"}]},
  {"id": "j2", "content_text": "a <p> that is text,  kept as is"}
 ]}`

// RSS, Atom and JSON Feed items are read as a browser shows them; the
// enclosures trace reads are fetched as items of their own.
func TestFeedReadsRSSAtomAndJSONFeed(t *testing.T) {
	fs := newFeedServer(t)
	pic := pngPicture(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), "")
	fs.serve("/atom", "application/atom+xml", []byte(atomFeed), "")
	fs.serve("/json", "application/feed+json", []byte(jsonFeed), "")
	fs.serve("/files/notes.txt", "text/plain", []byte("notes in a text file"), "")
	fs.serve("/files/scan.png", "image/png", pic, "")
	fs.serve("/files/song.mp3", "audio/mpeg", []byte("ID3"), "")

	src := NewFeed(fs.URL+"/rss", testLimits())
	if src.Name() != "feed:"+fs.URL+"/rss" {
		t.Errorf("Name() = %q", src.Name())
	}
	s, err := src.Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Errors) != 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	items := byID(s.Items)
	if len(items) != 5 {
		t.Fatalf("items %q, want 3 feed items and 2 enclosures", ids(s.Items))
	}
	p1 := items["paste-1"]
	if want := "Escaped paste\n\nThe minister\u2019s memo says \u201cno\u201d & more\u200b words."; string(p1.Data) != want {
		t.Errorf("escaped HTML item reads\n%q, want\n%q", p1.Data, want)
	}
	if p1.Name != "item.txt" || p1.Link != "https://paste.example/1" || p1.Title != "Escaped paste" ||
		!p1.Published.Equal(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)) || p1.Source != src.Name() {
		t.Errorf("item fields: %+v", p1)
	}
	p2link := fs.URL + "/2"
	p2 := items[p2link]
	// The description repeats the content's start: it is left out. The
	// preformatted text keeps its spaces, trailing ones too.
	if want := "With content\n\nA summary of the post, and the rest.\n\nline one  \n  line two"; string(p2.Data) != want {
		t.Errorf("item with content reads\n%q, want\n%q", p2.Data, want)
	}
	var anon Item
	for id, it := range items {
		if strings.HasPrefix(id, "sha256:") {
			anon = it
		}
	}
	if string(anon.Data) != "no guid, no link" || anon.Link != fs.URL+"/rss" {
		t.Errorf("item without guid or link: %+v", anon)
	}
	notes := items[p2link+" "+fs.URL+"/files/notes.txt"]
	if string(notes.Data) != "notes in a text file" || notes.Name != "notes.txt" || notes.Link != fs.URL+"/files/notes.txt" || notes.Title != "With content" {
		t.Errorf("text enclosure: %+v", notes)
	}
	scan := items[p2link+" "+fs.URL+"/files/scan.png"]
	if string(scan.Data) != string(pic) || scan.Name != "scan.png" {
		t.Errorf("picture enclosure: name %q, %d bytes", scan.Name, len(scan.Data))
	}
	if fs.hit("/files/song.mp3") != 0 {
		t.Error("an audio enclosure was fetched")
	}

	s, err = NewFeed(fs.URL+"/atom", testLimits()).Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	items = byID(s.Items)
	if got, want := string(items["urn:forum:1"].Data), "Thread one\n\nFish & chips\nsecond line"; got != want {
		t.Errorf("Atom HTML content reads %q, want %q", got, want)
	}
	if got, want := string(items["urn:forum:2"].Data), "Thread two\n\nPlain <b> stays   as typed  \nnext line"; got != want {
		t.Errorf("Atom text content reads %q, want %q", got, want)
	}
	if len(items) != 2 {
		t.Errorf("Atom items %q", ids(s.Items))
	}

	s, err = NewFeed(fs.URL+"/json", testLimits()).Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	items = byID(s.Items)
	if got, want := string(items["j1"].Data), "HTML drop\n\nIt\u2019s here"; got != want {
		t.Errorf("JSON content_html reads %q, want %q", got, want)
	}
	if got, want := string(items["j2"].Data), "a <p> that is text,  kept as is"; got != want {
		t.Errorf("JSON content_text reads %q, want %q", got, want)
	}
	if it := items["j1 "+fs.URL+"/files/notes.txt"]; string(it.Data) != "notes in a text file" {
		t.Errorf("JSON attachment: %+v", it)
	}
}

// The feed is fetched with If-None-Match; a 304 returns nothing, and a
// changed feed returns only its new or changed items. Enclosures are
// fetched once.
func TestFeedConditionalGet(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), `"v1"`)
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	fs.serve("/files/scan.png", "image/png", pngPicture(t), "")
	src := NewFeed(fs.URL+"/rss", testLimits())
	s, err := src.Scan(t.Context(), nil)
	if err != nil || len(s.Items) != 5 {
		t.Fatalf("first scan: %v, %d items", err, len(s.Items))
	}
	s, err = src.Scan(t.Context(), nil)
	if err != nil || len(s.Items) != 0 {
		t.Fatalf("scan of an unchanged feed (304): %v, items %q", err, ids(s.Items))
	}
	if fs.hit("/rss") != 2 {
		t.Fatalf("%d feed requests, want 2", fs.hit("/rss"))
	}
	changed := strings.Replace(rssFeed, "&amp;amp; more", "&amp;amp; much more", 1)
	changed = strings.Replace(changed, "</channel>", "<item><guid>new</guid><title>A new paste</title></item></channel>", 1)
	fs.serve("/rss", "application/rss+xml", []byte(changed), `"v2"`)
	s, err = src.Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(s.Items); !slices.Equal(got, []string{"new", "paste-1"}) {
		t.Fatalf("after a change found %q, want the new and the edited item", got)
	}
	if fs.hit("/files/notes.txt") != 1 || fs.hit("/files/scan.png") != 1 {
		t.Errorf("enclosures fetched %d and %d times, want once", fs.hit("/files/notes.txt"), fs.hit("/files/scan.png"))
	}
}

// An enclosure seen says was handled (in an earlier run) is not fetched.
func TestFeedSkipsSeenEnclosures(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), "")
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	fs.serve("/files/scan.png", "image/png", pngPicture(t), "")
	seen := func(id string) bool { return strings.HasSuffix(id, "/files/scan.png") }
	s, err := NewFeed(fs.URL+"/rss", testLimits()).Scan(t.Context(), seen)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 4 || fs.hit("/files/scan.png") != 0 || fs.hit("/files/notes.txt") != 1 {
		t.Fatalf("%d items, picture fetched %d times, notes %d", len(s.Items), fs.hit("/files/scan.png"), fs.hit("/files/notes.txt"))
	}
}

// An enclosure over the size limit is an item error, whether its length
// says so (it is not fetched) or its body does; the other items are
// returned, and the failed one is tried again at the next scan.
func TestFeedEnclosureOverTheLimitIsAnItemError(t *testing.T) {
	fs := newFeedServer(t)
	feed := strings.NewReplacer(`length="30"`, `length="10"`, `length="100" type="image/png"`, `length="999999" type="image/png"`).Replace(rssFeed)
	fs.serve("/rss", "application/rss+xml", []byte(feed), `"v1"`)
	fs.serve("/files/notes.txt", "text/plain", []byte(strings.Repeat("big ", 1000)), "")
	fs.serve("/files/scan.png", "image/png", pngPicture(t), "")
	lim := testLimits()
	lim.MaxItemBytes = 3000
	src := NewFeed(fs.URL+"/rss", lim)
	s, err := src.Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 3 {
		t.Errorf("items %q, want the 3 feed items", ids(s.Items))
	}
	if len(s.Errors) != 2 || !errors.Is(s.Errors[0], ErrTooLarge) || !errors.Is(s.Errors[1], ErrTooLarge) {
		t.Fatalf("errors %v, want two ErrTooLarge", s.Errors)
	}
	if fs.hit("/files/scan.png") != 0 {
		t.Error("an enclosure whose length is over the limit was fetched")
	}
	if !strings.Contains(s.Errors[0].Error(), "notes.txt") {
		t.Errorf("the error does not name the enclosure: %v", s.Errors[0])
	}
	// The validators were not kept: the feed is read whole again and the
	// failed enclosures tried again.
	fs.serve("/files/notes.txt", "text/plain", []byte("small now"), "")
	s, err = src.Scan(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 1 || string(s.Items[0].Data) != "small now" {
		t.Fatalf("second scan: items %q, errors %v", ids(s.Items), s.Errors)
	}
}

// A feed that answers 500, one that is not a feed, and one that hangs
// are errors of the source; the hanging one ends with the timeout.
func TestFeedFailures(t *testing.T) {
	release := make(chan struct{})
	var hung atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/page":
			fmt.Fprint(w, "<!doctype html><html><body><p>not a feed</p></body></html>")
		case "/hang":
			hung.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	lim := testLimits()
	if _, err := NewFeed(srv.URL+"/500", lim).Scan(t.Context(), nil); !errors.Is(err, ErrFeedStatus) || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	if _, err := NewFeed(srv.URL+"/page", lim).Scan(t.Context(), nil); !errors.Is(err, ErrNotFeed) {
		t.Errorf("an HTML page: %v", err)
	}
	if _, err := NewFeed("file:///etc/passwd", lim).Scan(t.Context(), nil); err == nil {
		t.Error("a file: URL was read")
	}
	lim.Timeout = 100 * time.Millisecond
	_, err := NewFeed(srv.URL+"/hang", lim).Scan(t.Context(), nil)
	if !errors.Is(err, context.DeadlineExceeded) || hung.Load() != 1 {
		t.Errorf("hanging feed: %v (requests %d)", err, hung.Load())
	}
}

func TestHTMLText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"<p>a</p><p>b</p>", "a\n\nb"},
		{"  <p>  spaced \n\t out  </p>  ", "spaced out"},
		{"a<br>b<br/>c</br>d", "a\nb\nc\nd"},
		{"x &lt;b&gt; &amp;amp; &#x2019; &nbsp;y", "x <b> &amp; \u2019 \u00a0y"},
		{"<b>bold</b><i>italic</i> <a href=x>link</a>", "bolditalic link"},
		{"<style>p{}</style><script>if (a<b) x()</script><noscript><p>hi</p></noscript>shown", "shown"},
		{"<template><p>never</p></template>after", "after"},
		{"<pre>\n  kept  \n   as is</pre>after", "  kept  \n   as is\n\nafter"},
		{"<textarea>a  b</textarea>", "a  b"},
		{"zero\u200bwidth\u2004space", "zero\u200bwidth\u2004space"},
		{"<ul><li>one<li>two</ul>", "one\n\ntwo"},
		{"nul\x00byte", "nulbyte"},
		{"<p>unclosed <b>tags", "unclosed tags"},
		{"</script>text", "text"},
	} {
		if got := htmlText(c.in); got != c.want {
			t.Errorf("htmlText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestItemTextLeavesOutASummaryOfTheContent(t *testing.T) {
	content := field{text: "<p>The whole post, with all its words.</p>", html: isHTML}
	for _, d := range []string{"The whole post, with all its words.", "The whole post, with [&#8230;]", "The whole po…", "<p>The whole</p> <p>post</p>"} {
		if got, want := itemText("T", field{text: d}, content), "T\n\nThe whole post, with all its words."; got != want {
			t.Errorf("description %q: text %q, want %q", d, got, want)
		}
	}
	if got, want := itemText("", field{text: "A different summary."}, content), "A different summary.\n\nThe whole post, with all its words."; got != want {
		t.Errorf("a summary of its own: %q, want %q", got, want)
	}
}

func TestLooksHTML(t *testing.T) {
	for s, want := range map[string]bool{
		"<p>x</p>":                  true,
		"a<br>b":                    true,
		"AT&amp;T":                  true,
		"&#8217;":                   true,
		"x < y and y > z":           false,
		"a <notatag> b":             false,
		"R&D; and &nosuchentity; x": false,
		"plain text":                false,
		"<!-- c -->":                false,
		"<P CLASS=x>":               true,
	} {
		if looksHTML(s) != want {
			t.Errorf("looksHTML(%q) = %v, want %v", s, !want, want)
		}
	}
}

// An enclosure of a feed on the internet is not fetched from this
// machine or the private network; a feed on the private network may
// point there.
func TestFeedEnclosuresStayOutOfThePrivateNetwork(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1/x", "http://[::1]/x", "http://10.1.2.3/x", "http://192.168.0.1/x",
		"http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/x", "http://0.0.0.0/x", "http://localhost/x"} {
		if err := public(t.Context(), u); !errors.Is(err, ErrInternalAddress) {
			t.Errorf("public(%s) = %v, want ErrInternalAddress", u, err)
		}
	}
	for _, u := range []string{"http://93.184.216.34/x", "https://[2606:2800:220:1::]/x"} {
		if err := public(t.Context(), u); err != nil {
			t.Errorf("public(%s) = %v", u, err)
		}
	}
	fs := newFeedServer(t)
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	f := NewFeed("https://feeds.example/rss", testLimits()).(*feedSource)
	enc := enclosure{id: "i " + fs.URL + "/files/notes.txt", url: fs.URL + "/files/notes.txt", name: "notes.txt"}
	if _, _, err := f.enclosure(t.Context(), Item{}, enc, false); !errors.Is(err, ErrInternalAddress) || fs.hit("/files/notes.txt") != 0 {
		t.Errorf("a public feed's enclosure on this machine: %v (fetched %d times)", err, fs.hit("/files/notes.txt"))
	}
	if it, ok, err := f.enclosure(t.Context(), Item{}, enc, true); err != nil || !ok || string(it.Data) != "notes" {
		t.Errorf("a private feed's enclosure: %v %v %q", err, ok, it.Data)
	}
}

// A scan that fails part way (its context ends) loses nothing: the next
// scan returns the items again.
func TestFeedFailedScanLosesNothing(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), `"v1"`)
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	fs.serve("/files/scan.png", "image/png", pngPicture(t), "")
	src := NewFeed(fs.URL+"/rss", testLimits())
	ctx, cancel := context.WithCancel(t.Context())
	// The scan is cancelled while it reaches the enclosures, after the
	// first items were read.
	first, err := src.Scan(ctx, func(string) bool { cancel(); return false })
	if !errors.Is(err, context.Canceled) || first == nil {
		t.Fatalf("cancelled scan: %v", err)
	}
	// What it read is returned: the items' own text at least.
	if len(first.Items) < 3 {
		t.Fatalf("the cancelled scan returned %q, want the items' text", ids(first.Items))
	}
	s, err := src.Scan(t.Context(), nil)
	if err != nil || len(first.Items)+len(s.Items) != 5 {
		t.Fatalf("the scan after a cut-off one: %v, items %q after %q, want all 5 in all", err, ids(s.Items), ids(first.Items))
	}
}

// An item gone from the feed is forgotten: if it comes back, it is
// returned again. Two items under one guid are both returned.
func TestFeedItemsComeAndGo(t *testing.T) {
	fs := newFeedServer(t)
	one := `<rss version="2.0"><channel><title>t</title><item><guid>g</guid><description>first</description></item>` +
		`<item><guid>g</guid><description>second</description></item>%s</channel></rss>`
	fs.serve("/rss", "application/rss+xml", []byte(fmt.Sprintf(one, `<item><guid>h</guid><description>other</description></item>`)), "")
	src := NewFeed(fs.URL+"/rss", testLimits())
	s, err := src.Scan(t.Context(), nil)
	if err != nil || len(s.Items) != 3 || s.Items[0].ID == s.Items[1].ID {
		t.Fatalf("first scan: %v, items %q, want 3 with distinct IDs", err, ids(s.Items))
	}
	fs.serve("/rss", "application/rss+xml", []byte(fmt.Sprintf(one, "")), "")
	if s, err := src.Scan(t.Context(), nil); err != nil || len(s.Items) != 0 {
		t.Fatalf("second scan: %v, items %q", err, ids(s.Items))
	}
	fs.serve("/rss", "application/rss+xml", []byte(fmt.Sprintf(one, `<item><guid>h</guid><description>other</description></item>`)), "")
	if s, err := src.Scan(t.Context(), nil); err != nil || !slices.Equal(ids(s.Items), []string{"h"}) {
		t.Fatalf("third scan: %v, items %q, want h again", err, ids(s.Items))
	}
}

// A feed that gives only Last-Modified is fetched with If-Modified-Since.
func TestFeedConditionalGetByDate(t *testing.T) {
	const stamp = "Mon, 02 Jan 2026 15:04:05 GMT"
	var asked []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.Header.Get("If-Modified-Since"))
		mu.Unlock()
		if r.Header.Get("If-Modified-Since") == stamp {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", stamp)
		w.Write([]byte(atomFeed))
	}))
	t.Cleanup(srv.Close)
	src := NewFeed(srv.URL, testLimits())
	for i, want := range []int{2, 0} {
		s, err := src.Scan(t.Context(), nil)
		if err != nil || len(s.Items) != want {
			t.Fatalf("scan %d: %v, %d items, want %d", i, err, len(s.Items), want)
		}
	}
	if !slices.Equal(asked, []string{"", stamp}) {
		t.Fatalf("If-Modified-Since sent: %q", asked)
	}
}

// A forgotten item or enclosure is returned again by the next scan, even
// when the feed did not change (conditional GET is not used then).
func TestFeedForget(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), `"v1"`)
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	fs.serve("/files/scan.png", "image/png", pngPicture(t), "")
	src := NewFeed(fs.URL+"/rss", testLimits())
	s, err := src.Scan(t.Context(), nil)
	if err != nil || len(s.Items) != 5 {
		t.Fatalf("first scan: %v, %q", err, ids(s.Items))
	}
	enc := ""
	for _, it := range s.Items {
		if strings.HasSuffix(it.ID, "/files/notes.txt") {
			enc = it.ID
		}
	}
	src.(Forgetter).Forget("paste-1")
	src.(Forgetter).Forget(enc)
	s, err = src.Scan(t.Context(), nil)
	if err != nil || !slices.Equal(ids(s.Items), []string{enc, "paste-1"}) {
		t.Fatalf("after Forget: %v, %q", err, ids(s.Items))
	}
}

// The address checked is the one connected to: a fetch for a feed on the
// internet that reaches this machine anyway (a name that resolved to a
// public address when checked, and to this machine when fetched) is
// refused when it connects. The special-purpose ranges are all refused.
func TestFeedRefusesInternalAddressAtConnect(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/files/notes.txt", "text/plain", []byte("notes"), "")
	f := NewFeed("https://feeds.example/rss", testLimits()).(*feedSource)
	if _, _, err := f.get(t.Context(), fs.URL+"/files/notes.txt", "", "", false, 1<<20); !errors.Is(err, ErrInternalAddress) || fs.hit("/files/notes.txt") != 0 {
		t.Errorf("a fetch for a public feed that connects to this machine: %v (fetched %d times)", err, fs.hit("/files/notes.txt"))
	}
	if data, _, err := f.get(t.Context(), fs.URL+"/files/notes.txt", "", "", true, 1<<20); err != nil || string(data) != "notes" {
		t.Errorf("a private feed's fetch: %v %q", err, data)
	}
	for _, u := range []string{"http://100.64.0.1/x", "http://[64:ff9b::a00:1]/x", "http://[2002:a00:1::]/x", "http://198.18.0.1/x",
		"http://240.0.0.1/x", "http://255.255.255.255/x", "http://[::ffff:10.0.0.1]/x"} {
		if err := public(t.Context(), u); !errors.Is(err, ErrInternalAddress) {
			t.Errorf("public(%s) = %v, want ErrInternalAddress", u, err)
		}
	}
}

// The feed document is held to MaxFeedBytes, less than an enclosure may
// be.
func TestFeedDocumentHasItsOwnCap(t *testing.T) {
	fs := newFeedServer(t)
	fs.serve("/rss", "application/rss+xml", []byte(rssFeed), "")
	old := MaxFeedBytes
	MaxFeedBytes = int64(len(rssFeed)) - 1
	t.Cleanup(func() { MaxFeedBytes = old })
	src := NewFeed(fs.URL+"/rss", Limits{MaxItemBytes: 1 << 20, Timeout: time.Minute})
	if _, err := src.Scan(t.Context(), nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a feed over MaxFeedBytes: %v, want ErrTooLarge", err)
	}
}
