package watch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// ErrConfig is returned, wrapped with the file and line, for a config
// file that can't be read.
var ErrConfig = errors.New("invalid watch config")

// Setting is one setting of a config file: the name of the flag it
// stands for ("dir", "alert-webhook") and a value as the flag would take
// it.
type Setting struct {
	Name  string
	Value string
}

// ReadConfig reads a config file of watch settings, each named as its
// flag without the dashes. It is either a JSON object —
//
//	{"dir": ["/srv/drop"], "feed": "https://example.org/rss", "interval": "10m", "once": false}
//
// where a list gives a repeatable flag several values — or lines of
// name=value, where a repeated name gives several values, and blank lines
// and lines starting with # are skipped:
//
//	dir = /srv/drop
//	feed = https://example.org/rss
//
// Settings are returned in file order (JSON keys sorted).
func ReadConfig(path string) ([]Setting, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		return readJSONConfig(path, t)
	}
	var out []Setting
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%s:%d: %w: want name = value, got %q", path, n, ErrConfig, line)
		}
		out = append(out, Setting{Name: strings.TrimPrefix(name, "--"), Value: strings.TrimSpace(value)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrConfig, err)
	}
	return out, nil
}

func readJSONConfig(path string, b []byte) ([]Setting, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrConfig, err)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Setting
	for _, k := range names {
		var vs []any
		var v any
		if err := json.Unmarshal(m[k], &v); err != nil {
			return nil, fmt.Errorf("%s: %s: %w: %w", path, k, ErrConfig, err)
		}
		if l, ok := v.([]any); ok {
			vs = l
		} else {
			vs = []any{v}
		}
		for _, x := range vs {
			var s string
			switch x := x.(type) {
			case string:
				s = x
			case float64:
				s = strconv.FormatFloat(x, 'g', -1, 64)
			case bool:
				s = strconv.FormatBool(x)
			default:
				return nil, fmt.Errorf("%s: %s: %w: a value is a string, a number, true or false, or a list of them", path, k, ErrConfig)
			}
			out = append(out, Setting{Name: k, Value: s})
		}
	}
	return out, nil
}
