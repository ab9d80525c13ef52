package watch

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/time/rate"

	"github.com/leaktrace/leaktrace/internal/format"
	"github.com/leaktrace/leaktrace/internal/service"
)

// Errors of the push endpoint's decoder. Each is wrapped with the item
// it concerns.
var (
	// ErrPushJSON is returned for a body that is not a JSON object or an
	// array of objects.
	ErrPushJSON = errors.New("the body is not a JSON item or an array of items")
	// ErrPushItem is returned for an item that is not valid (a missing
	// or malformed field, bad base64 or gzip, a SHA-256 that does not
	// match).
	ErrPushItem = errors.New("invalid item")
)

// Limits of the push endpoint, per token (one endpoint has one token).
const (
	// PushMaxItems is the most items one request may carry (413 beyond).
	PushMaxItems = 100
	// PushRate is how many items a second a token may push on average,
	// PushBurst how many at once; beyond, 429 with Retry-After.
	PushRate  = 20
	PushBurst = 200
	// PushSubmitWait bounds how long one request waits for its items to
	// be traced (a saturated engine): beyond, 503 with Retry-After.
	PushSubmitWait = 2 * time.Minute
)

// The push endpoint's answers.
type pushReply struct {
	Status  string        `json:"status"` // "success", as AIL answers, or "error"
	Reason  string        `json:"reason,omitempty"`
	Results []*pushResult `json:"results,omitempty"`
}

// pushResult is what a pusher learns of one item: whether it was a
// duplicate and the custody-log entry of its trace. Never the alerts:
// who was accused is for investigators, not for whoever holds the push
// token.
type pushResult struct {
	Duplicate bool   `json:"duplicate"`
	LogEntry  *int64 `json:"log_entry,omitempty"`
}

// NewPushHandler returns the push endpoint: scrapers POST items to it as
// JSON, in the format AIL framework feeders send (so that a feeder can
// push to leaktrace as to AIL) or in a plain form; see docs/watch-push.md.
// The body is one item or an array of them. Each item is handed to sub
// in turn, with name as its Source, and the answer, once all are
// handled, is 200 with their Results:
//
//	{"status": "success", "results": [{"duplicate": false, "log_entry": 12}]}
//
// The answer never carries the alerts (the accused readers): the push
// token is handed to scrapers, and who was accused is for
// investigators.
//
// Requests must carry the token: "Authorization: Bearer TOKEN", or the
// bare token as AIL's clients send it (compared in constant time; 401
// otherwise; an empty token refuses every request). A body that is not
// JSON (by Content-Type) is 415, one larger than the limit 413, one that
// is not JSON items 400, an invalid item 422 (and no item of the body is
// handled). Too many requests at once are 429, a Submit that ran out of
// time (the engine is saturated, or shutting down) 503, both with
// Retry-After; an item the trace refuses (no words, not a format it
// reads) is 422. GET of a path ending in /api/v1/ping answers
// {"status": "pong"}, as AIL does, for clients that check the server
// first.
//
// The body may be up to 4/3 of limits.MaxItemBytes plus 1 MiB (one item
// of the largest size, in base64) and carry at most PushMaxItems items;
// their contents, once decoded (gzip expanded), at most
// limits.MaxItemBytes all together (413 otherwise). A token may push
// PushRate items a second, PushBurst at once (429 beyond).
func NewPushHandler(name, token string, sub Submitter, limits Limits) http.Handler {
	if limits.MaxItemBytes <= 0 {
		limits.MaxItemBytes = DefaultLimits().MaxItemBytes
	}
	return &pushHandler{
		name:   name,
		token:  sha256.Sum256([]byte(token)),
		open:   token != "",
		sub:    sub,
		limits: limits,
		slots:  make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		rate:   rate.NewLimiter(PushRate, PushBurst),
		wait:   PushSubmitWait,
	}
}

type pushHandler struct {
	name   string
	token  [32]byte // its SHA-256: compared in constant time, whatever its length
	open   bool
	sub    Submitter
	limits Limits
	slots  chan struct{} // requests being handled
	rate   *rate.Limiter // items pushed with the token
	wait   time.Duration // bound on one request's Submits
}

