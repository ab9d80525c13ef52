package server

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"testing"
	"unicode/utf8"
)

// FuzzOIDCStateCookie: the state cookie comes from the browser. Opening
// any value never panics, and only what this server sealed opens (an
// altered or forged value opening would need an AES-GCM forgery); what
// it sealed opens to the same sign-in, under its own cookie name only.
func FuzzOIDCStateCookie(f *testing.F) {
	block, err := aes.NewCipher(make([]byte, 32))
	if err != nil {
		f.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		f.Fatal(err)
	}
	o := &oidcClient{aead: aead}
	// A value sealed as seal does, under a fixed nonce, so that every
	// fuzzing process knows the same one.
	nonce := make([]byte, aead.NonceSize())
	sealed := base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(`{"s":"s","n":"n","v":"v","e":1}`), []byte("st")))
	if p, ok := o.open(sealed, "st"); !ok || p != (oidcPending{State: "s", Nonce: "n", Verifier: "v", Expires: 1}) {
		f.Fatalf("the fixed sealed value opens to %+v (%t)", p, ok)
	}
	f.Add(sealed, "st", "state", "nonce", "verifier", int64(1))
	f.Add("", "st", "", "", "", int64(0))
	f.Add(sealed[:len(sealed)-1]+"A", "st", "x", "y", "z", int64(-1))
	f.Fuzz(func(t *testing.T, value, name, state, nonce, verifier string, expires int64) {
		if p, ok := o.open(value, name); ok && (value != sealed || name != "st" || p.State != "s") {
			t.Fatalf("a value this server did not seal for %q opened: %q → %+v", name, value, p)
		}
		// The server seals only its own random ASCII values; JSON would
		// turn invalid UTF-8 into U+FFFD, so the round trip is asked of
		// valid text only.
		if !utf8.ValidString(state) || !utf8.ValidString(nonce) || !utf8.ValidString(verifier) {
			return
		}
		p := oidcPending{State: state, Nonce: nonce, Verifier: verifier, Expires: expires}
		v := o.seal(p, name)
		if got, ok := o.open(v, name); !ok || got != p {
			t.Fatalf("sealed %+v, opened %+v (%t)", p, got, ok)
		}
		if _, ok := o.open(v, name+"x"); ok {
			t.Fatalf("a cookie sealed for %q opened under another name", name)
		}
	})
}
