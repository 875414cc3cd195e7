"""Direct quotes and their speakers.

Analysts only trust a quote that is verbatim in the article and credited to whoever really
said it. ``quote_layout`` finds the quotes on the text, ``attribution`` decides which layout
credits each one and ``speakers`` turns the phrase it points at into a speaker; spaCy's
parse finds speech verbs, their subjects and the extent of speaker phrases ("a senior
official at the Ministry of Trade, Industry and Energy").

Conventions (callers, the gold sets and the DuckDB columns rely on them):

* ``quote`` is the quoted words without the marks. A trailing comma that belongs to the
  attribution (``"...retaliation," he said``) is dropped.
* ``start_char``/``end_char`` index into ``doc.text``. For a simple quote
  ``text[start:end] == quote``. For a split quote (``"A," he said, "B."``, also ``"A," X
  wrote, adding, "B."``) and a quote that runs over several paragraphs, the span runs from
  the start of the first part to the end of the last, so it also covers the attribution or
  paragraph break in between; ``quote`` joins the parts with single spaces. Such a quote is
  one quote; ``"A," X said. "B."`` (a second quoted span after the attribution sentence) is
  two, the second inheriting the speaker.
* Quotes shorter than ``MIN_QUOTE_WORDS`` words are scare quotes or quoted terms and skipped.
* ``speaker_kind`` (``models.SpeakerKind``): "named" for a person named in the text;
  "descriptor" for a described person or group ("a Foreign Ministry official", "industry
  sources"); "pronoun" for he/she/it/they/I/we, ``speaker`` holding whom it resolves to
  (None when nobody fits); "organisation" (companies, ministries, governments, countries
  and cities speaking as governments), "document" (a statement, letter, report, memo, ad)
  and "media" (an outlet: "The New York Times", "the newspaper", Yonhap), ``speaker`` as
  written and ``speaker_canonical`` the canonical name when the article or gazetteer names
  it; "unknown" when nothing credits the quote. A described source is never "named".
* ``speaker_text`` is the speaker as the article wrote it ("he", "the ministry", "Seko");
  ``speaker`` is whom that means ("Hiroshige Seko"). ``attribution`` records the layout
  that credited the quote (see ``attribution``): "cue", "colon", "transcript", "dash",
  "caption", "remark", "narrative", "previous_sentence" or "inherited"; None when unknown.
* ``reported_by`` is who the article has a second-hand quote from ("..., Seko said,
  according to Kyodo": Kyodo), see ``relays``; None for a quote the article credits
  directly. An inherited quote inherits it too.
* A quote with no attribution right after an attributed quote (same or next paragraph, no
  other sentence in between) inherits that quote's speaker, with ``cue`` None.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from spacy.tokens import Doc

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.attribution import (
    attribute,
    caption_source,
    continues,
    follows,
    from_previous_sentence,
)
from tradewatch.nlp.cues import find_cues
from tradewatch.nlp.doc_text import doc_text
from tradewatch.nlp.gazetteer import Gazetteer, load_gazetteer
from tradewatch.nlp.quote_layout import (
    MIN_QUOTE_WORDS,
    RawQuote,
    finalize,
    find_parts,
    mask,
    merge_split,
    split_transcript,
)
from tradewatch.nlp.relays import reported_by
from tradewatch.nlp.speakers import QuoteContext, Speaker, head_word, is_person

__all__ = ["MIN_QUOTE_WORDS", "extract_quotes"]


logger = logging.getLogger(__name__)


def extract_quotes(
    doc: Doc,
    entities: Sequence[EntityMention] = (),
    gazetteer: Gazetteer | None = None,
) -> list[Quote]:
    """Direct quotes in ``doc`` with speakers; ``entities`` come from ``extract_entities``."""
    text = doc_text(doc)
    cues = find_cues(doc)
    raws = split_transcript(text, merge_split(text, find_parts(text), cues))
    kept = [raw for raw in raws if finalize(text, raw)]
    ctx = QuoteContext(
        doc=doc,
        masked=mask(text, entities, doc, [raw for raw in raws if raw not in kept]),
        entities=sorted(entities, key=lambda m: m.start_char),
        gazetteer=gazetteer or load_gazetteer(),
        cues=cues,
        quoted=[(p.start, p.end) for raw in kept for p in raw.parts],
        short=[(p.start, p.end) for raw in raws if raw not in kept for p in raw.parts],
        raws=kept,
        full_names=[m.canonical for m in entities if m.label == "PERSON" and " " in m.canonical],
    )
    quotes: list[Quote] = []
    previous: tuple[RawQuote, Quote] | None = None
    for raw in kept:
        found = attribute(ctx, raw)
        inherit = found is None and previous is not None and _inherits(ctx, previous, raw)
        if found is None and not inherit:
            found = caption_source(ctx, raw) or from_previous_sentence(ctx, raw)
        if inherit and previous is not None:
            prior = previous[1]
            name, kind, canonical, cue = (
                prior.speaker,
                prior.speaker_kind,
                prior.speaker_canonical,
                None,
            )
            written = prior.speaker_text
            how: str | None = "inherited"
            relay = prior.reported_by
        else:
            speaker, cue = found if found else (Speaker(None, "unknown", None, -1), None)
            name, kind, canonical = speaker.name, speaker.kind, speaker.canonical
            written = speaker.written
            how = speaker.how if found else None
            relay = reported_by(ctx, raw, speaker) if found else None
            if speaker.kind == "named" and speaker.name and is_person(ctx, speaker):
                ctx.named_speakers.append((speaker.position, speaker.name, speaker.canonical))
            if speaker.kind == "descriptor" and speaker.name:
                ctx.descriptors.append((speaker.position, speaker.name))
                if head_word(speaker.name).endswith("s"):
                    ctx.groups.append((speaker.position, speaker.name, None))
            if speaker.kind in ("organisation", "document", "media") and speaker.name:
                ctx.others.append((speaker.position, speaker.name, speaker.canonical))
        quote = Quote(
            quote=raw.text,
            speaker=name,
            speaker_kind=kind,
            cue=cue,
            start_char=raw.start,
            end_char=raw.end,
            speaker_canonical=canonical,
            speaker_text=written,
            attribution=how,
            reported_by=relay,
        )
        quotes.append(quote)
        previous = (raw, quote) if quote.speaker_kind != "unknown" else None
    logger.debug("found %d quotes (%d candidates)", len(quotes), len(raws))
    return quotes


def _inherits(ctx: QuoteContext, previous: tuple[RawQuote, Quote], raw: RawQuote) -> bool:
    prev, quote = previous
    return follows(ctx, prev, raw) or continues(ctx, prev, raw, quote.speaker_canonical)
