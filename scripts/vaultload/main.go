// Command vaultload downloads copies from a running vault ('leaktrace
// serve') as fast as a number of concurrent clients can, and prints the
// throughput and latency percentiles. Run it through scripts/vault-load,
// which sets up a home, starts the server and checks the log afterwards.
//
// Each request is GET /api/v1/documents/DOC/copy with one reader's bearer
// token, readers and documents taken in turn. Any status but 200 is an
// error; the command exits 1 if there was one.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "the vault's base URL")
	tokens := flag.String("tokens", "", "file of 'READER TOKEN' lines")
	docs := flag.String("docs", "", "comma-separated document ids every reader may read")
	n := flag.Int("n", 2000, "downloads in all")
	c := flag.Int("c", 50, "concurrent clients")
	format := flag.String("format", "", "pdf for PDF copies")
	flag.Parse()
	toks, err := readTokens(*tokens)
	if err != nil || len(toks) == 0 || *docs == "" {
		fmt.Fprintf(os.Stderr, "vaultload: need -tokens FILE (READER TOKEN lines) and -docs A,B,... (%v)\n", err)
		os.Exit(2)
	}
	ids := strings.Split(*docs, ",")
	query := ""
	if *format != "" {
		query = "?format=" + *format
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *c}}
	var (
		next   atomic.Int64
		bytes  atomic.Int64
		mu     sync.Mutex
		lat    []time.Duration
		errs   = map[string]int{}
		wg     sync.WaitGroup
		starts = time.Now()
	)
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= *n {
					return
				}
				tok := toks[i%len(toks)]
				doc := ids[(i/len(toks))%len(ids)]
				req, _ := http.NewRequest("GET", *url+"/api/v1/documents/"+doc+"/copy"+query, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				t0 := time.Now()
				res, err := client.Do(req)
				var problem string
				if err != nil {
					problem = err.Error()
				} else {
					k, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					bytes.Add(k)
					if res.StatusCode != 200 {
						problem = res.Status
					}
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if problem != "" {
					errs[problem]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(starts)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	failed := 0
	for _, k := range errs {
		failed += k
	}
	fmt.Printf("%d downloads by %d concurrent clients (%d readers, %d documents) in %.2f s\n", len(lat), *c, len(toks), len(ids), elapsed.Seconds())
	fmt.Printf("throughput: %.0f downloads/s, %.1f MB/s\n", float64(len(lat))/elapsed.Seconds(), float64(bytes.Load())/1e6/elapsed.Seconds())
	fmt.Printf("latency: p50 %s  p90 %s  p99 %s  max %s\n", ms(pct(.5)), ms(pct(.9)), ms(pct(.99)), ms(lat[len(lat)-1]))
	fmt.Printf("errors: %d\n", failed)
	for p, k := range errs {
		fmt.Printf("  %d × %s\n", k, p)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// readTokens reads the tokens of a 'READER TOKEN' file.
func readTokens(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 {
			out = append(out, fields[1])
		}
	}
	return out, sc.Err()
}
