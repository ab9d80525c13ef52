package watch_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/leaktrace/leaktrace/internal/watch"
)

func TestReadConfig(t *testing.T) {
	want := []watch.Setting{{"alert-webhook", "https://hooks.example.org/x"}, {"dir", "/srv/a"}, {"dir", "/srv/b"},
		{"epsilon", "1e-09"}, {"once", "true"}}
	dir := t.TempDir()
	js := filepath.Join(dir, "watch.json")
	os.WriteFile(js, []byte(`{"dir": ["/srv/a", "/srv/b"], "epsilon": 1e-9, "once": true, "alert-webhook": "https://hooks.example.org/x"}`), 0o600)
	kv := filepath.Join(dir, "watch.conf")
	os.WriteFile(kv, []byte("# leak watch\nalert-webhook = https://hooks.example.org/x\n\ndir=/srv/a\n--dir = /srv/b\nepsilon = 1e-09\nonce = true\n"), 0o600)
	for _, p := range []string{js, kv} {
		got, err := watch.ReadConfig(p)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, %v; want %v", filepath.Base(p), got, err, want)
		}
	}
	for name, bad := range map[string]string{"noequals": "dir /srv/a\n", "json": `{"dir": [`, "object": `{"dir": {"a": 1}}`} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(bad), 0o600)
		if _, err := watch.ReadConfig(p); !errors.Is(err, watch.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
}
