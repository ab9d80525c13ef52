package server

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestLoad200ConcurrentDownloads: 200 downloads at once, from a real
// server over loopback, by the five readers of the documents each may
// read, all succeed (200, their own copy), each is its own access entry
// in the custody log, and 'log verify' passes afterwards.
func TestLoad200ConcurrentDownloads(t *testing.T) {
	const n = 200
	v := newVault(t)
	type pair struct{ reader, doc string }
	var pairs []pair
	for _, r := range []string{"alice", "bob", "carol", "dave", "erin"} {
		for _, d := range readable[r] {
			pairs = append(pairs, pair{r, d})
		}
	}
	before := v.logSize()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}}
	defer client.CloseIdleConnections()
	type result struct {
		status int
		entry  int64
		sha    string
		err    error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := pairs[i%len(pairs)]
			req, _ := http.NewRequest("GET", v.url+"/api/v1/documents/"+p.doc+"/copy", nil)
			req.Header.Set("Authorization", "Bearer "+v.tokens[p.reader])
			<-start
			res, err := client.Do(req)
			if err != nil {
				results[i].err = err
				return
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			results[i] = result{status: res.StatusCode, sha: leaktrace.Hash(body), err: err}
			results[i].entry, _ = strconv.ParseInt(res.Header.Get("X-Leaktrace-Log-Entry"), 10, 64)
			if res.StatusCode != 200 {
				results[i].err = fmt.Errorf("%d: %s", res.StatusCode, body)
			}
		}()
	}
	close(start)
	wg.Wait()
	// Every copy, as 'leaktrace issue' makes it.
	want := map[pair]string{}
	for _, p := range pairs {
		want[p] = leaktrace.Hash(v.issued(p.doc, p.reader, service.IssueOptions{}))
	}
	entries := map[int64]bool{}
	failed := 0
	for i, r := range results {
		p := pairs[i%len(pairs)]
		if r.err != nil {
			failed++
			if failed <= 5 {
				t.Errorf("download %d (%s of %s): %v", i, p.reader, p.doc, r.err)
			}
			continue
		}
		if r.sha != want[p] {
			t.Errorf("download %d: %s got a copy of %s that is not theirs", i, p.reader, p.doc)
		}
		if entries[r.entry] {
			t.Errorf("download %d shares its access entry %d with another", i, r.entry)
		}
		entries[r.entry] = true
		e := v.entry(r.entry)
		if e["kind"] != "access" || e["recipient"] != p.reader || e["document"] != p.doc || e["copy_sha256"] != r.sha {
			t.Errorf("download %d (%s of %s): entry %d is %v", i, p.reader, p.doc, r.entry, e)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d concurrent downloads failed", failed, n)
	}
	if grew := v.logSize() - before; grew < n {
		t.Errorf("the log grew by %d entries for %d downloads", grew, n)
	}
	v.verify()
}
