"""Time the analysis stage per article for two versions of the code in one run.

Usage: ``.venv/bin/python benchmarks/bench_analysis.py [--base REF] [--head REF] [--repeat N]
[--texts dev|fixtures|both]`` (defaults: base ``main``, head = this checkout's working tree,
3 passes, both corpora).

A change may cost at most 10 % of the base version's analysis time per article, and timings
from different runs on a shared 2-core machine are not comparable, so both versions are timed
here side by side on the same texts. A ref is checked out into a temporary ``git worktree``;
each version runs in its own process (same interpreter, ``PYTHONPATH=<checkout>/include``),
loads spaCy once, warms up, and then the two take turns, one pass each (base, head, base,
...), so drift from other work hits both alike. A pass times ``analyze_texts(full=True)``
(every article through spaCy and the entity/quote rules) and then ``nlp.pipe`` alone; their
difference is the rule stage (plus the cheap relevance regexes). Every pass is printed as a
JSON line so noise can be judged: ``cpu_s`` (process CPU time of the analysis) well below
``analyze_s`` means the process was waiting for a CPU, and then the CPU-time ratio is the
steadier one. Refs are resolved to commits once, at the start, so a moving branch cannot
change the base mid-run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "include" / "gold" / "dev.jsonl"
SITE = ROOT / "tests" / "fixtures" / "site"
WARMUP = 5
LIMIT = 1.10


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return done.stdout.strip()


def _env(checkout: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(checkout / "include")}


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def write_corpus(out: Path, texts: str) -> None:
    """Extract the texts once, with this checkout's code, so both versions analyse the same."""
    from tradewatch.extract import extract_article

    items: list[tuple[str | None, str]] = []
    if texts in ("dev", "both"):
        rows = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
        items += [(row["title"], row["text"]) for row in rows]
    if texts in ("fixtures", "both"):
        fetched_at = datetime.now(UTC)
        for page in sorted(SITE.rglob("*.html")):
            rel = page.relative_to(SITE).as_posix()
            source = rel.split("/", 1)[0]
            article = extract_article(
                page.read_bytes(),
                url=f"https://{source}.example/{rel}",
                source=source,
                fetched_at=fetched_at,
            )
            items.append((article.title, article.text))
    out.write_text(json.dumps(items))


def serve(corpus: Path) -> None:
    """Child: load and warm up, then time one pass per line read from stdin.

    tradewatch is imported here, not at module level, so each child gets its own checkout's.
    """
    import tradewatch
    from tradewatch.nlp import BATCH_SIZE, EXTRACTION_VERSION, analyze_texts, load_model

    items = [(title, text) for title, text in json.loads(corpus.read_text())]
    texts = [text for _, text in items]
    started = time.perf_counter()
    nlp = load_model()
    load_s = time.perf_counter() - started
    analyze_texts(items[:WARMUP], full=True)
    _emit(
        {
            "event": "ready",
            "tradewatch": tradewatch.__file__,
            "extraction_version": EXTRACTION_VERSION,
            "model": f"{nlp.lang}_{nlp.meta['name']}-{nlp.meta['version']}",
            "load_s": round(load_s, 3),
            "articles": len(items),
            "chars": sum(map(len, texts)),
        }
    )
    for _ in sys.stdin:
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        analyze_texts(items, full=True)
        analyze_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass
        parse_s = time.perf_counter() - started
        _emit(
            {
                "event": "pass",
                "analyze_s": round(analyze_s, 4),
                "cpu_s": round(cpu_s, 4),
                "parse_s": round(parse_s, 4),
                "rules_s": round(analyze_s - parse_s, 4),
            }
        )


@contextmanager
def _worktree(commit: str, path: Path) -> Iterator[Path]:
    """Check ``commit`` out at ``path`` for this run; removed again even when the run fails."""
    _git("worktree", "add", "--quiet", "--detach", str(path), commit)
    try:
        yield path
    finally:
        _git("worktree", "remove", "--force", str(path))


