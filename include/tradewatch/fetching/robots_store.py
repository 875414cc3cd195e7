"""robots.txt files kept on disk, so every process of a run (and the next run) reads a
host's robots.txt once a day, not once per task.

Each mapped ``discover`` task and each ``fetch`` task has its own HTTP client; with only
the in-memory :class:`~tradewatch.fetching.robots.RobotsCache`, a host serving three
feeds had its robots.txt fetched three times per run, each fetch also spending one of the
host's request slots (3 s apart by default). ``<dir>/<hash>.json`` holds one origin's
last readable answer (a 2xx body, or a 4xx meaning "no rules") with when it was fetched;
``<hash>.lock`` is ``flock``ed while it is read or refreshed, so concurrent callers wait
for one fetch. An unreadable answer (5xx, 429, timeout) is not kept: the next process
asks again, as RFC 9309 wants a crawler to retry rather than stay away for a day.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradewatch.fetching.hosts import flocked
from tradewatch.fetching.results import MAX_ROBOTS_BYTES, FetchResult

__all__ = ["RobotsStore", "worth_keeping"]

logger = logging.getLogger(__name__)


class RobotsStore:
    """Readable robots.txt answers per origin in ``directory``, fresh for ``ttl`` seconds
    of wall-clock time (``clock``: it must mean the same in every process and after a
    reboot)."""

    def __init__(
        self, directory: Path, *, ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.directory = Path(directory)
        self.ttl = ttl
        self._clock = clock

    def fetch_through(
        self, origin: str, fetch: Callable[[], FetchResult]
    ) -> tuple[FetchResult, float]:
        """The stored answer for ``origin`` while fresh, else ``fetch()``'s (kept when
        readable); with the answer's age in seconds."""
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(flocked(self.path(origin).with_suffix(".lock")))
            except OSError as exc:
                logger.warning(
                    "robots.txt of %s not shared: cannot lock in %s: %s",
                    origin,
                    self.directory,
                    exc,
                )
                return fetch(), 0.0
            stored = self._read(origin)
            if stored is not None:
                return stored
            result = fetch()
            if worth_keeping(result):
                self._write(origin, result)
            return result, 0.0

    def path(self, origin: str) -> Path:
        """The file holding ``origin``'s answer (a hash: origins carry ports and IPv6)."""
        return self.directory / f"{hashlib.sha256(origin.encode()).hexdigest()[:32]}.json"

    def _read(self, origin: str) -> tuple[FetchResult, float] | None:
        path = self.path(origin)
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data["origin"] != origin:
                return None
            age = self._clock() - float(data["fetched_at"])
            result = FetchResult(
                origin,
                str(data["final_url"]),
                str(data["outcome"]),
                int(data["status"]),
                data.get("reason"),
                body=base64.b64decode(data["body"], validate=True),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring unreadable stored robots.txt %s: %s", path, exc)
            return None
        return (result, age) if 0 <= age < self.ttl else None

    def _write(self, origin: str, result: FetchResult) -> None:
        data = {
            "origin": origin,
            "fetched_at": self._clock(),
            "final_url": result.final_url,
            "outcome": result.outcome,
            "status": result.status,
            "reason": result.reason,
            "body": base64.b64encode(result.body[:MAX_ROBOTS_BYTES]).decode("ascii"),
        }
        path = self.path(origin)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            logger.warning("cannot keep robots.txt of %s in %s: %s", origin, path, exc)
            tmp.unlink(missing_ok=True)


def worth_keeping(result: FetchResult) -> bool:
    """A 2xx (rules) or a 4xx other than 429 (no rules): an answer worth a day."""
    status = result.status
    return status is not None and (result.ok or (400 <= status < 500 and status != 429))
