#!/usr/bin/env python3
"""Markdown tables of scripts/paper-curves' rows (docs/robustness/paper-*.json)."""
import json
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "docs", "robustness")


def rows(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def pct(x):
    return f"{100 * x:.0f}%"


for name in ["paper-operating-points.json", "paper-points.json"]:
    points = rows(name)
    if not points:
        continue
    print(f"{name}:")
    print()
    print("| attack | share of a page | trials | leaker named | false accusations | document found | trace ms (median) |")
    print("|---|---|---|---|---|---|---|")
    for r in points:
        print(f"| {r['attack']} | {pct(r['fraction'])} | {r['trials']} | {pct(r['identified'])} | {r['false_accusations']} | {pct(r['doc_found'])} | {r['trace_ms_median']:.0f} |")
    print()

for atk in ["photo", "photo-hard", "screenshot", "print-scan"]:
    rs = rows(f"paper-{atk}.json")
    if not rs:
        continue
    fracs = sorted({r["fraction"] for r in rs})
    cols = sorted({r["colluders"] for r in rs})
    print(f"**{atk}**: leaker named (false accusations), by share of a page and colluders")
    print()
    print("| colluders | " + " | ".join(pct(f) for f in fracs) + " |")
    print("|---|" + "---|" * len(fracs))
    for c in cols:
        cells = []
        for f in fracs:
            r = next((r for r in rs if r["colluders"] == c and r["fraction"] == f), None)
            cells.append(f"{pct(r['identified'])} ({r['false_accusations']})" if r else "")
        print(f"| {c} | " + " | ".join(cells) + " |")
    print()

other = rows("paper-other-key.json")
if other:
    print("**Copies another home issued** (another key, the same reader ids): accusations, all false")
    print()
    print("| attack | share of a page | trials | accusations |")
    print("|---|---|---|---|")
    for r in other:
        print(f"| {r['attack']} | {pct(r['fraction'])} | {r['trials']} | {r['false_accusations']} |")