class _Child:
    """One version's measuring process, driven one pass at a time over its stdin."""

    def __init__(self, label: str, proc: subprocess.Popen[str]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self.label = label
        self.proc = proc
        self.stdin: IO[str] = proc.stdin
        self.stdout: IO[str] = proc.stdout
        self.passes: list[dict[str, Any]] = []

    def read(self) -> dict[str, Any]:
        line = self.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.label} process exited with {self.proc.wait()}")
        record = {"version": self.label, **json.loads(line)}
        print(json.dumps(record), flush=True)
        return record

    def run_pass(self) -> None:
        self.stdin.write("\n")
        self.stdin.flush()
        self.passes.append(self.read())


def _resolve(ref: str) -> str:
    return _git("rev-parse", "--verify", f"{ref}^{{commit}}")


def _working_tree() -> str:
    dirty = " + uncommitted changes" if _git("status", "--porcelain") else ""
    return f"working tree {ROOT} at {_resolve('HEAD')}{dirty}"


def _summary(child: _Child, articles: int) -> dict[str, float]:
    def ms(key: str) -> list[float]:
        return [p[key] * 1000 / articles for p in child.passes]

    best = min(ms("analyze_s"))
    return {
        "best": best,
        "median": statistics.median(ms("analyze_s")),
        "per_s": 1000 / best,
        "cpu": min(ms("cpu_s")),
        "parse": statistics.median(ms("parse_s")),
        "rules": statistics.median(ms("rules_s")),
    }


def _report(base: _Child, head: _Child, articles: int) -> None:
    rows = {"base": _summary(base, articles), "head": _summary(head, articles)}
    ratio = {k: rows["head"][k] / rows["base"][k] for k in rows["base"]}
    print(f"\n{articles} articles, {len(base.passes)} passes per version")
    print("ms per article, except art/s (articles per second):")
    print(f"{'':<14}{'best':>8}{'median':>8}{'art/s':>8}{'cpu':>8}{'parse':>8}{'rules':>8}")
    for name, row in rows.items():
        print(f"{name:<14}" + "".join(f"{row[k]:8.2f}" for k in row))
    print(f"{'head/base':<14}" + "".join(f"{ratio[k]:8.3f}" for k in ratio))
    print("(best/median: wall time of the whole analysis; cpu: its CPU time, best;")
    print(" parse: nlp.pipe alone, median; rules: analysis minus parse per pass, median)")
    verdict = "yes" if ratio["best"] <= LIMIT else "no"
    print(f"within 10 %: {verdict} (wall best-of ratio {ratio['best']:.3f}", end="")
    print(f", median {ratio['median']:.3f}; CPU-time ratio {ratio['cpu']:.3f})")


def compare(base_ref: str, head_ref: str | None, repeat: int, texts: str) -> None:
    """Parent: prepare the corpus and checkouts, alternate passes, print the comparison."""
    base_sha = _resolve(base_ref)
    head_sha = None if head_ref is None else _resolve(head_ref)
    print(f"base: {base_ref} at {base_sha}")
    print(f"head: {head_ref} at {head_sha}" if head_sha else f"head: {_working_tree()}", flush=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_analysis-")))
        corpus = tmp / "corpus.json"
        subprocess.run(
            [sys.executable, __file__, "--write-corpus", str(corpus), "--texts", texts],
            env=_env(ROOT),
            check=True,
        )
        base = stack.enter_context(_worktree(base_sha, tmp / "base"))
        head = ROOT if head_sha is None else stack.enter_context(_worktree(head_sha, tmp / "head"))
        children = []
        for label, checkout in (("base", base), ("head", head)):
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", str(corpus)],
                env=_env(checkout),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(_Child(label, stack.enter_context(proc)))
        ready = [child.read() for child in children]
        articles = ready[0]["articles"]
        for _ in range(repeat):
            for child in children:
                child.run_pass()
        _report(*children, articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git ref of the base version")
    parser.add_argument("--head", help="git ref of the new version (default: working tree)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per version")
    parser.add_argument("--texts", choices=("dev", "fixtures", "both"), default="both")
    parser.add_argument("--write-corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.write_corpus:
        write_corpus(args.write_corpus, args.texts)
    elif args.child:
        serve(args.child)
    else:
        try:
            compare(args.base, args.head, args.repeat, args.texts)
        except subprocess.CalledProcessError as exc:  # its stderr has already been shown
            sys.exit(f"bench_analysis: {' '.join(map(str, exc.cmd))} failed ({exc.returncode})")


if __name__ == "__main__":
    main()
