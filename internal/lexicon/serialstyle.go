package lexicon

// The document's own style (catalogue 2 on). A family whose renderings
// are two styles of one thing varies only where the document itself does
// not consistently use one of them; otherwise a copy would show a style
// the author avoids. Consistent means at least consistentMin occurrences,
// of which at least consistentShare percent take one form.
//
//   - Serial comma: the lists of like items with the comma before the
//     last "and"/"or" against those without it. It varies only where the
//     document writes both: an email with one or two lists, all with the
//     comma, has no other style to show.
//   - Contractions: contracting is offered only where the author's own
//     prose contracts (two contractions or more, quotations left out by
//     the caller) and contractions are not a rare exception in it (at
//     least 10% of the places that could be contracted are). Expanding
//     stays on: "do not" never reads as a style the author avoids.

const (
	consistentMin   = 3
	consistentShare = 90
)

// consistent reports whether a and b, the counts of two forms, show that
// the document keeps to one of them.
func consistent(a, b int) bool {
	n := a + b
	return n >= consistentMin && (a*100 >= consistentShare*n || b*100 >= consistentShare*n)
}

// readStyle counts the forms of the style families in texts.
func (f *Finder) readStyle(texts []string) {
	with, without := 0, 0
	contracted, expandable := 0, 0
	probe := &Finder{catalogue: f.catalogue, contractions: true, apostrophe: f.apostrophe, hyphenated: f.hyphenated}
	for _, t := range texts {
		d := doc{f: probe, text: t, ws: scan(t, nil)}
		for k := range d.ws {
			if d.serialList(k, true) {
				with++
			} else if d.serialList(k, false) {
				without++
			}
			d.contracted(k)
			if len(d.cands) > 0 {
				contracted++
			}
			d.cands = d.cands[:0]
			d.expanded(k)
			if len(d.cands) > 0 {
				expandable++
			}
			d.cands = d.cands[:0]
		}
	}
	f.serialVaries = with > 0 && without > 0 && !consistent(with, without)
	if f.contractions && contracted+expandable > 0 && contracted*10 < contracted+expandable {
		f.contractions = false
	}
}
