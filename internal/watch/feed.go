package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"golang.org/x/net/html"
	xatom "golang.org/x/net/html/atom"
)

// Errors of a feed.
var (
	// ErrFeedStatus is returned, with the status, for a feed or an
	// enclosure whose server did not answer 200 OK.
	ErrFeedStatus = errors.New("the server refused the request")
	// ErrInternalAddress is returned for an enclosure of a feed on the
	// internet that points at this machine or the private network (a
	// feed's author could otherwise make leaktrace fetch internal URLs).
	ErrInternalAddress = errors.New("the URL points at this machine or the private network")
	// ErrNotFeed is returned for a document that is not an RSS, Atom or
	// JSON feed.
	ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")
)

// MaxFeedBytes is the largest feed document read (or MaxItemBytes, if
// smaller): a feed is parsed whole, so it is held to less than an
// enclosure.
var MaxFeedBytes int64 = 16 << 20

// userAgent names leaktrace to the servers it fetches from.
const userAgent = "leaktrace-watch (+https://github.com/leaktrace/leaktrace)"

// NewFeed returns the source of an RSS, Atom or JSON Feed at feedURL.
//
// Each feed item is one item: the text of its title, description and
// content, HTML read as a browser shows it (tags dropped, character
// references decoded, preformatted text kept as it is), named
// "item.txt". Its ID is the item's guid, else its link, else a hash of
// its title and text. Each enclosure trace reads (text, HTML, PDF, DOCX,
// email, pictures, told by MIME type, extension or content) is fetched as
// an item of its own, with ID the item's ID, a space and the enclosure's
// URL; an enclosure whose ID seen reports, or that was fetched by this
// process, is not fetched again.
//
// The feed is fetched with conditional GET (ETag, Last-Modified) across
// scans in this process. A feed that can't be fetched within
// limits.Timeout, answers other than 200 or 304, is larger than
// limits.MaxItemBytes or is not a feed is an error for the whole source;
// an enclosure that fails is an item error. The enclosures of a feed on
// the internet are not fetched from this machine or the private network
// (ErrInternalAddress), even through a redirect.
func NewFeed(feedURL string, limits Limits) Source {
	return &feedSource{url: feedURL, limits: limits}
}

type feedSource struct {
	url    string
	limits Limits

	mu sync.Mutex // one scan at a time
	// The validators of the last feed fully handled.
	etag, lastModified string
	// sent maps the ID of each item returned by this process to the
	// SHA-256 of its data; fetched holds the enclosures returned.
	sent    map[string]string
	fetched map[string]bool
}

func (f *feedSource) Name() string { return "feed:" + f.url }

func (f *feedSource) client() *http.Client {
	if f.limits.Client != nil {
		return f.limits.Client
	}
	return http.DefaultClient
}

// Scan fetches the feed and returns its items new or changed since the
// last scan, and the enclosures not fetched before. Cut off by ctx while
// fetching enclosures, it returns the items' text and the enclosures
// fetched so far with ctx's error; the others are fetched next scan.
func (f *feedSource) Scan(ctx context.Context, seen func(id string) bool) (*Scan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	base, err := url.Parse(f.url)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, fmt.Errorf("feed %s: not an http or https URL", f.url)
	}
	// A feed on the internet is not followed (by a redirect, a name
	// that resolves anew) to this machine or the private network.
	private := f.private(ctx, base)
	feedMax := MaxFeedBytes
	if m := f.limits.MaxItemBytes; m > 0 && m < feedMax {
		feedMax = m
	}
	body, hdr, err := f.get(ctx, f.url, f.etag, f.lastModified, private, feedMax)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", f.url, err)
	}
	scan := &Scan{}
	if body == nil {
		return scan, nil // 304 Not Modified
	}
	parsed, err := parseFeed(body)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", f.url, err)
	}
	// What this feed document holds replaces what the last one held, once
	// the scan succeeds: an item gone from the feed is forgotten, and
	// comes back as new if it reappears (the engine dedupes it).
	sent, fetched := map[string]string{}, map[string]bool{}
	var cutoff error
	for _, e := range feedEntries(parsed, base) {
		if e.item.Data != nil {
			sum := sha256.Sum256(e.item.Data)
			h := hex.EncodeToString(sum[:])
			if _, dup := sent[e.item.ID]; dup {
				// Two items under one guid: each is told by its content.
				e.item.ID += " (" + h[:16] + ")"
			}
			sent[e.item.ID] = h
			if f.sent[e.item.ID] != h {
				e.item.Source = f.Name()
				scan.Items = append(scan.Items, e.item)
			}
		}
		for _, enc := range e.enclosures {
			if f.fetched[enc.id] {
				fetched[enc.id] = true
				continue
			}
			if seen != nil && seen(enc.id) {
				continue
			}
			if err := ctx.Err(); err != nil {
				// Cut off: the items' text is still returned, the
				// enclosures not fetched are fetched next scan.
				cutoff = fmt.Errorf("feed %s: %w", f.url, err)
				continue
			}
			it, ok, err := f.enclosure(ctx, e.item, enc, private)
			if err != nil {
				scan.Errors = append(scan.Errors, fmt.Errorf("feed %s: enclosure %s of %q: %w", f.url, enc.url, e.item.ID, err))
				continue
			}
			fetched[enc.id] = true
			if ok {
				scan.Items = append(scan.Items, it)
			}
		}
	}
	f.sent, f.fetched = sent, fetched
	if cutoff != nil {
		f.etag, f.lastModified = "", ""
		return scan, cutoff
	}
	// The validators are kept only when every enclosure was read: a
	// failed one is tried again with the whole feed at the next scan.
	if len(scan.Errors) == 0 {
		f.etag, f.lastModified = hdr.Get("ETag"), hdr.Get("Last-Modified")
	}
	return scan, nil
}

