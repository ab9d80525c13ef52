package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/leaktrace/leaktrace"
	"github.com/leaktrace/leaktrace/internal/custody"
	"github.com/leaktrace/leaktrace/internal/service"
)

// TestAPIIssuerBoundByClearance: an issuer not cleared for a document
// can neither re-mark it nor grant it (themselves or anyone), nor see
// its holders, nor register a document above their clearance; each
// refusal is a logged 403 and the document stays as it was. A cleared
// issuer may not grant themselves either.
func TestAPIIssuerBoundByClearance(t *testing.T) {
	v := newVault(t)
	const doc = "ts-si-noforn"
	call := func(method, path, as string, body any) *response {
		return v.call(method, path, as, jsonBody(t, body), "application/json", false)
	}
	type denial struct{ what, action, doc, reason string }
	var want []denial
	n := v.logSize()
	v.want(call("PUT", "/api/v1/documents/"+doc+"/marking", "ian", markingRequest{"UNCLASSIFIED"}), 403, "ian marks ts-si-noforn UNCLASSIFIED")
	want = append(want, denial{"mark down", "mark", doc, "clearance"})
	v.want(call("POST", "/api/v1/documents/"+doc+"/grants", "ian", grantsRequest{[]string{"ian"}}), 403, "ian grants himself ts-si-noforn")
	want = append(want, denial{"self-grant", "grant", doc, "clearance"})
	v.want(call("DELETE", "/api/v1/documents/"+doc+"/grants", "ian", grantsRequest{[]string{"alice"}}), 403, "ian revokes alice")
	want = append(want, denial{"revoke", "revoke", doc, "clearance"})
	v.want(v.call("GET", "/api/v1/documents/"+doc+"/copy", "ian", nil, "", false), 403, "ian downloads ts-si-noforn")
	want = append(want, denial{"download", "download", doc, "clearance"})
	v.want(v.call("GET", "/api/v1/documents/"+doc+"/holders", "ian", nil, "", false), 403, "ian's holders of ts-si-noforn")
	want = append(want, denial{"holders", "holders", doc, "clearance"})
	body, ct := multipartBody(t, map[string]string{"id": "above", "marking": "SECRET"}, [][3]string{{"file", "above.txt", v.text["spare"]}})
	v.want(v.call("POST", "/api/v1/documents", "ian", body, ct, false), 403, "ian registers a SECRET document")
	want = append(want, denial{"register", "register", "above", "clearance"})
	v.want(call("POST", "/api/v1/documents/c-memo/grants", "isla", grantsRequest{[]string{"erin", "isla"}}), 403, "isla grants herself c-memo")
	want = append(want, denial{"isla's self-grant", "grant", "c-memo", "self"})

	if size := v.logSize(); size != n+int64(len(want)) {
		t.Fatalf("%d entries logged for %d refusals", size-n, len(want))
	}
	for i, w := range want {
		e := v.entry(n + int64(i))
		actor := "ian"
		if w.doc == "c-memo" {
			actor = "isla"
		}
		if e["kind"] != custody.KindDenied || e["actor"] != actor || e["recipient"] != actor || e["action"] != w.action ||
			e["document"] != w.doc || e["reason"] != w.reason {
			t.Errorf("%s: entry %v", w.what, e)
		}
	}
	ctx := context.Background()
	if d, err := v.svc.Store.Document(ctx, doc); err != nil || d.Marking != "TOP SECRET//SI//NOFORN" {
		t.Errorf("ts-si-noforn's marking now %q, %v", d.Marking, err)
	}
	if g, _ := v.svc.Store.Grants(ctx, doc); slices.Contains(g, "ian") || !slices.Contains(g, "alice") {
		t.Errorf("ts-si-noforn's grants now %v", g)
	}
	if g, _ := v.svc.Store.Grants(ctx, "c-memo"); slices.Contains(g, "isla") || slices.Contains(g, "erin") {
		t.Errorf("c-memo's grants now %v", g)
	}
	if _, err := v.svc.Store.Document(ctx, "above"); err == nil {
		t.Error("ian registered a SECRET document")
	}
	// At what he is cleared for, ian issues as before.
	v.want(call("PUT", "/api/v1/documents/unmarked/marking", "ian", markingRequest{"u"}), 200, "ian marks unmarked UNCLASSIFIED")
	v.want(call("POST", "/api/v1/documents/unmarked/grants", "ian", grantsRequest{[]string{"dave"}}), 200, "ian grants dave unmarked")
	v.want(v.call("GET", "/api/v1/documents/u-memo/holders", "ian", nil, "", false), 200, "ian's holders of u-memo")
	v.verify()
}

