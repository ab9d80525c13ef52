"""Independent checks of issued copies (see check-copies). Uses only the
Python standard library, not leaktrace's own code."""
import difflib, email, email.policy, hashlib, json, os, re, sys, unicodedata

src_path, copies_dir, doc_json, t0, t1, mismatches = sys.argv[1:7]
issue_secs = float(t1) - float(t0)
mismatches = int(mismatches)
QUOTES = {0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x201C: '"', 0x201D: '"', 0x201E: '"'}


def text_of(data: bytes, is_eml: bool) -> str:
    if not is_eml:
        return data.decode("utf-8")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = [p.get_content() for p in msg.walk()
             if p.get_content_type() == "text/plain" and not p.is_attachment()]
    return "\n".join(parts)


def tokens(s: str, strip_format: bool):
    s = unicodedata.normalize("NFKC", s)
    if strip_format:
        s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    s = s.translate(QUOTES)
    return re.sub(r"\s+", " ", s).strip().split(" ")


def differing(a, b):
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(m.size for m in sm.get_matching_blocks())
    return 1 - same / max(1, len(a))


is_eml = src_path.lower().endswith(".eml")
src = open(src_path, "rb").read()
src_lines = src.count(b"\n")
info = json.load(open(doc_json))
files = sorted(os.listdir(copies_dir))
hashes, bad_lines = set(), 0
worst = {True: 0.0, False: 0.0}
total = {True: 0.0, False: 0.0}
src_tok = {k: tokens(text_of(src, is_eml), k) for k in (True, False)}
for f in files:
    data = open(os.path.join(copies_dir, f), "rb").read()
    hashes.add(hashlib.sha256(data).hexdigest())
    if data.count(b"\n") != src_lines:
        bad_lines += 1
    txt = text_of(data, is_eml)
    for k in (True, False):
        d = differing(src_tok[k], tokens(txt, k))
        worst[k] = max(worst[k], d)
        total[k] += d
n = len(files)
ok = len(hashes) == n and bad_lines == 0 and mismatches == 0 and worst[True] <= 0.06
print(f"{os.path.basename(src_path)}: {info['words']} words, {info['marks']['total']} marks {info['marks']['by_channel']}")
print(f"  {n} copies in {float(issue_secs):.2f}s ({n/float(issue_secs):.0f}/s incl. files); distinct: {len(hashes)}; "
      f"line count differs: {bad_lines}; 'issue DOC R' != --all file: {mismatches}")
print(f"  word tokens differing after NFKC + format characters stripped + straight quotes + collapsed spaces: "
      f"mean {100*total[True]/n:.2f}%, max {100*worst[True]:.2f}% (limit 6%)")
print(f"  (without stripping format characters: mean {100*total[False]/n:.1f}%, max {100*worst[False]:.1f}%)")
print("  " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