// Forget makes the next scan return the item or enclosure with the given
// id again: the feed is fetched whole (no conditional GET) next time.
func (f *feedSource) Forget(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, item := f.sent[id]
	if !item && !f.fetched[id] {
		return
	}
	delete(f.sent, id)
	delete(f.fetched, id)
	f.etag, f.lastModified = "", ""
}

// get fetches u within the timeout, at most max bytes of it (no limit if
// max <= 0). With a validator, a 304 answer returns a nil body. Unless private, a redirect
// to this machine or the private network is refused.
func (f *feedSource) get(ctx context.Context, u, etag, lastModified string, private bool, max int64) ([]byte, http.Header, error) {
	if f.limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.limits.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", userAgent)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	client := f.client()
	if !private {
		c := *guarded(client)
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			return public(req.Context(), req.URL.String())
		}
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && (etag != "" || lastModified != ""):
		return nil, resp.Header, nil
	case resp.StatusCode != http.StatusOK:
		return nil, nil, fmt.Errorf("%w: %s", ErrFeedStatus, resp.Status)
	}
	if max > 0 && resp.ContentLength > max {
		return nil, nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, resp.ContentLength, max)
	}
	data, err := readLimited(resp.Body, max)
	if err != nil {
		return nil, nil, err
	}
	if data == nil {
		data = []byte{}
	}
	return data, resp.Header, nil
}

// enclosure fetches one enclosure. ok is false for one trace does not
// read (told only once its content is in).
func (f *feedSource) enclosure(ctx context.Context, of Item, enc enclosure, private bool) (Item, bool, error) {
	if !private {
		if err := public(ctx, enc.url); err != nil {
			return Item{}, false, err
		}
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(enc.length), 10, 64); err == nil && f.limits.MaxItemBytes > 0 && n > f.limits.MaxItemBytes {
		return Item{}, false, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, n, f.limits.MaxItemBytes)
	}
	data, hdr, err := f.get(ctx, enc.url, "", "", private, f.limits.MaxItemBytes)
	if err != nil {
		return Item{}, false, err
	}
	name := enc.name
	if ext := extByContent(data); ext != "" && !strings.EqualFold(path.Ext(name), ext) {
		name = strings.TrimSuffix(name, path.Ext(name)) + ext
	} else if path.Ext(name) == "" {
		name += extByType(hdr.Get("Content-Type"))
	}
	if !traceable(name, data) {
		return Item{}, false, nil
	}
	return Item{
		Source:    f.Name(),
		ID:        enc.id,
		Link:      enc.url,
		Name:      name,
		Data:      data,
		Title:     of.Title,
		Published: of.Published,
	}, true, nil
}

// private reports whether the feed itself is on this machine or the
// private network: its enclosures may then point there too.
func (f *feedSource) private(ctx context.Context, base *url.URL) bool {
	return errors.Is(public(ctx, base.String()), ErrInternalAddress)
}

