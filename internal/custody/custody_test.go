package custody

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	docHash  = "307a25751d1d60643520a694e6d420da8682f73cef35687906cf4dbb5bcd2361"
	copyHash = "e3468bbefae4e1e6f9d5810118e994eb674054e6c689040ac61c856d2f69a624"
)

// golden holds one entry of each kind and its canonical bytes: the format
// is a contract with auditors, so a change to it must show up here.
var golden = []struct {
	e    Entry
	want string
}{
	{Entry{V: 1, Kind: KindInit, Time: "2026-03-01T09:30:00Z", Actor: "ann", Origin: "example.org/log"},
		`{"v":1,"kind":"init","time":"2026-03-01T09:30:00Z","actor":"ann","origin":"example.org/log"}`},
	{Entry{V: 1, Kind: KindDocument, Time: "2026-03-01T09:30:00.5Z", Actor: "ann", Document: "memo", DocumentSHA256: docHash},
		`{"v":1,"kind":"document","time":"2026-03-01T09:30:00.5Z","actor":"ann","document":"memo","document_sha256":"` + docHash + `"}`},
	{Entry{V: 1, Kind: KindRecipient, Time: "2026-03-01T09:30:01Z", Actor: "Ann <ann@example.org>", Recipient: "r0042"},
		`{"v":1,"kind":"recipient","time":"2026-03-01T09:30:01Z","actor":"Ann <ann@example.org>","recipient":"r0042"}`},
	{Entry{V: 1, Kind: KindCopy, Time: "2026-03-01T09:30:02.123456789Z", Actor: "ann", Document: "memo", DocumentSHA256: docHash, Recipient: "r0042", CopySHA256: copyHash},
		`{"v":1,"kind":"copy","time":"2026-03-01T09:30:02.123456789Z","actor":"ann","document":"memo","document_sha256":"` + docHash + `","recipient":"r0042","copy_sha256":"` + copyHash + `"}`},
	{Entry{V: 1, Kind: KindTrace, Time: "2026-03-02T00:00:00Z", Actor: "inv", LeakSHA256: copyHash, Result: []byte(`{"epsilon": 1e-6, "matches": []}`)},
		`{"v":1,"kind":"trace","time":"2026-03-02T00:00:00Z","actor":"inv","leak_sha256":"` + copyHash + `","result":{"epsilon":1e-6,"matches":[]}}`},
	{Entry{V: 1, Kind: KindCopy, Time: "2026-03-03T00:00:00Z", Actor: "ann", Document: "memo", DocumentSHA256: docHash, Recipient: "r0042", CopySHA256: copyHash,
		Format: "pdf", Layout: 1, Footer: true},
		`{"v":1,"kind":"copy","time":"2026-03-03T00:00:00Z","actor":"ann","document":"memo","document_sha256":"` + docHash + `","recipient":"r0042","copy_sha256":"` + copyHash + `","format":"pdf","layout":1,"footer":true}`},
	{Entry{V: 1, Kind: KindDocument, Time: "2026-03-04T00:00:00Z", Actor: "ann", Document: "mail", DocumentSHA256: docHash, Reencode: true},
		`{"v":1,"kind":"document","time":"2026-03-04T00:00:00Z","actor":"ann","document":"mail","document_sha256":"` + docHash + `","reencode":true}`},
	// The vault's kinds (index 7 on).
	{Entry{V: 1, Kind: KindAccess, Time: "2026-03-05T00:00:00Z", Actor: "r0042", Document: "memo", DocumentSHA256: docHash, Recipient: "r0042", CopySHA256: copyHash, Action: "download"},
		`{"v":1,"kind":"access","time":"2026-03-05T00:00:00Z","actor":"r0042","document":"memo","document_sha256":"` + docHash + `","recipient":"r0042","copy_sha256":"` + copyHash + `","action":"download"}`},
	{Entry{V: 1, Kind: KindAccess, Time: "2026-03-05T00:00:00Z", Actor: "r0042", Document: "memo", DocumentSHA256: docHash, Recipient: "r0042", CopySHA256: copyHash,
		Format: "pdf", Layout: 1, Action: "view"},
		`{"v":1,"kind":"access","time":"2026-03-05T00:00:00Z","actor":"r0042","document":"memo","document_sha256":"` + docHash + `","recipient":"r0042","copy_sha256":"` + copyHash + `","format":"pdf","layout":1,"action":"view"}`},
	{Entry{V: 1, Kind: KindDenied, Time: "2026-03-05T00:00:01Z", Actor: "r0042", Document: "memo", Recipient: "r0042", Action: "download", Reason: "noforn"},
		`{"v":1,"kind":"denied","time":"2026-03-05T00:00:01Z","actor":"r0042","document":"memo","recipient":"r0042","action":"download","reason":"noforn"}`},
	{Entry{V: 1, Kind: KindDenied, Time: "2026-03-05T00:00:01Z", Actor: "r0042", Recipient: "r0042", Action: "trace", Reason: "role"},
		`{"v":1,"kind":"denied","time":"2026-03-05T00:00:01Z","actor":"r0042","recipient":"r0042","action":"trace","reason":"role"}`},
	{Entry{V: 1, Kind: KindGrant, Time: "2026-03-05T00:00:02Z", Actor: "ann", Document: "memo", Recipient: "r0042"},
		`{"v":1,"kind":"grant","time":"2026-03-05T00:00:02Z","actor":"ann","document":"memo","recipient":"r0042"}`},
	{Entry{V: 1, Kind: KindRevoke, Time: "2026-03-05T00:00:03Z", Actor: "ann", Document: "memo", Recipient: "r0042"},
		`{"v":1,"kind":"revoke","time":"2026-03-05T00:00:03Z","actor":"ann","document":"memo","recipient":"r0042"}`},
	{Entry{V: 1, Kind: KindMarking, Time: "2026-03-05T00:00:04Z", Actor: "ann", Document: "memo", Marking: "TOP SECRET//SI/TK//NOFORN"},
		`{"v":1,"kind":"marking","time":"2026-03-05T00:00:04Z","actor":"ann","document":"memo","marking":"TOP SECRET//SI/TK//NOFORN"}`},
	{Entry{V: 1, Kind: KindClearance, Time: "2026-03-05T00:00:05Z", Actor: "ann", Recipient: "r0042", Clearance: "TS", Compartments: []string{"SI", "TK"},
		Citizenship: "USA", Roles: []string{"investigator", "issuer"}, Disabled: true},
		`{"v":1,"kind":"clearance","time":"2026-03-05T00:00:05Z","actor":"ann","recipient":"r0042","clearance":"TS","compartments":["SI","TK"],"citizenship":"USA","roles":["investigator","issuer"],"disabled":true}`},
	{Entry{V: 1, Kind: KindClearance, Time: "2026-03-05T00:00:05Z", Actor: "ann", Recipient: "r0042", Clearance: "U"},
		`{"v":1,"kind":"clearance","time":"2026-03-05T00:00:05Z","actor":"ann","recipient":"r0042","clearance":"U"}`},
	{Entry{V: 1, Kind: KindCredential, Time: "2026-03-05T00:00:06Z", Actor: "ann", Recipient: "r0042", Action: "token-create", Token: "0123456789abcdef"},
		`{"v":1,"kind":"credential","time":"2026-03-05T00:00:06Z","actor":"ann","recipient":"r0042","action":"token-create","token":"0123456789abcdef"}`},
	{Entry{V: 1, Kind: KindCredential, Time: "2026-03-05T00:00:07Z", Actor: "ann", Recipient: "r0042", Action: "password"},
		`{"v":1,"kind":"credential","time":"2026-03-05T00:00:07Z","actor":"ann","recipient":"r0042","action":"password"}`},
	{Entry{V: 1, Kind: KindRecipient, Time: "2026-03-05T00:00:08Z", Actor: "ann", Recipient: "r0043", Clearance: "S", Citizenship: "GBR"},
		`{"v":1,"kind":"recipient","time":"2026-03-05T00:00:08Z","actor":"ann","recipient":"r0043","clearance":"S","citizenship":"GBR"}`},
	{Entry{V: 1, Kind: KindDocument, Time: "2026-03-05T00:00:09Z", Actor: "ann", Document: "plan", DocumentSHA256: docHash, Marking: "SECRET//REL TO USA, GBR"},
		`{"v":1,"kind":"document","time":"2026-03-05T00:00:09Z","actor":"ann","document":"plan","document_sha256":"` + docHash + `","marking":"SECRET//REL TO USA, GBR"}`},
	// A PDF copy of a marked document: the banner on its pages.
	{Entry{V: 1, Kind: KindCopy, Time: "2026-03-05T00:00:00Z", Actor: "ann", Document: "memo", DocumentSHA256: docHash, Recipient: "r0042", CopySHA256: copyHash,
		Format: "pdf", Layout: 1, Marking: "TOP SECRET//SI//NOFORN"},
		`{"v":1,"kind":"copy","time":"2026-03-05T00:00:00Z","actor":"ann","document":"memo","document_sha256":"` + docHash + `","recipient":"r0042","copy_sha256":"` + copyHash + `","format":"pdf","layout":1,"marking":"TOP SECRET//SI//NOFORN"}`},
}

