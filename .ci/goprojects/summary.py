"""One TSV line for a `docklean verify --json` report: builds, sizes and
whether the smoke runs match once time stamps are masked (a log line's clock
is not behaviour)."""
import json
import re
import sys

repo, rep, fnd = sys.argv[1:4]
try:
    j = json.load(open(rep))
except Exception:
    err = open(rep[: -len(".json")] + ".err").read().strip().replace("\n", " ")
    print(f"{repo}\terror\t\t\t\t\t{err[:200]}")
    sys.exit()
r = j["report"]
stamp = re.compile(r"\d{4}[/-]\d\d[/-]\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?|\d\d:\d\d:\d\d(\.\d+)?")


def side(s):
    img = s.get("image") or {}
    ok = "ok" if s["build"].get("ok") else "FAIL"
    return ok, img.get("size", "")


def run(s):
    x = s.get("run")
    if not x:
        return None
    return (x.get("exit"), stamp.sub("T", x.get("stdout", "")), stamp.sub("T", x.get("stderr", "")), x.get("timed_out", False))


bo, so = side(r["original"])
ba, sa = side(r["rewritten"])
ro, rw = run(r["original"]), run(r["rewritten"])
same = "n/a" if ro is None or rw is None else ("same" if ro == rw else "DIFFERENT")
if not j.get("changed"):
    same = "unchanged"
msgs = [l.split(": go-multistage: ", 1)[1].strip() for l in open(fnd) if ": go-multistage: " in l]
f = " | ".join(m for m in msgs if not m.startswith(("CGO_ENABLED=0 on", "split into")))[:400]
mb = lambda n: f"{n / 1e6:.1f} MB" if n != "" else ""
print(f"{repo}\t{bo}\t{ba}\t{same}\t{mb(so)}\t{mb(sa)}\t{f}")
