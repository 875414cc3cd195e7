"""The ``tradewatch`` command line: ingest, reprocess, report, analyze, eval, demo and serve.

``report`` writes the daily brief (:mod:`tradewatch.report`) from the read-only snapshot.

``eval`` scores the analysis against a gold JSONL file or a brat attribution folder
(:mod:`tradewatch.evaluate`, :mod:`tradewatch.evaluate_attribution`).

``ingest`` and ``reprocess`` run the very functions the Airflow tasks run, in one process.
Unusable input (bad sources file, unwritable or locked database, unreachable coordination
database) exits 2 with a one-line reason; trouble with single sources or articles is
recorded in ``fetch_log`` and the run still exits 0. Exit 3 means the load committed (the
data is stored) but the full-text index or the read-only snapshot could not be rebuilt
afterwards; the next load rebuilds them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from tradewatch.config import (
    DEFAULT_RELEVANCE_THRESHOLD,
    ConfigError,
    default_data_dir,
    default_db_path,
    default_reports_dir,
    default_sources_file,
)

__all__ = ["main"]

logger = logging.getLogger("tradewatch")

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
QUERIES_DIR = Path(__file__).resolve().parent.parent / "sql" / "queries"
DEMO_PORT = 8765
DEMO_BRIEF_DAYS = 150  # the sample site's articles span March to July 2023


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    import duckdb

    from tradewatch.brat import BratError
    from tradewatch.evaluate import GoldError
    from tradewatch.fetching import CoordinationError
    from tradewatch.progress import set_quiet
    from tradewatch.store import PublishError, StoreError

    set_quiet(args.quiet)

    try:
        return int(args.func(args) or 0)
    except PublishError as exc:
        print(f"tradewatch: error: {exc}", file=sys.stderr)
        return 3
    except (ConfigError, CoordinationError, StoreError, UsageError, GoldError, BratError) as exc:
        print(f"tradewatch: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # full disk, unwritable or non-folder data dir
        target = exc.filename or getattr(args, "data_dir", None) or default_data_dir()
        print(f"tradewatch: error: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:  # e.g. a commit that hit a full disk
        print(f"tradewatch: error: database: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2


class UsageError(ValueError):
    """A command-line value is unusable."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradewatch", description="Korea-Japan trade news into DuckDB."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars or progress log lines"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="fetch, analyse and load everything new")
    ingest.add_argument(
        "--sources", type=Path, default=None, help="sources file (default: include/sources.yaml)"
    )
    ingest.add_argument(
        "--db", type=Path, default=None, help="DuckDB file (default: data/tradewatch.duckdb)"
    )
    ingest.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="raw archive and staging folder, unless TRADEWATCH_STORAGE_URL is set "
        "(default: data/)",
    )
    ingest.add_argument("--start", type=_day, help="window start, YYYY-MM-DD (UTC)")
    ingest.add_argument("--end", type=_day, help="window end, YYYY-MM-DD (UTC, exclusive)")
    ingest.add_argument(
        "--relevance-threshold",
        type=_threshold,
        default=DEFAULT_RELEVANCE_THRESHOLD,
        help=f"minimum relevance score (default {DEFAULT_RELEVANCE_THRESHOLD})",
    )
    ingest.add_argument(
        "--force-refetch",
        action="store_true",
        help="fetch articles even if they are already stored",
    )
    ingest.set_defaults(func=_cmd_ingest)

    reprocess = sub.add_parser(
        "reprocess", help="re-extract and re-analyse archived pages with the current code"
    )
    reprocess.add_argument(
        "--start", type=_day, required=True, help="first fetch day, YYYY-MM-DD (UTC)"
    )
    reprocess.add_argument(
        "--end", type=_day, required=True, help="last fetch day, YYYY-MM-DD (UTC, included)"
    )
    reprocess.add_argument("--source", help="only pages of this source")
    reprocess.add_argument(
        "--stages",
        choices=["extract+analyze", "analyze"],
        default="extract+analyze",
        help="analyze = re-analyse the stored text only (default: extract+analyze)",
    )
    reprocess.add_argument(
        "--db", type=Path, default=None, help="DuckDB file (default: data/tradewatch.duckdb)"
    )
    reprocess.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="raw archive folder, unless TRADEWATCH_STORAGE_URL is set (default: data/)",
    )
    reprocess.add_argument(
        "--relevance-threshold",
        type=_threshold,
        default=DEFAULT_RELEVANCE_THRESHOLD,
        help=f"minimum relevance score (default {DEFAULT_RELEVANCE_THRESHOLD})",
    )
    reprocess.set_defaults(func=_cmd_reprocess)

    report = sub.add_parser("report", help="write the daily brief (static HTML) for a day")
    report.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database to read, read-only (default: the snapshot data/tradewatch_read.duckdb)",
    )
    report.add_argument(
        "--out", type=Path, default=None, help="folder of the briefs (default: data/reports)"
    )
    report.add_argument(
        "--date",
        type=_date,
        default=None,
        help="UTC day of the brief, YYYY-MM-DD (default: the latest day with relevant news)",
    )
    report.add_argument(
        "--days", type=_positive, default=None, help="days of the trend window (default 30)"
    )
    report.set_defaults(func=_cmd_report)

    analyze = sub.add_parser("analyze", help="print the analysis of text or HTML files as JSON")
    analyze.add_argument("files", nargs="*", help=".txt or .html files; '-' or none = stdin")
    analyze.set_defaults(func=_cmd_analyze)

    evaluate = sub.add_parser(
        "eval", help="score the analysis against a gold JSONL file or a brat folder"
    )
    evaluate.add_argument(
        "gold",
        type=Path,
        metavar="PATH",
        help="gold JSONL file (see include/gold/README.md), a brat folder "
        "(text/NAME.txt + attributions/NAME_ANNOTATOR.ann) to score quotes and speakers only, "
        "or a KLUE-NER .tsv / Stockmark NER .json file to score entities only",
    )
    evaluate.add_argument(
        "--diffs", type=Path, metavar="DIR", help="write one JSON diff per article here"
    )
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument(
        "--limit", type=_positive, metavar="N", help="score only the first N articles"
    )
    evaluate.add_argument(
        "--relevance-threshold", type=_threshold, default=DEFAULT_RELEVANCE_THRESHOLD
    )
    evaluate.set_defaults(func=_cmd_eval)

    demo = sub.add_parser("demo", help="serve the sample site and ingest it into data/demo.duckdb")
    demo.add_argument("--db", type=Path, default=None, help="default: data/demo.duckdb")
    demo.set_defaults(func=_cmd_demo)

    serve = sub.add_parser("serve", help="serve a fixture/sample site folder on 127.0.0.1")
    serve.add_argument("folder", type=Path, nargs="?", default=SAMPLES_DIR)
    serve.add_argument("--port", type=int, default=DEMO_PORT)
    serve.set_defaults(func=_cmd_serve)
    return parser


