"""Direct quotes in Korean news and who said them.

Korean copy closes a direct quote with a quotative and a speech verb: 안 장관은 "…"고
말했다, "…"라고 안 장관은 말했다, 그는 "…"라며 "…"고 덧붙였다. A quoted span counts as a
quote when a quotative follows it ((이)라고, 고, (이)라며, 며, 면서) or when it stands as a
sentence of its own right after a quote (it continues that speaker). Shorter quoted terms
("화이트리스트") are scare quotes, a quoted name is no quote ("…"이라 불리는), and single
quotes only ever nest inside a quote. Each quoted span is one quote, so "A"며 "B"고 말했다
gives two with the same speaker and verb.

The speaker is the sentence's subject: the first topic (은/는/도) before the quote, counted
from the last comma; else a subject between the quote and its verb ("…"라고 안 장관은
말했다); else a word ending in 은/는 that mecab could not read (many foreign names); else
the last 이/가 subject before the quote. A sentence without one ("이어 "…"고 덧붙였다")
takes the speaker of the sentence before.

A quote the reporter has second hand names its source: "교도통신에 따르면" (or "NHK 보도에
따르면") in the sentence, or "…고 말했다고 교도통신이 전했다" after it. That source is the
quote's ``reported_by``; the speaker stays who said the words.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from tradewatch.models import EntityMention, Quote
from tradewatch.nlp.gazetteer import Gazetteer
from tradewatch.nlp.ko.morphology import Token, Word, words
from tradewatch.nlp.ko.speakers import Speaker, speaker_at, subject_end

__all__ = ["MIN_QUOTE_WORDS", "extract_quotes", "quoted_spans"]

logger = logging.getLogger(__name__)

MIN_QUOTE_WORDS = 2
_CLOSERS = '”"'
# What follows a direct quote: "…"(이)라고 / 고 / (이)라며 / 며 / 면서 / 하고, then a verb.
_QUOTATIVE = re.compile(r"\s?(?:(?:이)?라(?:고|며|면서)?|고|며|면서|하고|하며)(?![가-힣])")
# Verbs of saying, at the start of the verb word (말했다, 밝혔다, 덧붙였다, "…"고 했다).
_SPEECH_VERB = re.compile(
    r"^(?:말(?!고)|밝[히혔혀힌]|강조|설명|전[하했해한할]|덧붙|지적|주장|언급|답[하했한할변]|"
    r"응답|경고|비판|비난|보도|촉구|호소|발표|시인|반박|반문|주문|당부|요구|제안|평가|분석|"
    r"전망|예상|예측|관측|우려|약속|토로|털어놓|고백|역설|부인|해명|묻|물었|외[치쳤]|속삭|"
    r"적었|적시|썼|쓰며|얘기|이야기|증언|진술|회고|회상|논평|지시|선언|공언|다짐|발언|질타|"
    r"꼬집|일축|항변|설파|조언|권고|충고|격려|환영|사과|되물|귀띔|보고|통보|공개|명시|표현|"
    r"확인|인정|자평|불평|반발|경계|전달|알[렸려리]|내다[보봤본]|했|한다|하였|합니다|하며|"
    r"하면서)"
)
# Verbs that make a quoted span a name or an inscription, not speech: "…"이라 명명된,
# "…"이라고 쓰인 현수막, "…"이라고 부르는.
_NAMING_VERB = re.compile(r"^(?:명명|쓰인|쓰여|적힌|적혀|새겨|불리|불린|부르는|부른|이름)")
# Words ending in 은/는 that are no topic: adverbials (에서는), quoted clauses (했다는) and
# everyday adnominal verbs (있는, 많은).
_NOT_TOPIC = re.compile(
    r"(?:에서|에게|에|로|으로|과|와|까지|부터|에선|서|다|라|냐|자|하|있|없|되|같|많|"
    r"적|좋|받|높|낮|작|않|못|싶|주|준|보|본|온|간|난|한|된|인|운|른|린|진|긴|친|던)[은는]$"
)
# "교도통신에 따르면", "NHK 보도에 따르면", "요미우리신문의 보도에 따르면": the word before.
_ACCORDING_TO = re.compile(r"([^\s,.\"“”]+?)(?:의)?(?:\s?보도)?에\s?따르면")
_CLAUSE_BREAK = re.compile(r"[다며고서면],")
# "…고 말했다고 교도통신이 전했다": a speech verb's 다고, then the relaying subject and its verb.
_RELAYED_BY = re.compile(
    r"다고\s+([^\s,.\"“”]+?)(?:이|가|은|는)\s+(?:[^\s.]+\s+)?(?:전했|보도했|보도|전해|타전)"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_PUNCT_TAIL = re.compile(r"[\s.,!?·\"“”'‘’)\]]+$")


@dataclass(frozen=True)
class _Span:
    """A quoted span: marks at ``open`` and ``close``, the words at [start, end)."""

    open: int
    close: int
    start: int
    end: int


def quoted_spans(text: str) -> list[_Span]:
    """Spans between double quotation marks, never across a paragraph break. A curly
    opener or a straight one after a space opens; ” or " closes; an opener inside an open
    quote means the first was stray. Single quotes inside belong to the quote."""
    spans: list[_Span] = []
    opened: int | None = None
    for i, char in enumerate(text):
        if char == "\n" and text.startswith("\n\n", i):
            opened = None
        elif opened is None:
            if char == "“" or (char == '"' and (i == 0 or not text[i - 1].isalnum())):
                opened = i
        elif char in _CLOSERS:
            spans.append(_span(text, opened, i))
            opened = None
        elif char == "“":
            opened = i
    return spans


def _span(text: str, opened: int, closed: int) -> _Span:
    start, end = opened + 1, closed
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Span(opened, closed, start, end)


@dataclass
class _Sentence:
    start: int
    end: int
    quotes: list[_Span]
    speaker: Speaker | None = None
    quoted: bool = False  # it held a quote


def extract_quotes(
    text: str,
    tokens: Sequence[Token],
    entities: Sequence[EntityMention],
    gazetteer: Gazetteer,
) -> list[Quote]:
    """The text's direct quotes in order, each with its speaker and cue."""
    spans = quoted_spans(text)
    word_list = words(tokens)
    word_starts = [w.start for w in word_list]
    mention_starts = [m.start_char for m in entities]
    found: list[Quote] = []
    previous: _Sentence | None = None
    last_named: str | None = None  # whom 그/그녀 means: the last person who spoke or acted,
    last_mentioned: str | None = None  # else the last person named
    for sentence in _sentences(text, spans):
        first = bisect_left(word_starts, sentence.start)
        last = bisect_left(word_starts, sentence.end)
        inside = [
            w
            for w in word_list[first:last]
            if not any(q.open <= w.start <= q.close for q in sentence.quotes)
        ]
        local = entities[
            bisect_left(mention_starts, sentence.start) : bisect_left(mention_starts, sentence.end)
        ]
        quotes = [
            q for q in sentence.quotes if len(text[q.start : q.end].split()) >= MIN_QUOTE_WORDS
        ]
        marked = [q for q in quotes if _is_direct(text, inside, q)]
        subject = _subject(text, inside, marked[0] if marked else None, local)
        if subject is not None:
            word, end = subject
            k = first + word_list[first:last].index(word)
            sentence.speaker = speaker_at(
                text,
                word_list,
                k,
                end,
                local,
                gazetteer,
                last_named or last_mentioned,
                sentence.start,
            )
        if marked:
            found += _relayed(
                _attributed(text, inside, marked, sentence, previous),
                _relay(text, sentence, marked),
            )
        elif previous is not None and _continues(text, quotes, sentence, previous):
            found.append(_quote(text, quotes[0], previous.speaker, None, "inherited"))
            sentence.quoted, sentence.speaker = True, previous.speaker
        if sentence.speaker is not None and sentence.speaker.kind == "named":
            last_named = sentence.speaker.name
        people = [m for m in local if m.label == "PERSON"]
        last_mentioned = people[-1].canonical if people else last_mentioned
        previous = sentence
    return found