// TestVaultEntriesRejected: the vault's kinds have their fields and no
// others, with values from their fixed sets.
func TestVaultEntriesRejected(t *testing.T) {
	access, denied, clearance, token, password := golden[7].want, golden[9].want, golden[14].want, golden[16].want, golden[17].want
	for name, b := range map[string]string{
		"access without action":        strings.Replace(access, `,"action":"download"`, ``, 1),
		"access with unknown action":   strings.Replace(access, `"download"`, `"print"`, 1),
		"access without copy hash":     strings.Replace(access, `,"copy_sha256":"`+copyHash+`"`, ``, 1),
		"access with a reason":         strings.Replace(access, `"download"`, `"download","reason":"grant"`, 1),
		"denied without reason":        strings.Replace(denied, `,"reason":"noforn"`, ``, 1),
		"denied with unknown reason":   strings.Replace(denied, `"noforn"`, `"mood"`, 1),
		"denied with unknown action":   strings.Replace(denied, `"download"`, `"dance"`, 1),
		"denied with a copy hash":      strings.Replace(denied, `"action"`, `"copy_sha256":"`+copyHash+`","action"`, 1),
		"denied without caller":        strings.Replace(denied, `"recipient":"r0042",`, ``, 1),
		"grant without reader":         `{"v":1,"kind":"grant","time":"2026-03-05T00:00:02Z","actor":"ann","document":"memo"}`,
		"grant with action":            strings.Replace(golden[11].want, `}`, `,"action":"view"}`, 1),
		"marking without marking":      `{"v":1,"kind":"marking","time":"2026-03-05T00:00:04Z","actor":"ann","document":"memo"}`,
		"marking on a copy":            strings.Replace(golden[3].want, `}`, `,"marking":"SECRET"}`, 1),
		"clearance without level":      strings.Replace(golden[15].want, `,"clearance":"U"`, ``, 1),
		"clearance unknown level":      strings.Replace(clearance, `"TS"`, `"TOP SECRET"`, 1),
		"compartments unsorted":        strings.Replace(clearance, `["SI","TK"]`, `["TK","SI"]`, 1),
		"compartments duplicated":      strings.Replace(clearance, `["SI","TK"]`, `["SI","SI"]`, 1),
		"compartment empty":            strings.Replace(clearance, `["SI","TK"]`, `["","SI"]`, 1),
		"compartment with comma":       strings.Replace(clearance, `["SI","TK"]`, `["SI,TK"]`, 1),
		"compartments empty list":      strings.Replace(clearance, `["SI","TK"]`, `[]`, 1),
		"unknown role":                 strings.Replace(clearance, `"issuer"`, `"king"`, 1),
		"citizenship lower case":       strings.Replace(clearance, `"USA"`, `"usa"`, 1),
		"disabled false":               strings.Replace(golden[15].want, `}`, `,"disabled":false}`, 1),
		"disabled on a recipient":      strings.Replace(golden[18].want, `}`, `,"disabled":true}`, 1),
		"credential without token":     strings.Replace(token, `,"token":"0123456789abcdef"`, ``, 1),
		"credential with bad token id": strings.Replace(token, `0123456789abcdef`, `0123456789ABCDEF`, 1),
		"password with a token":        strings.Replace(password, `}`, `,"token":"0123456789abcdef"`+`}`, 1),
		"credential unknown action":    strings.Replace(password, `"password"`, `"login"`, 1),
		"token on a grant":             strings.Replace(golden[11].want, `}`, `,"token":"0123456789abcdef"}`, 1),
	} {
		if _, err := Decode([]byte(b)); !errors.Is(err, ErrEntry) {
			t.Errorf("%s: Decode(%q) = %v, want ErrEntry", name, b, err)
		}
	}
}