def _day(value: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1: {value!r}")
    return int(value)


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1: {value!r}")
    return number


def _cmd_ingest(args: argparse.Namespace) -> int:
    from tradewatch.pipeline import RunContext, ingest

    if (args.start is None) != (args.end is None):
        raise UsageError("--start and --end must be given together")
    if args.start and args.end <= args.start:
        raise UsageError("--end must be after --start")
    ctx = RunContext.create(
        sources_file=args.sources or default_sources_file(),
        db_path=args.db or default_db_path(),
        data_dir=args.data_dir or default_data_dir(),
        relevance_threshold=args.relevance_threshold,
        force_refetch=args.force_refetch,
        start=args.start,
        end=args.end,
    )
    counts = ingest(ctx)
    print(json.dumps({"run_id": ctx.run_id, **counts}))
    return 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    from tradewatch.pipeline import RunContext, reprocess

    if args.end < args.start:
        raise UsageError("--end must not be before --start")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    ctx = RunContext.for_reprocess(
        run_id=f"reprocess__{stamp}",
        start=args.start,
        end=args.end,
        relevance_threshold=args.relevance_threshold,
        db_path=args.db or default_db_path(),
        data_dir=args.data_dir or default_data_dir(),
    )
    counts = reprocess(ctx, args.start, args.end, args.source, stages=args.stages)
    print(json.dumps({"run_id": ctx.run_id, **counts}))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from tradewatch.report import DEFAULT_DAYS, write_brief
    from tradewatch.store import snapshot_path

    result = write_brief(
        args.db or snapshot_path(default_db_path()),
        args.out or default_reports_dir(),
        day=args.date,
        days=args.days or DEFAULT_DAYS,
    )
    print(f"wrote the brief for {result.day} to {result.path} ({result.seconds:.2f} s)")
    print(f"latest: {result.latest}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from tradewatch.extract import ExtractionError, extract_article
    from tradewatch.nlp import analyze_texts

    names = args.files or ["-"]
    inputs: list[tuple[str | None, str, str | None]] = []
    for name in names:
        raw = sys.stdin.buffer.read() if name == "-" else _read_input(name)
        is_html = name.lower().endswith((".html", ".htm")) or (
            name == "-" and raw.lstrip()[:1] == b"<"
        )
        if is_html:
            try:
                article = extract_article(
                    raw, url=f"file:///{name}", source="cli", fetched_at=datetime.now(UTC)
                )
            except ExtractionError as exc:
                raise UsageError(f"{name}: {exc}") from None
            inputs.append((article.title, article.text, article.lang))
        else:
            inputs.append((None, raw.decode("utf-8", errors="replace"), None))
    for name, analysis in zip(names, analyze_texts(inputs, full=True), strict=True):
        print(json.dumps(_analysis_json(name, analysis), ensure_ascii=False))
    return 0


def _read_input(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None


def _analysis_json(name: str, analysis: Any) -> dict[str, Any]:
    return {
        "file": name,
        "lang": analysis.lang,
        "relevant": analysis.relevant,
        "relevance": round(analysis.relevance, 4),
        "topics": analysis.topics,
        "entities": [
            {"text": e.text, "label": e.label, "canonical": e.canonical} for e in analysis.entities
        ],
        "quotes": [
            {
                "quote": q.quote,
                "speaker": q.speaker,
                "speaker_kind": q.speaker_kind,
                "speaker_canonical": q.speaker_canonical,
                "speaker_text": q.speaker_text,
                "attribution": q.attribution,
                "reported_by": q.reported_by,
                "cue": q.cue,
                "start_char": q.start_char,
                "end_char": q.end_char,
            }
            for q in analysis.quotes
        ],
        "extraction_version": analysis.extraction_version,
    }


def _cmd_eval(args: argparse.Namespace) -> int:
    from tradewatch.extraction_version import EXTRACTION_VERSION

    if args.gold.is_dir():
        kind, (report, summary) = "brat folder", _eval_brat(args)
    elif args.gold.suffix in (".tsv", ".json"):
        kind, (report, summary) = "NER corpus", _eval_ner(args)
    else:
        kind, (report, summary) = "gold", _eval_jsonl(args)
    _write_diffs(args.diffs, report.diffs)
    if args.json:
        print(json.dumps({"extraction_version": EXTRACTION_VERSION, **report.as_dict()}))
    else:
        print(f"extraction_version {EXTRACTION_VERSION}, {kind} {args.gold}")
        print(summary)
        if args.diffs:
            print(f"{len(report.diffs)} articles with differences written to {args.diffs}")
    return 0


def _eval_jsonl(args: argparse.Namespace) -> tuple[Any, str]:
    """``eval GOLD.jsonl``: relevance, quotes, speakers and entities against the gold file."""
    from tradewatch.evaluate import evaluate, format_report, load_gold
    from tradewatch.nlp import analyze_texts

    gold = load_gold(args.gold)[: args.limit]
    analyses = analyze_texts(
        [(g.title, g.text, g.lang) for g in gold], threshold=args.relevance_threshold, full=True
    )
    report = evaluate(gold, analyses)
    return report, format_report(report)


def _eval_ner(args: argparse.Namespace) -> tuple[Any, str]:
    """``eval CORPUS.tsv|.json``: person/organisation/place entities against KLUE-NER or
    Stockmark NER annotations, every sentence analysed in full on every core."""
    from tradewatch.config import nlp_processes
    from tradewatch.evaluate_entities import (
        CorpusError,
        evaluate_entities,
        format_entity_report,
        load_ner_corpus,
    )
    from tradewatch.nlp import analyze_texts

    try:
        sentences = load_ner_corpus(args.gold)[: args.limit]
    except (OSError, CorpusError) as exc:
        raise UsageError(str(exc)) from None
    analyses = analyze_texts(
        [(None, s.text, s.lang) for s in sentences], full=True, processes=nlp_processes()
    )
    report = evaluate_entities(sentences, analyses)
    return report, format_entity_report(report)


def _eval_brat(args: argparse.Namespace) -> tuple[Any, str]:
    """``eval FOLDER``: quotes and speakers against brat attribution annotations."""
    from tradewatch.brat import load_brat_folder
    from tradewatch.evaluate_attribution import evaluate_attribution, format_attribution
    from tradewatch.nlp import analyze_texts

    articles = load_brat_folder(args.gold, limit=args.limit)
    # No title: the .txt is the whole article and the annotations' offsets index into it.
    analyses = analyze_texts(
        [(None, a.text) for a in articles], threshold=args.relevance_threshold, full=True
    )
    report = evaluate_attribution(articles, analyses)
    return report, format_attribution(report)


def _write_diffs(folder: Path | None, diffs: dict[str, dict[str, Any]]) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, diff in diffs.items():
        (folder / f"{name}.json").write_text(
            json.dumps(diff, indent=1, ensure_ascii=False), encoding="utf-8"
        )


def _cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    import yaml

    from tradewatch.devserver import serve_directory
    from tradewatch.pipeline import RunContext, ingest
    from tradewatch.report import write_brief
    from tradewatch.store import connect, snapshot_path

    db_path = args.db or default_data_dir() / "demo.duckdb"
    sources = yaml.safe_load((SAMPLES_DIR / "sources.yaml").read_text(encoding="utf-8"))
    with serve_directory(SAMPLES_DIR) as base, tempfile.TemporaryDirectory() as tmp:
        for source in sources["sources"]:
            source["url"] = source["url"].replace(f"http://127.0.0.1:{DEMO_PORT}", base)
        sources_file = Path(tmp) / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(sources), encoding="utf-8")
        demo = db_path.parent / "demo"  # its own folder, never the shared storage
        ctx = RunContext.create(
            sources_file=sources_file, db_path=db_path, data_dir=demo, storage=str(demo)
        )
        counts = ingest(ctx)
    print(f"ingested the sample site into {db_path}: {json.dumps(counts)}\n")
    con = connect(db_path, read_only=True)
    try:
        for query_file in sorted(QUERIES_DIR.glob("*.sql")):
            sql = query_file.read_text(encoding="utf-8")
            print(f"-- {query_file.name}")
            con.sql(sql).show(max_width=160)
    finally:
        con.close()
    brief = write_brief(
        snapshot_path(db_path), db_path.parent / "demo" / "reports", days=DEMO_BRIEF_DAYS
    )
    print(f"\nthe daily brief for the sample site ({brief.day}): {brief.path}")
    print(f"open it in a browser: file://{brief.path.resolve()}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from tradewatch.devserver import SiteServer

    if not args.folder.is_dir():
        raise UsageError(f"not a folder: {args.folder}")
    server = SiteServer(args.folder, args.port)
    print(f"serving {args.folder} at {server.base_url} (Ctrl-C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