// public returns ErrInternalAddress if u's host is, or resolves to, an
// address of this machine or of a private network (loopback, RFC 1918
// and unique local, link-local, unspecified), and the lookup's error if
// it does not resolve.
func public(ctx context.Context, u string) error {
	pu, err := url.Parse(u)
	if err != nil {
		return err
	}
	host := pu.Hostname()
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return err
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip); ok && internal(a) {
			return fmt.Errorf("%w (%s is %s)", ErrInternalAddress, host, ip)
		}
	}
	return nil
}

// special are the address ranges that are not on the public internet:
// this host, private and shared networks, link-local, benchmarking,
// reserved, and the IPv6 translation and tunnel ranges that lead to
// IPv4 ones.
var special = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
		"::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
		"2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "ff00::/8"} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

// internal reports whether a is in a special-purpose range (an IPv4
// address mapped into IPv6 is taken as the IPv4 one).
func internal(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range special {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// guarded returns a client like c whose connections are refused, when
// they are made, to an internal address: the address checked is the one
// connected to, so a name that resolves to a public address when checked
// and to an internal one when fetched (DNS rebinding), or a redirect,
// gets nowhere. It does not use a proxy.
func guarded(c *http.Client) *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w (%s)", ErrInternalAddress, address)
			}
			if internal(ap.Addr()) {
				return fmt.Errorf("%w (%s)", ErrInternalAddress, ap.Addr())
			}
			return nil
		}}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = d.DialContext
	g := *c
	g.Transport = t
	return &g
}

// parseFeed reads an RSS, Atom or JSON feed. It never panics: a panic of
// the parser on a malformed feed is an error.
func parseFeed(data []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("%w: the feed parser failed: %v", ErrNotFeed, r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	feed, err = p.Parse(bytes.NewReader(data))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, ErrNotFeed
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotFeed, err)
	}
	return feed, nil
}

// entry is one feed item: its text item (Data nil when it has no text)
// and the enclosures to fetch.
type entry struct {
	item       Item
	enclosures []enclosure
}

type enclosure struct {
	id, url, length string
	// name is the file name the enclosure is traced under.
	name string
}

// field is one part of a feed item's text and whether it is HTML.
type field struct {
	text string
	html int // isHTML, isText, or 0: unknown, told by looksHTML
}

const (
	isHTML = 1
	isText = 2
)

// feedEntries lists the items of a parsed feed. base resolves relative
// links.
func feedEntries(feed *gofeed.Feed, base *url.URL) []entry {
	kinds := fieldKinds(feed)
	var out []entry
	for i, fi := range feed.Items {
		if fi == nil {
			continue
		}
		desc, content := field{text: fi.Description}, field{text: fi.Content}
		if i < len(kinds) {
			desc.html, content.html = kinds[i][0], kinds[i][1]
		}
		text := itemText(fi.Title, desc, content)
		link := resolve(base, fi.Link)
		id := strings.TrimSpace(fi.GUID)
		if id == "" {
			id = link
		}
		if id == "" {
			sum := sha256.Sum256([]byte(fi.Title + "\x00" + fi.Description + "\x00" + fi.Content))
			id = "sha256:" + hex.EncodeToString(sum[:])
		}
		e := entry{item: Item{ID: id, Link: link, Name: "item.txt", Title: strings.TrimSpace(fi.Title)}}
		if e.item.Link == "" {
			e.item.Link = base.String()
		}
		switch {
		case fi.PublishedParsed != nil:
			e.item.Published = fi.PublishedParsed.UTC()
		case fi.UpdatedParsed != nil:
			e.item.Published = fi.UpdatedParsed.UTC()
		}
		if strings.TrimSpace(text) != "" {
			e.item.Data = []byte(text)
		}
		dup := map[string]bool{}
		for _, enc := range fi.Enclosures {
			if enc == nil {
				continue
			}
			u := resolve(base, enc.URL)
			if u == "" || dup[u] {
				continue
			}
			name, ok := enclosureName(u, enc.Type)
			if !ok {
				continue
			}
			dup[u] = true
			e.enclosures = append(e.enclosures, enclosure{id: id + " " + u, url: u, length: enc.Length, name: name})
		}
		out = append(out, e)
	}
	return out
}