func TestEntryGolden(t *testing.T) {
	for _, g := range golden {
		b, err := Encode(&g.e)
		if err != nil {
			t.Fatalf("Encode(%s): %v", g.e.Kind, err)
		}
		if string(b) != g.want {
			t.Errorf("Encode(%s) =\n%s\nwant\n%s", g.e.Kind, b, g.want)
		}
		e, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(%s): %v", b, err)
		}
		if again, _ := Encode(e); string(again) != g.want {
			t.Errorf("round trip of %s changed it: %s", g.e.Kind, again)
		}
	}
}

// TestDecodeRejects: every entry has one encoding, and only well-formed
// entries of a known kind decode.
func TestDecodeRejects(t *testing.T) {
	copyEntry := golden[3].want
	for name, b := range map[string]string{
		"whitespace":     strings.Replace(copyEntry, `"kind":`, `"kind": `, 1),
		"field order":    `{"kind":"init","v":1,"time":"2026-03-01T09:30:00Z","actor":"ann","origin":"example.org/log"}`,
		"unknown field":  strings.Replace(golden[0].want, `}`, `,"x":1}`, 1),
		"upper-case key": strings.Replace(golden[0].want, `"actor"`, `"Actor"`, 1),
		"duplicate key":  strings.Replace(golden[0].want, `}`, `,"actor":"bob"}`, 1),
		"trailing data":  golden[0].want + "\n",
		"version 2":      strings.Replace(golden[0].want, `"v":1`, `"v":2`, 1),
		"unknown kind":   strings.Replace(golden[2].want, `"recipient","time"`, `"reader","time"`, 1),
		"local time":     strings.Replace(golden[0].want, `09:30:00Z`, `10:30:00+01:00`, 1),
		"padded time":    strings.Replace(golden[0].want, `09:30:00Z`, `09:30:00.000Z`, 1),
		"no actor":       strings.Replace(golden[0].want, `"actor":"ann"`, `"actor":""`, 1),
		"upper-case hex": strings.Replace(copyEntry, copyHash, strings.ToUpper(copyHash), 1),
		"short hash":     strings.Replace(copyEntry, copyHash, copyHash[:10], 1),
		"copy lacks reader": `{"v":1,"kind":"copy","time":"2026-03-01T09:30:02Z","actor":"ann","document":"memo","document_sha256":"` +
			docHash + `","copy_sha256":"` + copyHash + `"}`,
		"recipient with copy hash": strings.Replace(golden[2].want, `}`, `,"copy_sha256":"`+copyHash+`"}`, 1),
		"escaped html":             strings.Replace(golden[2].want, "<", `\u003c`, 1),
		"bad origin":               strings.Replace(golden[0].want, "example.org/log", "a+b", 1),
		"not utf-8":                strings.Replace(golden[0].want, "ann", "\xff", 1),
		"null result":              strings.Replace(golden[2].want, `}`, `,"result":null}`, 1),
		"pdf without layout":       strings.Replace(golden[5].want, `"layout":1,`, ``, 1),
		"unknown copy format":      strings.Replace(golden[5].want, `"pdf"`, `"docx"`, 1),
		"layout without format":    strings.Replace(copyEntry, `}`, `,"layout":1}`, 1),
		"footer without format":    strings.Replace(copyEntry, `}`, `,"footer":true}`, 1),
		"format on a trace":        strings.Replace(golden[4].want, `"leak_sha256"`, `"format":"pdf","layout":1,"leak_sha256"`, 1),
		"reencode on a copy":       strings.Replace(copyEntry, `"recipient"`, `"reencode":true,"recipient"`, 1),
		"reencode false":           strings.Replace(golden[1].want, `}`, `,"reencode":false}`, 1),
		"banner on a text copy":    strings.Replace(copyEntry, `}`, `,"marking":"SECRET"}`, 1),
		"empty":                    ``,
		"array":                    `[]`,
	} {
		if _, err := Decode([]byte(b)); !errors.Is(err, ErrEntry) {
			t.Errorf("%s: Decode(%q) = %v, want ErrEntry", name, b, err)
		}
	}
}

