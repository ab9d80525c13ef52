package watch

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// docExamples are the JSON code blocks of docs/watch-push.md, in order.
func docExamples(t testing.TB) [][]byte {
	t.Helper()
	doc, err := os.ReadFile("../../docs/watch-push.md")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(doc, -1) {
		out = append(out, m[1])
	}
	return out
}

// The examples of docs/watch-push.md are what the endpoint takes and
// answers.
func TestPushDocExamples(t *testing.T) {
	ex := docExamples(t)
	if len(ex) != 3 {
		t.Fatalf("%d JSON examples in docs/watch-push.md, want 3 (plain, AIL, answer)", len(ex))
	}
	items, err := decodePush(ex[0], DefaultLimits().MaxItemBytes)
	if err != nil || len(items) != 1 || items[0].ID != "post-1183" || items[0].Name != "dump.txt" || string(items[0].Data) != "the text of the item" {
		t.Errorf("the plain example: %v %+v", err, items)
	}
	items, err = decodePush(ex[1], DefaultLimits().MaxItemBytes)
	if err != nil || len(items) != 1 || string(items[0].Data) != "hello" || items[0].ID != "9cde0855-248b-4439-b964-0495b9b2b8bb/4242/17" {
		t.Errorf("the AIL example: %v %+v", err, items)
	}
	var rep pushReply
	if err := json.Unmarshal(ex[2], &rep); err != nil || rep.Status != "success" || len(rep.Results) != 2 || !rep.Results[1].Duplicate {
		t.Errorf("the answer example: %v %+v", err, rep)
	}
}

// checkItems checks what the push decoder returned.
func checkItems(t *testing.T, items []Item, max int64) {
	if len(items) == 0 {
		t.Fatal("no error and no item")
	}
	for _, it := range items {
		if len(bytes.TrimSpace(it.Data)) == 0 || int64(len(it.Data)) > max {
			t.Fatalf("item with %d bytes of data (limit %d)", len(it.Data), max)
		}
		if it.Name == "" || path.Ext(it.Name) == "" || strings.ContainsAny(it.Name, "/\\\x00") {
			t.Fatalf("unsafe or bare name %q", it.Name)
		}
		for _, s := range []string{it.ID, it.Link, it.Title, it.Name} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
	}
}

// The push decoder takes any body without panicking; what it accepts is
// a non-empty item within the limit, safely named.
func FuzzDecodePush(f *testing.F) {
	for _, ex := range docExamples(f)[:2] {
		f.Add(ex)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte("leak "), 400))
	zw.Close()
	for _, v := range []any{
		map[string]any{"data": base64.StdEncoding.EncodeToString(z.Bytes()), "meta": map[string]any{"link": "x", "date": map[string]any{"timestamp": 1.5e9}}},
		[]any{map[string]any{"content": "a"}, map[string]any{"data_base64": "PCFkb2N0eXBlIGh0bWw+", "name": "../a"}},
		map[string]any{"data": "eA", "default-encoding": "windows-1252", "meta": map[string]any{"chat": map[string]any{"id": "c"}, "id": 3}},
	} {
		b, _ := json.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte(`[{"content":"\u0000"}]`))
	f.Add([]byte(`{"data":"H4sI"}`))
	const max = 4096
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := decodePush(body, max)
		if err != nil {
			if !errors.Is(err, ErrPushJSON) && !errors.Is(err, ErrPushItem) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		checkItems(t, items, max)
	})
}

// Whatever content an AIL feeder pushes (gzip-compressed or not) comes
// out as it went in.
func FuzzPushAILRoundTrip(f *testing.F) {
	f.Add([]byte("hello"), true)
	f.Add([]byte("\x89PNG\r\n\x1a\n...."), false)
	f.Add([]byte("\x1f\x8b not gzip"), false)
	f.Fuzz(func(t *testing.T, data []byte, compress bool) {
		if len(bytes.TrimSpace(data)) == 0 || len(data) > 4096 {
			return
		}
		payload := data
		if compress || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			payload = z.Bytes()
		}
		sum := sha256.Sum256(data)
		body, _ := json.Marshal(map[string]any{"data": base64.StdEncoding.EncodeToString(payload), "data-sha256": hex.EncodeToString(sum[:]), "default_encoding": "UTF-8"})
		items, err := decodePush(body, 4096)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || !bytes.Equal(items[0].Data, data) {
			t.Fatalf("pushed %q, decoded %q", data, items[0].Data)
		}
		checkItems(t, items, 4096)
	})
}

// The feed reader takes any bytes without panicking; the items it makes
// of a feed have an ID, text that trace reads, and enclosures named
// under their item.
func FuzzFeed(f *testing.F) {
	for _, s := range []string{rssFeed, atomFeed, jsonFeed, `{"version":"https://jsonfeed.org/version/1","items":[{}]}`,
		`<rss><channel><item><enclosure url=":%zz"/></item></channel></rss>`, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"xhtml\"><div><p>x</p></div></content></entry></feed>"} {
		f.Add([]byte(s))
	}
	base, _ := url.Parse("https://feeds.example/rss")
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := parseFeed(data)
		if err != nil {
			if !errors.Is(err, ErrNotFeed) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		for _, e := range feedEntries(feed, base) {
			if e.item.ID == "" || e.item.Link == "" {
				t.Fatalf("item without ID or link: %+v", e.item)
			}
			if d := e.item.Data; d != nil && (!utf8.Valid(d) || bytes.IndexByte(d, 0) >= 0 || len(bytes.TrimSpace(d)) == 0) {
				t.Fatalf("item text trace can't read: %q", d)
			}
			for _, enc := range e.enclosures {
				if enc.id != e.item.ID+" "+enc.url || enc.name == "" {
					t.Fatalf("enclosure %+v of %q", enc, e.item.ID)
				}
				if u, err := url.Parse(enc.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
					t.Fatalf("enclosure URL %q", enc.url)
				}
			}
		}
	})
}

// HTML text extraction never panics, returns valid UTF-8 without NUL
// bytes, and leaves the words of text without markup as they are.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>The minister&rsquo;s <b>memo</b></p>", "<pre>\n a  \n b</pre>", "plain\u200b text\u2004x",
		"<script>x</script><template><p>y", "a<br>b</br>", "&#0;&#x110000;&amp", "<textarea>\r\n\rx</textarea>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlText(s)
		if !utf8.ValidString(out) || strings.IndexByte(out, 0) >= 0 {
			t.Fatalf("htmlText(%q) = %q", s, out)
		}
		if utf8.ValidString(s) && !strings.ContainsAny(s, "<&\x00\r") && words(out) != words(s) {
			t.Fatalf("htmlText(%q) = %q: the words changed", s, out)
		}
		it := itemText("", field{text: s}, field{})
		if !utf8.ValidString(it) || strings.IndexByte(it, 0) >= 0 {
			t.Fatalf("itemText of %q = %q", s, it)
		}
	})
}
