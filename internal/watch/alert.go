package watch

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrDelivery is the error of an alert a receiver did not take.
var ErrDelivery = errors.New("alert not delivered")

// Webhook POSTs each alert as JSON to a URL. A 2xx answer delivers it;
// any other status (a redirect too: it is not followed), or a network
// error, is a failure the engine retries.
type Webhook struct {
	URL string
	// Header is sent with every request (say a shared secret:
	// "X-Leaktrace-Secret: ...").
	Header http.Header
	Client *http.Client
}

// Name implements Alerter.
func (w *Webhook) Name() string { return "webhook" }

// Send implements Alerter.
func (w *Webhook) Send(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, vs := range w.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "leaktrace-watch")
	c := http.Client{}
	if w.Client != nil {
		c = *w.Client
	}
	// A redirect is not followed: the alert is delivered to the URL
	// configured or not at all (a 3xx is a failure, retried).
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%w: webhook: %w", ErrDelivery, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%w: webhook answered %s", ErrDelivery, resp.Status)
	}
	return nil
}

// SMTP e-mails each alert: a plain-text summary followed by the alert's
// JSON. It upgrades the connection with STARTTLS when the server offers
// it, and authenticates (PLAIN, only over TLS or to localhost) when
// Password is set.
type SMTP struct {
	Addr     string // host:port
	From     string
	To       []string
	Username string // default From
	Password string
	// TLS configures STARTTLS (nil: verify the server by its host name).
	TLS *tls.Config
	// Insecure sends in clear to a server that does not offer STARTTLS;
	// without it such a server is refused unless it is on this machine
	// (loopback).
	Insecure bool
}

// ErrSMTPNoTLS is the error of an SMTP server that does not offer
// STARTTLS, is not on this machine, and Insecure is not set.
var ErrSMTPNoTLS = errors.New("the SMTP server does not offer STARTTLS; alerts are not sent in clear")

// isLocal says whether an SMTP host is on this machine (a variable for
// tests, whose servers all are).
var isLocal = loopback

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Name implements Alerter.
func (m *SMTP) Name() string { return "smtp" }

// Send implements Alerter.
func (m *SMTP) Send(ctx context.Context, a Alert) error {
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", m.Addr, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("%w: smtp: %w", ErrDelivery, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("%w: smtp: %w", ErrDelivery, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := m.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("%w: smtp STARTTLS: %w", ErrDelivery, err)
		}
	} else if !m.Insecure && !isLocal(host) {
		return fmt.Errorf("%w: smtp %s: %w", ErrDelivery, m.Addr, ErrSMTPNoTLS)
	}
	if m.Password != "" {
		user := m.Username
		if user == "" {
			user = m.From
		}
		if err := c.Auth(smtp.PlainAuth("", user, m.Password, host)); err != nil {
			return fmt.Errorf("%w: smtp authentication: %w", ErrDelivery, err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("%w: smtp MAIL FROM: %w", ErrDelivery, err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("%w: smtp RCPT TO %s: %w", ErrDelivery, to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("%w: smtp DATA: %w", ErrDelivery, err)
	}
	if _, err := w.Write(m.message(a)); err != nil {
		return fmt.Errorf("%w: smtp: %w", ErrDelivery, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%w: smtp: %w", ErrDelivery, err)
	}
	return c.Quit()
}

// message is the alert as an e-mail (CRLF line ends).
func (m *SMTP) message(a Alert) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", m.From)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(m.To, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", "leaktrace: "+Summary1(a)))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: %s\r\n", messageID(m.From))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	body := Describe(a) + "\n"
	js, _ := json.MarshalIndent(a, "", "  ")
	body += "\n" + string(js) + "\n"
	// No line of the body may be a lone "." (the SMTP data end); JSON and
	// the summary never are, but CRLF line ends are needed.
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}

// messageID is a new, unique Message-ID in the sender's domain.
func messageID(from string) string {
	domain := "leaktrace.invalid"
	if addr, err := mail.ParseAddress(from); err == nil {
		from = addr.Address
	}
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) && !strings.ContainsAny(from[i+1:], "<>\r\n \t") {
		domain = from[i+1:]
	}
	var r [16]byte
	rand.Read(r[:])
	return fmt.Sprintf("<%d.%s@%s>", time.Now().UnixNano(), hex.EncodeToString(r[:]), domain)
}

// Summary1 is an alert in one line (an e-mail's subject).
func Summary1(a Alert) string {
	var docs []string
	for _, d := range a.Documents {
		docs = append(docs, Printable(d.ID))
	}
	if a.Kind == KindAccusation {
		var who []string
		for _, d := range a.Documents {
			for _, s := range d.Accused {
				who = append(who, Printable(s.Recipient))
			}
		}
		return fmt.Sprintf("%s leaked, copy of %s", strings.Join(docs, ", "), strings.Join(who, ", "))
	}
	return fmt.Sprintf("%s leaked (reader not named)", strings.Join(docs, ", "))
}

// Describe is an alert in a few plain lines.
func Describe(a Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "leaktrace: %s\n\nFound %s in %s", Summary1(a), a.Found.Format(time.RFC3339), Printable(a.Source))
	if a.Link != "" {
		fmt.Fprintf(&b, " at %s", Printable(a.Link))
	} else if a.Item != "" {
		fmt.Fprintf(&b, " (%s)", Printable(a.Item))
	}
	if a.Title != "" {
		fmt.Fprintf(&b, ", titled %s", strconv.Quote(a.Title))
	}
	b.WriteString(".\n")
	for _, d := range a.Documents {
		fmt.Fprintf(&b, "Document %s: %d words matched", Printable(d.ID), d.WordsMatched)
		for _, s := range d.Accused {
			fmt.Fprintf(&b, "; reader %s accused (p-value %.3g)", Printable(s.Recipient), s.PValue)
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "The trace is custody-log entry %d ('leaktrace log show %d').", a.LogEntry, a.LogEntry)
	return b.String()
}

// Printable is s with what could forge or disguise a line of an alert's
// text escaped (as \n, \u2028, \u202e): control characters, the Unicode
// line and paragraph separators and the bidirectional controls. Item
// names, links and titles come from whoever published the leak.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) && !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unprintable(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unprintable(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unprintable(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u061c', r == '\u200e', r == '\u200f',
		'\u202a' <= r && r <= '\u202e', '\u2066' <= r && r <= '\u2069', r == '\ufeff', r == utf8.RuneError:
		return true
	}
	return false
}

// Log writes each alert as one JSON log line.
type Log struct{ Logger *slog.Logger }

// Name implements Alerter.
func (l *Log) Name() string { return "log" }

// Send implements Alerter.
func (l *Log) Send(_ context.Context, a Alert) error {
	l.Logger.Warn("leak alert", slog.String("kind", a.Kind), slog.String("source", Printable(a.Source)), slog.String("item", Printable(a.Item)),
		slog.String("link", Printable(a.Link)), slog.String("title", Printable(a.Title)), slog.String("sha256", a.SHA256), slog.Any("documents", a.Documents),
		slog.Int64("log_entry", a.LogEntry))
	return nil
}