// TestWebIssuerBoundByClearance: the web UI's issuer pages refuse an
// issuer cleared UNCLASSIFIED what they refuse through the API: re-marking
// memo (SECRET//NOFORN), granting it to himself, its page; memo is not in
// his list; each refusal is logged.
func TestWebIssuerBoundByClearance(t *testing.T) {
	v := newTestVault(t)
	ctx := service.WithActor(context.Background(), "admin")
	const pw = "ian-secret-passphrase"
	if err := addIssuer(ctx, v.svc, "ian", pw); err != nil {
		t.Fatal(err)
	}
	c := v.browser(t)
	if resp, body := v.signinAs(t, c, "ian", pw); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("signing in as ian: %d\n%s", resp.StatusCode, body)
	}
	_, page := webGet(t, c, v.ts.URL+"/issue")
	if strings.Contains(page, "/issue/memo") || strings.Contains(page, "Budget memo") {
		t.Error("ian's issuer list shows memo")
	}
	if !strings.Contains(page, `href="/issue/draft"`) {
		t.Error("ian's issuer list does not show the unmarked draft")
	}
	token := csrfOf(t, page)
	before := len(v.entries(t, custody.KindDenied, "memo", "ian"))
	if resp, _ := webPost(t, c, v.ts.URL+"/issue/memo/marking", url.Values{"csrf": {token}, "marking": {"UNCLASSIFIED"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ian marking memo UNCLASSIFIED: %d, want 403", resp.StatusCode)
	}
	if resp, _ := webPost(t, c, v.ts.URL+"/issue/memo/grants", url.Values{"csrf": {token}, "action": {"grant"}, "readers": {"ian"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ian granting himself memo: %d, want 403", resp.StatusCode)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/documents/memo"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ian reading memo: %d, want 403", resp.StatusCode)
	}
	if resp, _ := webGet(t, c, v.ts.URL+"/issue/memo"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("ian's issuer page of memo: %d, want 403", resp.StatusCode)
	}
	resp, _ := webUpload(t, c, v.ts.URL+"/issue", map[string]string{"csrf": token, "marking": "SECRET", "id": "above"}, "above.txt", []byte(v.memo))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("ian registering a SECRET document: %d, want 403", resp.StatusCode)
	}
	var got []string
	for _, e := range v.entries(t, custody.KindDenied, "", "ian") {
		if e.Actor == "ian" {
			got = append(got, e.Action+" "+e.Document+" "+e.Reason)
		}
	}
	wantDenials := []string{"mark memo clearance", "grant memo clearance", "view memo clearance", "issue memo clearance", "register above clearance"}
	if !slices.Equal(got, wantDenials) || before != 0 {
		t.Errorf("ian's denied entries: %q, want %q", got, wantDenials)
	}
	d, err := v.svc.Store.Document(context.Background(), "memo")
	if err != nil || d.Marking != "SECRET//NOFORN" {
		t.Errorf("memo's marking now %q, %v", d.Marking, err)
	}
	if g, _ := v.svc.Store.Grants(context.Background(), "memo"); slices.Contains(g, "ian") {
		t.Errorf("memo's grants now %v", g)
	}
	if _, err := v.svc.Store.Document(context.Background(), "above"); err == nil {
		t.Error("ian registered a SECRET document")
	}
}

// addIssuer adds an issuer cleared UNCLASSIFIED with a password.
func addIssuer(ctx context.Context, s *service.Service, id, password string) error {
	if err := s.AddRecipients(ctx, []leaktrace.Recipient{{ID: id, Name: id, Clearance: "U", Roles: []string{service.RoleIssuer}}}); err != nil {
		return err
	}
	return s.SetPassword(ctx, id, password)
}