def _attributed(
    text: str,
    inside: list[Word],
    marked: list[_Span],
    sentence: _Sentence,
    previous: _Sentence | None,
) -> list[Quote]:
    """Quotes with a quotative: credited to the sentence's subject, or (none there) to
    the speaker of the sentence before."""
    how = "cue"
    if sentence.speaker is None and previous is not None and _carries(previous):
        sentence.speaker, how = previous.speaker, "previous_sentence"
    sentence.quoted = True
    if sentence.speaker is None:
        logger.debug("no speaker for the quote at %d", marked[0].start)
    found = []
    for quote in marked:
        cue = _cue(text, inside, quote)
        found.append(_quote(text, quote, sentence.speaker, cue, how if sentence.speaker else None))
    return found


def _relay(text: str, sentence: _Sentence, quotes: list[_Span]) -> str | None:
    """Who the sentence says the article has its quotes from, as written: an "에 따르면"
    in the quotes' own clause (no clause ending with a comma between, as in "X에 따르면 …
    왔으며, 한 관계자는 "…""), or a "다고 X가 전했다" after them."""
    according = None
    for match in _ACCORDING_TO.finditer(text, sentence.start, quotes[0].open):
        according = match
    if according is not None and not _CLAUSE_BREAK.search(text, according.end(), quotes[0].open):
        return according.group(1)
    relayed = _RELAYED_BY.search(text, quotes[-1].close, sentence.end)
    return relayed.group(1) if relayed is not None else None