func TestEncodeChecksFields(t *testing.T) {
	e := golden[4].e
	e.Result = []byte(`{"open":`)
	if _, err := Encode(&e); !errors.Is(err, ErrEntry) {
		t.Fatalf("trace with a broken result: %v", err)
	}
	e.Result = []byte(`"` + strings.Repeat("x", MaxEntrySize) + `"`)
	if _, err := Encode(&e); !errors.Is(err, ErrEntry) {
		t.Fatalf("oversized entry: %v", err)
	}
	e = golden[1].e
	e.Time = FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600)))
	if e.Time != "2026-01-02T02:04:05Z" {
		t.Fatalf("FormatTime = %s", e.Time)
	}
	if _, err := Encode(&e); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	skey, vkey, err := GenerateKey("example.org/log")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey + "\n")
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	root := tlog.RecordHash([]byte("x"))
	msg, err := s.SignCheckpoint(7, root)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), "example.org/log\n7\n"+root.String()+"\n\n— example.org/log ") {
		t.Fatalf("signed checkpoint:\n%s", msg)
	}
	c, err := OpenCheckpoint(msg, v)
	if err != nil || c.Size != 7 || c.Root != root || c.Origin != "example.org/log" {
		t.Fatalf("OpenCheckpoint = %+v, %v", c, err)
	}

	// Another key, even with the same name, does not verify it.
	_, other, _ := GenerateKey("example.org/log")
	ov, _ := note.NewVerifier(other)
	if _, err := OpenCheckpoint(msg, ov); !errors.Is(err, ErrSignature) {
		t.Fatalf("checkpoint opened with another key: %v", err)
	}
	// A changed size breaks the signature.
	forged := strings.Replace(string(msg), "\n7\n", "\n8\n", 1)
	if _, err := OpenCheckpoint([]byte(forged), v); !errors.Is(err, ErrSignature) {
		t.Fatalf("forged checkpoint: %v", err)
	}
	if _, err := OpenCheckpoint([]byte("not a note"), v); !errors.Is(err, ErrCheckpoint) {
		t.Fatalf("garbage: %v", err)
	}
}