func (h *pushHandler) maxBody() int64 {
	return h.limits.MaxItemBytes/3*4 + 4 + 1<<20
}

func (h *pushHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="leaktrace watch"`)
		reply(w, http.StatusUnauthorized, pushReply{Status: "error", Reason: "a valid token is required"})
		return
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		if strings.HasSuffix(r.URL.Path, "/api/v1/ping") {
			reply(w, http.StatusOK, map[string]string{"status": "pong"})
			return
		}
		fallthrough
	default:
		w.Header().Set("Allow", "POST")
		reply(w, http.StatusMethodNotAllowed, pushReply{Status: "error", Reason: "POST items here"})
		return
	}
	select {
	case h.slots <- struct{}{}:
		defer func() { <-h.slots }()
	default:
		w.Header().Set("Retry-After", "1")
		reply(w, http.StatusTooManyRequests, pushReply{Status: "error", Reason: "too many requests at once; try again later"})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		reply(w, http.StatusUnsupportedMediaType, pushReply{Status: "error", Reason: "send JSON (Content-Type: application/json)"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody()))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reply(w, http.StatusRequestEntityTooLarge, pushReply{Status: "error", Reason: fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit)})
			return
		}
		reply(w, http.StatusBadRequest, pushReply{Status: "error", Reason: "reading the body: " + err.Error()})
		return
	}
	raws, err := splitPush(body)
	if err == nil && len(raws) > PushMaxItems {
		reply(w, http.StatusRequestEntityTooLarge, pushReply{Status: "error", Reason: fmt.Sprintf("%d items in one request, at most %d", len(raws), PushMaxItems)})
		return
	}
	if err == nil {
		now := time.Now()
		res := h.rate.ReserveN(now, len(raws))
		if d := res.DelayFrom(now); !res.OK() || d > 0 {
			res.CancelAt(now)
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(max(d.Seconds(), 1)))))
			reply(w, http.StatusTooManyRequests, pushReply{Status: "error", Reason: "too many items pushed; try again later"})
			return
		}
	}
	var items []Item
	if err == nil {
		items, err = decodeItems(raws, h.limits.MaxItemBytes)
	}
	if err != nil {
		code := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, ErrPushJSON):
			code = http.StatusBadRequest
		case errors.Is(err, ErrTooLarge):
			code = http.StatusRequestEntityTooLarge
		}
		reply(w, code, pushReply{Status: "error", Reason: err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.wait)
	defer cancel()
	results := make([]*pushResult, 0, len(items))
	for i, it := range items {
		it.Source = h.name
		res, err := h.sub.Submit(ctx, it)
		if err != nil {
			code, reason := submitStatus(err)
			if code == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "5")
			}
			if len(items) > 1 {
				reason = fmt.Sprintf("item %d: %s", i, reason)
			}
			reply(w, code, pushReply{Status: "error", Reason: reason, Results: results})
			return
		}
		pr := &pushResult{}
		if res != nil {
			pr.Duplicate, pr.LogEntry = res.Duplicate, res.LogEntry
		}
		results = append(results, pr)
	}
	reply(w, http.StatusOK, pushReply{Status: "success", Results: results})
}

// submitStatus is the status of a failed Submit: 503 when it ran out of
// time or was cancelled (try again), 422 when the trace refused the
// item, 500 otherwise.
func submitStatus(err error) (int, string) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "the watch is busy; try again later"
	case errors.Is(err, service.ErrEmptyLeak), errors.Is(err, service.ErrBinaryLeak), errors.Is(err, service.ErrLeakTooLarge),
		errors.Is(err, format.ErrTooLarge), errors.Is(err, format.ErrMalformed), errors.Is(err, format.ErrBinary), errors.Is(err, ErrTooLarge):
		return http.StatusUnprocessableEntity, err.Error()
	}
	return http.StatusInternalServerError, err.Error()
}

// authorized reports whether r carries the token, as a bearer token or
// bare (AIL's clients send the key itself).
func (h *pushHandler) authorized(r *http.Request) bool {
	got := strings.TrimSpace(r.Header.Get("Authorization"))
	if scheme, rest, ok := strings.Cut(got, " "); ok && strings.EqualFold(scheme, "Bearer") {
		got = strings.TrimSpace(rest)
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1 && h.open && got != ""
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// decodePush decodes a pushed body: one item or an array of items, each
// in AIL's form or the plain form. It returns the items (without Source)
// or the first error, naming the item. No item is decoded partly, and
// all the items' contents together are at most max bytes.
func decodePush(body []byte, max int64) ([]Item, error) {
	raws, err := splitPush(body)
	if err != nil {
		return nil, err
	}
	return decodeItems(raws, max)
}

// splitPush splits a pushed body into its items, not decoded.
func splitPush(body []byte) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	var raws []json.RawMessage
	switch {
	case len(body) > 0 && body[0] == '[':
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPushJSON, err)
		}
		if len(raws) == 0 {
			return nil, fmt.Errorf("%w: the array is empty", ErrPushItem)
		}
	case len(body) > 0 && body[0] == '{':
		raws = []json.RawMessage{body}
	default:
		return nil, ErrPushJSON
	}
	return raws, nil
}

// decodeItems decodes the items of a body, refusing more than max bytes
// of content all together (max <= 0: no limit): each item is decoded
// with what the ones before it left, so an array of gzip bombs is
// refused at max bytes, not expanded item by item.
func decodeItems(raws []json.RawMessage, max int64) ([]Item, error) {
	items := make([]Item, 0, len(raws))
	left := max
	for i, raw := range raws {
		if max > 0 && left <= 0 {
			return nil, fmt.Errorf("%w: items %d and on are beyond the limit of %d bytes for all the items of a request", ErrTooLarge, i, max)
		}
		it, err := decodeItem(raw, left)
		if err != nil {
			if len(raws) > 1 {
				if errors.Is(err, ErrTooLarge) && i > 0 {
					return nil, fmt.Errorf("item %d: %w (the limit is for all the items of a request together)", i, err)
				}
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			return nil, err
		}
		left -= int64(len(it.Data))
		items = append(items, it)
	}
	return items, nil
}

// fields is one item's JSON object.
type fields map[string]json.RawMessage

// str returns the first of keys that is present as a string ("" if none
// is); a key present with another type is an error (null is absent).
func (f fields) str(keys ...string) (string, error) {
	for _, k := range keys {
		raw, ok := f[k]
		if !ok || string(raw) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%w: %q must be a string", ErrPushItem, k)
		}
		return s, nil
	}
	return "", nil
}

func (f fields) has(keys ...string) bool {
	for _, k := range keys {
		if raw, ok := f[k]; ok && string(raw) != "null" {
			return true
		}
	}
	return false
}

func decodeItem(raw json.RawMessage, max int64) (Item, error) {
	var f fields
	if err := json.Unmarshal(raw, &f); err != nil || f == nil {
		if err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return Item{}, fmt.Errorf("%w: %v", ErrPushJSON, err)
			}
		}
		return Item{}, fmt.Errorf("%w: an item must be a JSON object", ErrPushItem)
	}
	ail, plain := f.has("data"), f.has("content", "data_base64")
	switch {
	case ail && plain:
		return Item{}, fmt.Errorf("%w: both \"data\" (AIL) and \"content\" or \"data_base64\" (plain)", ErrPushItem)
	case ail:
		return decodeAIL(f, max)
	case plain:
		return decodePlain(f, max)
	}
	return Item{}, fmt.Errorf("%w: no content (\"data\", \"content\" or \"data_base64\")", ErrPushItem)
}

// decodePlain decodes the plain form:
// {"id", "link", "name", "title", "published", "content" | "data_base64"}.
func decodePlain(f fields, max int64) (Item, error) {
	var it Item
	var err error
	var content, b64, published string
	for _, p := range []struct {
		key string
		to  *string
	}{{"id", &it.ID}, {"link", &it.Link}, {"name", &it.Name}, {"title", &it.Title}, {"content", &content},
		{"data_base64", &b64}, {"published", &published}} {
		if *p.to, err = f.str(p.key); err != nil {
			return Item{}, err
		}
	}
	switch {
	case content != "" && b64 != "":
		return Item{}, fmt.Errorf("%w: both \"content\" and \"data_base64\"", ErrPushItem)
	case content != "":
		if max > 0 && int64(len(content)) > max {
			return Item{}, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(content), max)
		}
		it.Data = []byte(content)
	default:
		if it.Data, err = decodeBase64(b64, "data_base64", max); err != nil {
			return Item{}, err
		}
	}
	if published != "" {
		t, err := time.Parse(time.RFC3339, published)
		if err != nil {
			return Item{}, fmt.Errorf("%w: \"published\" is not an RFC 3339 time: %q", ErrPushItem, published)
		}
		it.Published = t.UTC()
	}
	return finish(it)
}

// decodeAIL decodes the form AIL framework feeders push to AIL's
// /api/v1/import/json/item: {"source", "source_uuid", "default_encoding",
// "meta", "data", "data-sha256"}, data the base64 of the gzip-compressed
// content (plain base64 is taken too), data-sha256 the SHA-256 of the
// content. The hyphenated spellings of the names ("source-uuid",
// "default-encoding") are taken as well as pyail's underscores.
func decodeAIL(f fields, max int64) (Item, error) {
	source, err := f.str("source")
	if err != nil {
		return Item{}, err
	}
	uuid, err := f.str("source_uuid", "source-uuid", "uuid")
	if err != nil {
		return Item{}, err
	}
	enc, err := f.str("default_encoding", "default-encoding")
	if err != nil {
		return Item{}, err
	}
	sum, err := f.str("data-sha256", "data_sha256")
	if err != nil {
		return Item{}, err
	}
	b64, err := f.str("data")
	if err != nil {
		return Item{}, err
	}
	var meta map[string]any
	if f.has("meta") {
		d := json.NewDecoder(bytes.NewReader(f["meta"]))
		d.UseNumber()
		if err := d.Decode(&meta); err != nil {
			return Item{}, fmt.Errorf("%w: \"meta\" must be an object", ErrPushItem)
		}
	}
	data, err := decodeBase64(b64, "data", max)
	if err != nil {
		return Item{}, err
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		if data, err = gunzip(data, max); err != nil {
			return Item{}, err
		}
	}
	if sum != "" {
		got := sha256.Sum256(data)
		if want, err := hex.DecodeString(strings.TrimSpace(sum)); err != nil || !bytes.Equal(want, got[:]) {
			return Item{}, fmt.Errorf("%w: \"data-sha256\" does not match the content (its SHA-256 is %x)", ErrPushItem, got)
		}
	}
	if data, err = toUTF8(data, enc, max); err != nil {
		return Item{}, err
	}
	it := Item{Data: data}
	it.Link = metaString(meta, "link", "url", "permalink")
	it.Title = metaString(meta, "title", "subject")
	it.Name = metaString(meta, "filename", "file_name", "file-name")
	if m, ok := meta["media"].(map[string]any); ok && it.Name == "" {
		it.Name, _ = m["name"].(string)
	}
	it.Published = metaTime(meta)
	if id := metaID(meta); id != "" {
		prefix := uuid
		if prefix == "" {
			prefix = source
		}
		if prefix == "" {
			prefix = "ail"
		}
		it.ID = prefix + "/" + id
	}
	return finish(it)
}

// finish checks a decoded item and names it: a name without extension
// takes the one the content tells (".html" for a page or an HTML
// fragment, ".txt" for other text).
func finish(it Item) (Item, error) {
	if len(bytes.TrimSpace(it.Data)) == 0 {
		return Item{}, fmt.Errorf("%w: the content is empty", ErrPushItem)
	}
	for _, s := range []*string{&it.ID, &it.Link, &it.Title} {
		*s = strings.ToValidUTF8(strings.TrimSpace(*s), "\uFFFD")
		if len(*s) > 4096 {
			*s = strings.ToValidUTF8((*s)[:4096], "")
		}
	}
	if strings.ContainsFunc(it.Link, unprintable) {
		return Item{}, fmt.Errorf("%w: \"link\" holds a control character: %s", ErrPushItem, Printable(it.Link))
	}
	it.Name = baseName(it.Name)
	if path.Ext(it.Name) == "" {
		ext := extByContent(it.Data)
		switch {
		case ext != "":
		case utf8.Valid(it.Data) && looksHTML(string(it.Data)):
			ext = ".html"
		default:
			ext = ".txt"
		}
		it.Name = strings.TrimSuffix(cmp.Or(it.Name, "item"), ".") + ext
	}
	return it, nil
}

// decodeBase64 decodes standard base64, padded or not, ignoring line
// breaks, refusing more than max bytes.
func decodeBase64(s, key string, max int64) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if max > 0 && int64(len(s))/4*3 > max+3 {
		return nil, fmt.Errorf("%w (about %d bytes, limit %d)", ErrTooLarge, int64(len(s))/4*3, max)
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not base64", ErrPushItem, key)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), max)
	}
	return data, nil
}

// gunzip decompresses data (one or more gzip members), refusing more
// than max bytes of output: a small bomb is refused, not expanded.
func gunzip(data []byte, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: \"data\" is not valid gzip: %v", ErrPushItem, err)
	}
	out, err := readLimited(zr, max)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: \"data\" is not valid gzip: %v", ErrPushItem, err)
	}
	return out, nil
}

// toUTF8 decodes text in the given encoding (an HTML/WHATWG label such as
// "ISO-8859-1" or "windows-1252") to UTF-8. Files trace reads by their
// content (PDF, pictures, DOCX) and UTF-8 are kept as they are.
func toUTF8(data []byte, label string, max int64) ([]byte, error) {
	label = strings.TrimSpace(label)
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8", "ascii", "us-ascii":
		return data, nil
	}
	if extByContent(data) != "" && !strings.HasSuffix(extByContent(data), "html") {
		return data, nil
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("%w: unknown \"default_encoding\" %q", ErrPushItem, label)
	}
	if name, _ := htmlindex.Name(e); name == "utf-8" {
		return data, nil
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("%w: the content is not %s: %v", ErrPushItem, label, err)
	}
	if max > 0 && int64(len(out)) > max {
		return nil, fmt.Errorf("%w (%d bytes once in UTF-8, limit %d)", ErrTooLarge, len(out), max)
	}
	return out, nil
}

// metaString is the first string (or number) value of meta whose key,
// lower-cased and without a namespace ("twitter:url" → "url"), is one of
// keys, in the order of keys, then of meta's keys.
func metaString(meta map[string]any, keys ...string) string {
	if len(meta) == 0 {
		return ""
	}
	names := make([]string, 0, len(meta))
	for k := range meta {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, want := range keys {
		for _, k := range names {
			local := strings.ToLower(k)
			if i := strings.LastIndexByte(local, ':'); i >= 0 {
				local = local[i+1:]
			}
			if local != want {
				continue
			}
			switch v := meta[k].(type) {
			case string:
				if strings.TrimSpace(v) != "" {
					return v
				}
			case json.Number:
				return v.String()
			}
		}
	}
	return ""
}

// metaID is the item's own id in AIL's meta: a chat message's chat and
// message ids, else an "id".
func metaID(meta map[string]any) string {
	id := metaString(meta, "id", "message_id", "guid")
	if id == "" {
		return ""
	}
	if chat, ok := meta["chat"].(map[string]any); ok {
		if c := metaString(chat, "id"); c != "" {
			return c + "/" + id
		}
	}
	return id
}

// metaTime is when AIL's meta says the item was published: a chat
// message's date, else a "published" or "date" field.
func metaTime(meta map[string]any) time.Time {
	if d, ok := meta["date"].(map[string]any); ok {
		if n, ok := d["timestamp"].(json.Number); ok {
			if f, err := n.Float64(); err == nil && f > 0 && f < math.MaxInt32*4 {
				return time.Unix(int64(f), 0).UTC()
			}
		}
	}
	s := metaString(meta, "published", "date", "datestamp", "timestamp")
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < math.MaxInt32*4 {
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}