def _relayed(quotes: list[Quote], relay: str | None) -> list[Quote]:
    """``quotes`` with ``reported_by`` set to ``relay``, unless it is their speaker."""
    for quote in quotes:
        if relay and relay not in (quote.speaker, quote.speaker_text, quote.speaker_canonical):
            quote.reported_by = relay
    return quotes


def _is_direct(text: str, inside: list[Word], quote: _Span) -> bool:
    """A quoted span followed by a quotative, and not a name or label the next word
    qualifies ("…"이라 명명된 건물, "…"이라고 쓰인 현수막)."""
    if not _QUOTATIVE.match(text, quote.close + 1):
        return False
    after = next((w for w in inside if w.start > quote.close + 1), None)
    return after is None or not _NAMING_VERB.match(text[after.start : after.end])


def _carries(previous: _Sentence) -> bool:
    """The sentence before can lend its speaker to a sentence without a subject: it had a
    quote, or its subject is a person or an organisation the gazetteer knows (not "이번
    조치는", nor a place mecab took for an organisation)."""
    speaker = previous.speaker
    if speaker is None:
        return False
    if previous.quoted or speaker.kind in ("named", "pronoun"):
        return True
    return speaker.kind in ("organisation", "media") and speaker.canonical is not None


def _quote(
    text: str, span: _Span, speaker: Speaker | None, cue: str | None, how: str | None
) -> Quote:
    return Quote(
        quote=text[span.start : span.end],
        speaker=speaker.name if speaker else None,
        speaker_kind=speaker.kind if speaker else "unknown",
        cue=cue,
        start_char=span.start,
        end_char=span.end,
        speaker_canonical=speaker.canonical if speaker else None,
        speaker_text=speaker.text if speaker else None,
        attribution=how,
    )


