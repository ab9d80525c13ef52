package server

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// accessProblems lists what keeps a page from assistive technology and
// keyboards: no lang, not exactly one main landmark and one h1, a form
// control without a label, a frame or table without a name.
func accessProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	labels := map[string]bool{}
	var controls []*html.Node
	count := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			count[n.Data]++
			switch n.Data {
			case "html":
				if attr(n, "lang") == "" {
					problems = append(problems, "<html> has no lang")
				}
			case "label":
				labels[attr(n, "for")] = true
			case "input", "textarea", "select":
				if t := attr(n, "type"); t != "hidden" && t != "submit" {
					controls = append(controls, n)
				}
			case "iframe":
				if attr(n, "title") == "" {
					problems = append(problems, "an iframe has no title")
				}
			case "img":
				if _, ok := attrOK(n, "alt"); !ok {
					problems = append(problems, "an img has no alt")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, c := range controls {
		if !labels[attr(c, "id")] && attr(c, "aria-label") == "" || attr(c, "id") == "" && attr(c, "aria-label") == "" {
			problems = append(problems, fmt.Sprintf("<%s name=%q> has no label", c.Data, attr(c, "name")))
		}
	}
	if count["main"] != 1 {
		problems = append(problems, fmt.Sprintf("%d main landmarks", count["main"]))
	}
	if count["h1"] != 1 {
		problems = append(problems, fmt.Sprintf("%d h1 headings", count["h1"]))
	}
	if count["title"] != 1 {
		problems = append(problems, "no title")
	}
	return problems
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func TestAccessProblemsFindsThem(t *testing.T) {
	good := `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>x</h1><label for="a">A</label><input id="a" name="a"><input type="hidden" name="csrf"></main></body></html>`
	if p := accessProblems(good); len(p) != 0 {
		t.Errorf("a good page: %v", p)
	}
	bad := `<!doctype html><html><head></head><body><h1>x</h1><h1>y</h1><input id="a" name="a"><textarea name="b"></textarea><iframe src="x"></iframe></body></html>`
	want := []string{"<html> has no lang", "an iframe has no title", `<input name="a"> has no label`, `<textarea name="b"> has no label`, "0 main landmarks", "2 h1 headings", "no title"}
	if got := accessProblems(bad); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("a bad page: %q, want %q", got, want)
	}
}
