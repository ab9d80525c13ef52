package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sessions of the web UI are kept on the server: the cookie holds only a
// random 32-byte id. A session ends when its reader signs out, after
// sessionIdle without a request, or sessionMax after sign-in, whichever
// comes first; the server forgets every session when it restarts.
const (
	sessionIdle = 30 * time.Minute
	sessionMax  = 12 * time.Hour
	// maxSessions bounds the sessions held; past it, signing in fails
	// until some expire (each needs a successful sign-in, so only
	// readers with a password can fill it).
	maxSessions = 100_000
	// signinTokenAge bounds how long a sign-in form may be sent.
	signinTokenAge = time.Hour
)

// Sign-in rate limits: per client address, a burst then one attempt
// every signinIPRate; per client address and reader id together, a
// smaller burst then one every signinPairRate; per reader id from any
// address, a much larger burst then one every signinIDRate (so that
// locking a reader out takes many addresses). Every attempt counts,
// right or wrong.
const (
	signinIPRate    = 2 * time.Second
	signinIPBurst   = 20
	signinPairRate  = 10 * time.Second
	signinPairBurst = 5
	signinIDRate    = 5 * time.Second
	signinIDBurst   = 100
)

// session is a signed-in browser.
type session struct {
	id     string
	reader string
	via    string // "password" or "oidc"
	// credential is the reader's PasswordVersion at a password
	// sign-in: the session ends when the password is set again.
	credential string
	csrf       string // the token every form of the session carries
	created    time.Time
	seen       time.Time
}

// sessions holds the live sessions by id.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{m: map[string]*session{}, now: now}
}

// randomToken returns 32 random bytes, base64url without padding.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create starts a new session for reader, signed in via with
// credential (see session), or returns nil when too many are open.
func (ss *sessions) create(reader, via, credential string) *session {
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		ss.pruneLocked(now)
		if len(ss.m) >= maxSessions {
			return nil
		}
	}
	s := &session{id: randomToken(), reader: reader, via: via, credential: credential, csrf: randomToken(), created: now, seen: now}
	ss.m[s.id] = s
	return s
}

// get returns the live session of id and marks it used, or nil.
func (ss *sessions) get(id string) *session {
	if id == "" {
		return nil
	}
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[id]
	if s == nil {
		return nil
	}
	if expired(s, now) {
		delete(ss.m, id)
		return nil
	}
	s.seen = now
	c := *s
	return &c
}

// drop ends the session of id.
func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	delete(ss.m, id)
	ss.mu.Unlock()
}

func expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) > sessionIdle || now.Sub(s.created) > sessionMax
}

func (ss *sessions) pruneLocked(now time.Time) {
	for id, s := range ss.m {
		if expired(s, now) {
			delete(ss.m, id)
		}
	}
}

// Cookie names: with Secure, the __Host- prefix binds the cookie to this
// host, path / and HTTPS.
func (s *Server) sessionCookieName() string {
	if s.opt.Secure {
		return "__Host-leaktrace"
	}
	return "leaktrace_session"
}

func (s *Server) signinCookieName() string {
	if s.opt.Secure {
		return "__Host-leaktrace-signin"
	}
	return "leaktrace_signin"
}

// sessionCookie returns the request's session id, or "".
func (s *Server) sessionCookie(r *http.Request) string {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil {
		return ""
	}
	return c.Value
}

// setCookie sets a cookie as every cookie of the UI is set: HttpOnly,
// SameSite Strict (Lax only for OIDC's state, which must come back from
// the provider's site), Secure when serving HTTPS, path /.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int, lax bool) {
	site := http.SameSiteStrictMode
	if lax {
		site = http.SameSiteLaxMode
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.opt.Secure, SameSite: site})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	s.setCookie(w, s.sessionCookieName(), "", -1, false)
}

// startSession signs reader in: a new session (never one the browser
// brought, so a planted id is worthless) and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, reader, via, credential string) bool {
	if old := s.sessionCookie(r); old != "" {
		s.web.sessions.drop(old)
	}
	sess := s.web.sessions.create(reader, via, credential)
	if sess == nil {
		return false
	}
	s.setCookie(w, s.sessionCookieName(), sess.id, 0, false)
	return true
}

// validCSRF reports whether a POST carries its session's CSRF token.
// The form must be read first (ParseMultipartForm for uploads).
func (s *Server) validCSRF(r *http.Request, sess *session) bool {
	if sess == nil {
		return false
	}
	return sameToken(r.PostFormValue("csrf"), sess.csrf)
}

// sameToken compares two tokens in constant time; empty never matches.
func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// signinLimits are token buckets by key (a client address, a reader id).
// Buckets not used for a while are dropped: a full bucket is the same as
// a new one.
type signinLimits struct {
	mu     sync.Mutex
	m      map[string]*signinBucket
	every  time.Duration
	burst  int
	now    func() time.Time
	pruned time.Time
}

type signinBucket struct {
	l    *rate.Limiter
	seen time.Time
}

func newSigninLimits(every time.Duration, burst int, now func() time.Time) *signinLimits {
	return &signinLimits{m: map[string]*signinBucket{}, every: every, burst: burst, now: now}
}

// allow takes one token from key's bucket, and reports whether there was
// one.
func (ls *signinLimits) allow(key string) bool {
	now := ls.now()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	// A bucket refills in every*burst; one idle for longer is full.
	full := ls.every * time.Duration(ls.burst)
	if now.Sub(ls.pruned) > full {
		for k, l := range ls.m {
			if now.Sub(l.seen) > full {
				delete(ls.m, k)
			}
		}
		ls.pruned = now
	}
	l := ls.m[key]
	if l == nil {
		l = &signinBucket{l: rate.NewLimiter(rate.Every(ls.every), ls.burst)}
		ls.m[key] = l
	}
	l.seen = now
	return l.l.AllowN(now, 1)
}