// fieldKinds says, for each item of the feed, whether its description
// and content are HTML or text, when the format says so: an Atom
// content's type, a JSON Feed's content_html or content_text. RSS says
// nothing (its description is HTML or text, by custom).
func fieldKinds(feed *gofeed.Feed) [][2]int {
	var out [][2]int
	switch o := feed.OriginalFeed().(type) {
	case *atom.Feed:
		if len(o.Entries) != len(feed.Items) {
			return nil
		}
		for _, e := range o.Entries {
			k := [2]int{}
			if e != nil && e.Content != nil {
				switch t := strings.ToLower(e.Content.Type); {
				case strings.Contains(t, "html"):
					k[1] = isHTML
				case t == "" || t == "text" || strings.HasPrefix(t, "text/"):
					k[1] = isText
				}
			}
			out = append(out, k)
		}
	case *jsonfeed.Feed:
		if len(o.Items) != len(feed.Items) {
			return nil
		}
		for _, it := range o.Items {
			k := [2]int{isText, 0}
			if it != nil {
				if it.ContentHTML != "" {
					k[1] = isHTML
				} else {
					k[1] = isText
				}
			}
			out = append(out, k)
		}
	}
	return out
}

// itemText is the text of a feed item: its title, then its description
// unless the content repeats it (a summary of the content), then its
// content, paragraphs apart.
func itemText(title string, desc, content field) string {
	d, c := fieldText(desc), fieldText(content)
	dw, cw := strings.Join(strings.Fields(d), " "), strings.Join(strings.Fields(c), " ")
	switch {
	case dw == "":
		d = ""
	case cw == "":
		c = ""
	case strings.Contains(cw, strings.TrimRightFunc(dw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })):
		// A summary, perhaps cut short ("…", "[…]", "Read more").
		d = ""
	case strings.Contains(dw, cw):
		c = ""
	}
	var parts []string
	for _, p := range []string{strings.TrimSpace(title), d, c} {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, strings.Trim(p, "\n"))
		}
	}
	return strings.Join(parts, "\n\n")
}

// fieldText is a field's text: HTML as a browser shows it, text as it is.
func fieldText(f field) string {
	s := strings.ToValidUTF8(f.text, "\uFFFD")
	if f.html == isHTML || f.html == 0 && looksHTML(s) {
		return htmlText(s)
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\x00", "")
}

// looksHTML reports whether s holds HTML markup: a tag of an HTML
// element, or a character reference.
func looksHTML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			j := i + 1
			if j < len(s) && s[j] == '/' {
				j++
			}
			k := j
			for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || k > j && s[k] >= '0' && s[k] <= '9') {
				k++
			}
			if k > j && k < len(s) && strings.IndexByte(" \t\r\n/>", s[k]) >= 0 && xatom.Lookup([]byte(strings.ToLower(s[j:k]))) != 0 {
				return true
			}
		case '&':
			j := i + 1
			if j < len(s) && s[j] == '#' {
				j++
			}
			k := j
			for k < len(s) && k-j < 32 && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
				k++
			}
			if k > j && k < len(s) && s[k] == ';' && html.UnescapeString(s[i:k+1]) != s[i:k+1] {
				return true
			}
		}
	}
	return false
}

// Elements whose content a browser does not show, whose white space it
// keeps, and that break a paragraph.
var (
	hiddenTags = map[xatom.Atom]bool{xatom.Script: true, xatom.Style: true, xatom.Template: true, xatom.Noscript: true,
		xatom.Noembed: true, xatom.Noframes: true, xatom.Iframe: true, xatom.Title: true}
	preTags   = map[xatom.Atom]bool{xatom.Pre: true, xatom.Listing: true, xatom.Xmp: true, xatom.Plaintext: true, xatom.Textarea: true}
	blockTags = map[xatom.Atom]bool{}
)

func init() {
	for _, n := range strings.Fields(`address article aside blockquote body caption center dd details dialog div dl dt
		fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre
		section summary table tbody td tfoot th thead tr ul listing xmp plaintext textarea`) {
		blockTags[xatom.Lookup([]byte(n))] = true
	}
}