func TestParseCheckpoint(t *testing.T) {
	root := tlog.RecordHash([]byte("x")).String()
	good := "example.org/log\n12\n" + root + "\n"
	if c, err := ParseCheckpoint(good); err != nil || c.Size != 12 || c.Format() != good {
		t.Fatalf("ParseCheckpoint(%q) = %+v, %v", good, c, err)
	}
	if _, err := ParseCheckpoint(good + "ext line\n"); err != nil {
		t.Fatalf("extension line refused: %v", err)
	}
	for _, bad := range []string{
		"", "example.org/log\n12\n" + root, "example.org/log\n012\n" + root + "\n",
		"example.org/log\n-1\n" + root + "\n", "example.org/log\n12\nAAAA\n",
		"with space\n12\n" + root + "\n", "example.org/log\n12\n" + root + "\n\n",
	} {
		if _, err := ParseCheckpoint(bad); !errors.Is(err, ErrCheckpoint) {
			t.Errorf("ParseCheckpoint(%q) = %v, want ErrCheckpoint", bad, err)
		}
	}
	for _, bad := range []string{"has space", "a+b", "evil\u202eorg", "zero\u200bwidth", "esc\x1b[31m", strings.Repeat("x", MaxOrigin+1)} {
		if _, _, err := GenerateKey(bad); !errors.Is(err, ErrOrigin) {
			t.Errorf("GenerateKey(%q): %v, want ErrOrigin", bad, err)
		}
	}
	if _, _, err := GenerateKey("example.org/leaktrace-\u00e9t\u00e9"); err != nil {
		t.Errorf("GenerateKey with a non-ASCII origin: %v", err)
	}
	if o := DefaultOrigin(); !ValidOrigin(o) || !strings.HasPrefix(o, "leaktrace.local/") {
		t.Fatalf("DefaultOrigin = %q", o)
	}
}