def _sentences(text: str, spans: list[_Span]) -> list[_Sentence]:
    """Sentences, split at . ! ? and line breaks outside quotes, and after a quote that
    ends its sentence inside the marks ("…했다." 그는 …)."""
    opens = [q.open for q in spans]
    cuts = []
    for match in _SENTENCE_END.finditer(text):
        i = match.start()
        k = bisect_left(opens, i) - 1  # the last quote opened before i
        if k < 0 or spans[k].close < i:
            cuts.append(i + 1)
    for q in spans:
        if text[q.close - 1 : q.close] in ".!?" and not _QUOTATIVE.match(text, q.close + 1):
            cuts.append(q.close + 1)
    sentences = []
    start = 0
    for cut in [*sorted(set(cuts)), len(text)]:
        if text[start:cut].strip():
            inner = [q for q in spans if start <= q.open < cut]
            sentences.append(_Sentence(start, cut, inner))
        start = cut
    return sentences


def _subject(
    text: str, inside: list[Word], first: _Span | None, names: Sequence[EntityMention]
) -> tuple[Word, int] | None:
    """The speaker's subject word and where its noun ends: the first topic (은/는/도)
    before the quote, counted from the last comma before it ("…왔으며, 한 관계자는 "…"");
    else a subject between the quote and its verb ("…"라고 안 장관은 말했다, "…"라고 이
    단체에서는 주장했다); else the last 이/가 subject before the quote."""
    if first is None:
        before, after = inside, []
    else:
        before = [w for w in inside if w.end <= first.open]
        after = [w for w in inside if w.start > first.close]
    subjects = [(w, e) for w in before if (e := _end(text, w, before, names)) is not None]
    topics = [(w, e) for w, e in subjects if text[e : e + 1] in ("은", "는", "도", " ")]
    commas = [w.end for w in before if text[w.end - 1] == ","]
    late = [(w, e) for w, e in topics if commas and w.start > commas[-1]]
    if late or topics:
        return (late or topics)[0]
    for word in after:
        end = _end(text, word, after, names)
        if end is None and text[word.start : word.end].endswith("에서는"):
            end = word.end - 3
        if end is not None:
            return word, end
    return _topic_by_ending(text, before) or (subjects[-1] if subjects else None)


def _topic_by_ending(text: str, before: list[Word]) -> tuple[Word, int] | None:
    """The first word before the quote that ends in 은/는 and is no adnominal verb form or
    adverbial: mecab misreads many foreign names with their particle (피킨스는 as
    피/킨/스/는, 파라르도는 with two particles), and a sentence with a speech verb has a
    subject."""
    for word in before:
        written = text[word.start : word.end]
        if len(written) > 2 and written[-1] in "은는" and not _NOT_TOPIC.search(written):
            return word, word.end - 1
    return None


def _end(text: str, word: Word, region: list[Word], names: Sequence[EntityMention]) -> int | None:
    """Where a subject word's noun ends; a bare noun before 또한/역시 ("라이스 장관 또한")
    is a subject too."""
    end = subject_end(text, word, names)
    if end is None and word.tokens[-1].tag.startswith("NN"):
        following = region.index(word) + 1
        if following < len(region) and text[region[following].start : region[following].end] in (
            "또한",
            "역시",
        ):
            return word.end
    return end


def _cue(text: str, inside: list[Word], quote: _Span) -> str | None:
    """The speech verb after the quote, as written (말했다, 덧붙였다)."""
    for word in inside:
        if word.start <= quote.close:
            continue
        written = text[word.start : word.end]
        verb = any(t.tag[0] == "V" or t.tag in ("XSV", "XSA") for t in word.tokens)
        if verb and _SPEECH_VERB.match(written):
            return _PUNCT_TAIL.sub("", written)
    return None


def _continues(text: str, quotes: list[_Span], sentence: _Sentence, previous: _Sentence) -> bool:
    """One quote that is its whole sentence, right after a sentence with a quote: the
    speaker goes on."""
    if len(quotes) != 1 or not previous.quoted:
        return False
    quote = quotes[0]
    return not text[sentence.start : quote.open].strip() and not _PUNCT_TAIL.sub(
        "", text[quote.close + 1 : sentence.end]
    )
