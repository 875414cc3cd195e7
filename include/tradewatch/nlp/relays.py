"""Second-hand quotes: who the article credits for words someone else said.

In ``"...," Seko said, according to Kyodo`` and ``Moon pledged to "...", Yonhap
reported`` the words are Seko's and Moon's (``Quote.speaker``), but the reporter did not
hear them: the article has them from Kyodo and Yonhap (``Quote.reported_by``). Analysts
weigh such a quote apart, and attribution corpora such as PolNeAR credit the relaying
outlet as the quote's source, so the eval reports how many speaker misses are that.

A relay is an "according to X" or "X reported" / ", reports X" / "X quoted Y as saying" in
the quote's own sentence whose source is not the speaker already found.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from tradewatch.nlp.attribution import sentence_end, sentence_start
from tradewatch.nlp.cues import Cue
from tradewatch.nlp.quote_layout import RawQuote
from tradewatch.nlp.speakers import (
    QuoteContext,
    Speaker,
    classify,
    speaker_for_cue,
    speaker_from,
    subtree,
)

__all__ = ["reported_by"]

_CAPITALISED = re.compile(r"\s+((?:[A-Z][\w'’&.-]*\s+){0,4}[A-Z][\w'’&-]*)\s*(?=[,.;]|$)")


def reported_by(ctx: QuoteContext, raw: RawQuote, speaker: Speaker) -> str | None:
    """The outlet, text or person the quote's sentence credits, other than ``speaker``."""
    lo = sentence_start(ctx, raw.first.open_mark)
    # past the quote even when its words end in "?": ", X said, according to Y." follows
    hi = sentence_end(ctx, raw.after)
    for cue in ctx.cues.within(lo, hi):
        if ctx.in_quote(cue.start, cue.end) or not _next_to(ctx, raw, cue):
            continue
        if speaker.position < cue.start < raw.first.open_mark:
            continue  # "X said that according to its analysis, ... "...": X's evidence
        relay = _relay(ctx, cue, lo, hi)
        if relay is None or relay.name is None or relay.position == speaker.position:
            continue
        if {relay.name, relay.canonical} & {speaker.name, speaker.canonical} - {None}:
            continue
        return relay.name
    return None


def _next_to(ctx: QuoteContext, raw: RawQuote, cue: Cue) -> bool:
    """No other quote stands between the cue and this one ("Stevens reported, "...". The
    cable indicated ... "...": Stevens relays only the first)."""
    lo, hi = (
        (cue.end, raw.first.open_mark) if cue.end <= raw.first.open_mark else (raw.after, cue.start)
    )
    return not any(lo <= start and end <= hi for start, end in ctx.quoted)


def _relay(ctx: QuoteContext, cue: Cue, lo: int, hi: int) -> Speaker | None:
    if cue.text == "according to":
        return speaker_for_cue(ctx, cue, lo, hi)
    if cue.token < 0:
        return None
    token = ctx.doc[cue.token]
    lemma = token.lemma_.lower()
    if lemma == "quote" and any(c.lower_ == "as" for c in token.children):
        return _subject(ctx, token)  # "The newspaper quoted Seko as saying": it relays
    if lemma != "report" or token.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    if ctx.masked[lo : cue.start].rstrip().endswith(","):
        found = speaker_from(ctx, cue.end, hi)  # "..., reports USA Today."
        outlet = _CAPITALISED.match(ctx.masked, cue.end, hi)
        if found is not None and outlet is not None and outlet.end() > found.position:
            # the whole capitalised run, where NER kept only "USA" of "USA Today"
            return Speaker(outlet.group(1), "media", None, found.position, outlet.group(1))
        if found is not None:
            return found
    return _subject(ctx, token)


def _subject(ctx: QuoteContext, verb: Token) -> Speaker | None:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    return classify(ctx, subtree(ctx.doc, subjects[0])) if subjects else None