// htmlText is the text of an HTML fragment as a browser shows it: tags
// dropped, character references decoded, runs of white space one space
// except in preformatted text, which is kept as it is (trailing spaces
// too), block elements paragraphs apart, <br> a line break. Only ASCII
// white space collapses: zero-width characters and Unicode spaces stay.
func htmlText(s string) string {
	var b textBuilder
	z := html.NewTokenizer(strings.NewReader(s))
	hidden := map[xatom.Atom]int{}
	nHidden, nPre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if nHidden > 0 {
				continue
			}
			if nPre > 0 {
				b.pre(string(z.Text()))
			} else {
				b.flow(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := xatom.Lookup(name)
			switch {
			case hiddenTags[a]:
				if tt == html.StartTagToken {
					hidden[a]++
					nHidden++
				}
				continue
			case a == xatom.Br:
				b.lineBreak()
			case blockTags[a]:
				b.paragraph()
			}
			if preTags[a] && tt == html.StartTagToken {
				nPre++
				b.dropLF = true
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := xatom.Lookup(name)
			switch {
			case hiddenTags[a]:
				if hidden[a] > 0 {
					hidden[a]--
					nHidden--
				}
				continue
			case a == xatom.Br:
				b.lineBreak() // browsers read </br> as <br>
			case blockTags[a]:
				b.paragraph()
			}
			if preTags[a] && nPre > 0 {
				nPre--
			}
		}
	}
}

// textBuilder assembles the text a browser shows.
type textBuilder struct {
	sb strings.Builder
	// space: white space is pending in flowing text (written before the
	// next word, dropped at a line's end).
	space bool
	// dropLF: the next text starts a pre element, whose first newline
	// is not shown.
	dropLF bool
	// atLine: nothing has been written on the current line.
	atLine bool
}

func (b *textBuilder) write(s string) {
	s = strings.ReplaceAll(s, "\x00", "")
	if s == "" {
		return
	}
	if b.space && !b.atLine && b.sb.Len() > 0 {
		b.sb.WriteByte(' ')
	}
	b.space = false
	b.sb.WriteString(s)
	b.atLine = strings.HasSuffix(s, "\n")
}

// flow adds flowing text: each run of ASCII white space is one space.
func (b *textBuilder) flow(s string) {
	b.dropLF = false
	for s != "" {
		i := strings.IndexAny(s, " \t\n\f\r")
		if i < 0 {
			b.write(s)
			return
		}
		b.write(s[:i])
		b.space = true
		s = strings.TrimLeft(s[i:], " \t\n\f\r")
	}
}

// pre adds preformatted text as it is.
func (b *textBuilder) pre(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if b.dropLF {
		s = strings.TrimPrefix(s, "\n")
		b.dropLF = false
	}
	b.write(s)
}

func (b *textBuilder) lineBreak() {
	b.space = false
	b.sb.WriteByte('\n')
	b.atLine = true
}

func (b *textBuilder) paragraph() {
	b.space = false
	if b.sb.Len() == 0 {
		return
	}
	s := b.sb.String()
	switch {
	case strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		b.sb.WriteByte('\n')
	default:
		b.sb.WriteString("\n\n")
	}
	b.atLine = true
}

func (b *textBuilder) String() string {
	return strings.ToValidUTF8(strings.Trim(b.sb.String(), "\n"), "\uFFFD")
}

// resolve makes ref absolute against base; "" for a reference that is
// not an http or https URL.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// Enclosure media types trace reads, and their usual extensions.
var typeExts = map[string]string{
	"text/plain":            ".txt",
	"text/markdown":         ".md",
	"text/x-markdown":       ".md",
	"text/html":             ".html",
	"application/xhtml+xml": ".html",
	"application/pdf":       ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"message/rfc822": ".eml",
	"image/png":      ".png",
	"image/jpeg":     ".jpg",
	"image/tiff":     ".tif",
}

// readExts are the extensions of files trace reads.
var readExts = map[string]bool{".txt": true, ".text": true, ".md": true, ".markdown": true, ".html": true, ".htm": true,
	".xhtml": true, ".pdf": true, ".docx": true, ".eml": true, ".png": true, ".jpg": true, ".jpeg": true, ".tif": true, ".tiff": true}

// extByType is the extension of a media type trace reads, or "".
func extByType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if ext, ok := typeExts[mt]; ok {
		return ext
	}
	if strings.HasPrefix(mt, "text/") {
		return ".txt"
	}
	return ""
}

// enclosureName is the file name an enclosure is traced under, and
// whether it is worth fetching: its media type or its extension is one
// trace reads, or it has neither (its content will tell).
func enclosureName(u, typ string) (string, bool) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", false
	}
	name := baseName(pu.Path)
	if name == "" {
		name = "enclosure"
	}
	ext := strings.ToLower(path.Ext(name))
	typExt := extByType(typ)
	mt, _, _ := mime.ParseMediaType(typ)
	switch {
	case readExts[ext]:
		return name, true
	case typExt != "":
		return name + typExt, true
	case (mt == "" || mt == "application/octet-stream") && (ext == "" || len(ext) > 6):
		return name, true
	}
	return "", false
}
