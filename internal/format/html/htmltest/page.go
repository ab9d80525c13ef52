// Package htmltest builds HTML test pages around prose: a page with a
// head of metadata, a style sheet and scripts, links, inline markup,
// character references, a comment and a code block, so that tests and
// measurements see what real pages hold.
package htmltest

import (
	"fmt"
	"html"
	"strings"
)

// Page returns a page whose article is prose's paragraphs (separated by
// blank lines). Every third paragraph has a link and an emphasis around
// words of its own, the second is followed by a code block, and the
// fourth holds inline code.
func Page(title, prose string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<link rel="stylesheet" href="/static/site.css?v=3">
<style>
  body { font-family: "Liberation Sans", Arial, sans-serif; font-size: 16px; line-height: 1.5; margin: 0 auto; max-width: 46em; padding: 1em 2em; color: #222; }
  pre, code { font-family: "Liberation Mono", monospace; background: #f4f4f4; }
  nav a { margin-right: 1em; }
  .note { color: #555; }
</style>
<script>window.dataLayer = window.dataLayer || []; function track(e) { dataLayer.push({event: e, at: "2024-01-01 & later"}); }</script>
</head>
<body>
<nav><a href="/">Home</a> <a href="/policy?id=7&amp;tab=2">Policy</a> <a href="/contact" title="Contact us">Contact</a></nav>
<!-- main content starts here -->
<main>
<h1 class="title">%s</h1>
`, html.EscapeString(title), html.EscapeString(title))
	var paras []string
	for _, p := range strings.Split(prose, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	for i, p := range paras {
		words := strings.Fields(p)
		for j := range words {
			words[j] = html.EscapeString(words[j])
		}
		if i%3 == 0 && len(words) > 12 {
			words[4] = `<a href="https://intranet.example.org/wiki/Item_` + fmt.Sprint(i) + `?ref=memo&amp;x=1" class="ext">` + words[4]
			words[6] += `</a>`
			words[9] = "<em>" + words[9] + "</em>"
		}
		if i == 3 && len(words) > 20 {
			words[15] = `<code>` + words[15] + `</code>`
		}
		// Lines wrapped as editors wrap them.
		var lines []string
		for len(words) > 0 {
			n := min(12, len(words))
			lines = append(lines, strings.Join(words[:n], " "))
			words = words[n:]
		}
		fmt.Fprintf(&b, "<p class=\"para\" id=\"p%d\">%s</p>\n", i, strings.Join(lines, "\n  "))
		if i == 1 {
			b.WriteString(`<pre><code class="language-go">// Status of the review &amp; its owner.
func status(id int) string {
	if id &lt; 0 { return "the committee met on Tuesday" }
	return fmt.Sprintf("item %d is open", id)
}
</code></pre>
`)
		}
	}
	b.WriteString(`<p class="note">Questions? Write to <a href="mailto:office@example.org">the office</a> &mdash; we answer within two days.</p>
</main>
<footer><p>&copy; 2024 Example Agency &middot; <a href="/privacy">Privacy</a></p></footer>
<script src="/static/app.js" defer></script>
<script>
  document.querySelectorAll("a.ext").forEach(function (a) { if (a.href.indexOf("<") < 0) { a.rel = "noopener"; } });
</script>
</body>
</html>
`)
	return []byte(b.String())
}
