package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client address that rate limits are keyed by, for the API's
// token limit and the web UI's sign-in limits alike.
//
// It is the peer's address, unless the peer is a trusted proxy
// ([Options].TrustedProxies): then it is the address the proxy says it
// forwarded for (Forwarded's for=, else X-Forwarded-For), read from the
// right, skipping the trusted proxies on the way. A header a client
// sends directly is never believed. An IPv6 address is keyed by its
// /64, what one subscriber typically holds.

// ParseTrustedProxies reads "CIDR[,CIDR...]" (a bare address is a /32
// or /128).
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR range (like 10.0.0.0/8 or fd00::/8)", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// clientKey is the rate-limit key of r's client (see above).
func (s *Server) clientKey(r *http.Request) string {
	peer, ok := parseHost(r.RemoteAddr, true)
	if !ok {
		return r.RemoteAddr
	}
	addr := peer
	if s.trusted(peer) {
		for _, a := range forwardedFor(r.Header) {
			fa, ok := parseHost(a, false)
			if !ok {
				break // unreadable: keep the last address known
			}
			addr = fa
			if !s.trusted(fa) {
				break
			}
		}
	}
	return addrKey(addr)
}

// trusted reports whether a is one of the trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opt.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor lists the addresses a proxy chain says it forwarded for,
// nearest (rightmost) first: Forwarded's for= when present, else
// X-Forwarded-For.
func forwardedFor(h http.Header) []string {
	var list []string
	if fw := h.Values("Forwarded"); len(fw) > 0 {
		for _, v := range fw {
			for _, elem := range strings.Split(v, ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if ok && strings.EqualFold(k, "for") {
						list = append(list, strings.Trim(val, `"`))
					}
				}
			}
		}
	} else {
		for _, v := range h.Values("X-Forwarded-For") {
			for _, a := range strings.Split(v, ",") {
				list = append(list, strings.TrimSpace(a))
			}
		}
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// parseHost reads an address, with or without a port (required when
// withPort), IPv6 with or without brackets.
func parseHost(s string, withPort bool) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if withPort {
		if h, _, err := net.SplitHostPort(s); err == nil {
			s = h
		}
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// addrKey is a's key: an IPv4 address as it is, an IPv6 one by its /64.
func addrKey(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a.WithZone(""), 64).Masked().String()
}
