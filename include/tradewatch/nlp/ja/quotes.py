"""Direct quotes in Japanese news and who said them.

Japanese copy quotes in 「…」 and reports the words with と and a speech verb:
``西村経済産業大臣は「…」と述べました``, ``「…」と話しています``, ``「…」との認識を示した``,
``経済産業省は「…」としています``. A quote is a 「…」 span (nested 『』 and 「」 kept
inside) followed by と (とも, との, という) and, before the sentence ends, a speech verb
or a stance noun shown (考え, 認識, 見解... を示した). A quoted term (「ホワイト国」) is not
followed that way, so it is no quote.

The speaker is the は/が-marked subject of the sentence, before the quote or between
the quote and the verb. A subject naming a person is ``named`` (the entity's canonical
name), an organisation ``organisation``, 同氏/彼/彼女 a ``pronoun`` resolved to the last
person quoted or named, a described person (担当者, 関係者, 韓国側の担当者) a
``descriptor`` with anything that only hides a name dropped (匿名を条件に). A sentence
with no subject is the previous quote's speaker's (``previous_sentence``), as Japanese
copy leaves out a subject it already gave. "Xによると" in the sentence names who the
article has the quote from (``reported_by``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from tradewatch.models import EntityMention, Quote, SpeakerKind
from tradewatch.nlp.gazetteer import Gazetteer

__all__ = ["SPEECH_LEMMAS", "extract_quotes"]

# Lemmas of verbs (and predicate nouns, 「…」と説明。) that report speech or a stance.
SPEECH_LEMMAS = frozenset(
    "述べる 語る 話す 言う いう 説明 強調 指摘 主張 明かす 表明 発表 批判 訴える 答える 回答 "
    "振り返る 供述 述懐 発言 報告 反論 説く 呼びかける 結ぶ 付け加える 強調する 漏らす 打ち明ける "
    "コメント 明言 断言 否定 認める 謝罪 釈明 弁明 力説 述べ 話し 語り 応じる 宣言 要求 "
    "求める 促す 警告 懸念 期待 評価 歓迎 抗議 反発 非難 約束 誓う 明らか".split()
)
# A stance noun shown or stated: 「…」との認識を示した, 「…」という見解を明らかにした.
_STANCE_NOUNS = frozenset(
    "考え 認識 見解 見方 方針 意向 立場 姿勢 意見 コメント 声明 談話 認識 思い 意欲 懸念 "
    "期待 不満 決意 考え方".split()
)
_STANCE_VERBS = frozenset("示す 明らか 表明 述べる 強調 語る 明かす 発表 出す 伝える".split())
_QUOTATIVE = re.compile(r"\s*(?:とも|との|という|と)")
_MIN_CHARS = 2
_PRONOUNS = frozenset({"同氏", "彼", "彼女", "同相", "同大臣", "同首相", "同長官", "同会長"})
# Heads of nouns that name someone or something that speaks (担当者, 社長, 省, 声明...).
_SPEAKER_HEAD = re.compile(
    r"(?:者|員|長|官|氏|士|さん|君|選手|監督|社長|会長|代表|候補|大臣|首相|大統領|知事|市長|議員|"
    r"報道官|広報|当局|政府|政権|省|庁|局|課|協会|連盟|連合|会社|社|店|団体|組合|委員会|本部|"
    r"事務所|チーム|側|周辺|教授|弁護士|容疑者|被告|住民|市民|男性|女性|少年|少女|生徒|学生|"
    r"教師|医師|騎手|力士|関係者|担当者|幹部|専門家|アナリスト|研究者|声明|談話|報告書|"
    r"裁判長|検事|総裁|理事|党|軍|学校|小学校|大学|病院|銀行|財団|機構|センター)$"
)
_DOCUMENT_HEADS = re.compile(r"(?:声明|報告書|談話|文書|発表文|報道発表|白書|コメント)$")
_HIDDEN_NAME = re.compile(r"^(?:匿名を条件に|匿名を希望した|名前を明かさなかった)")
_RELAY = re.compile(r"([^、。「」]{1,30}?)によると")
# Words that end in hiragana or sentence punctuation are a clause (注視していく, 不十分だ),
# a quoted name ends in kanji or katakana (議員案件, みずほ銀行シート).
_CLAUSE_END = re.compile(r"[\u3041-\u309f。！？!?」』]$")


@dataclass
class _Said:
    """What the previous quote left for the next one: its speaker, for a zero subject."""

    speaker: str | None = None
    kind: SpeakerKind = "unknown"
    canonical: str | None = None
    text: str | None = None


def extract_quotes(doc: Doc, entities: list[EntityMention], gazetteer: Gazetteer) -> list[Quote]:
    """The doc's direct quotes in text order, each with its speaker."""
    quotes: list[Quote] = []
    last = _Said()
    text = doc.text
    spans = _quote_spans(text)
    for start, end in spans:
        after = _QUOTATIVE.match(text, end + 1)
        if after is None or end - start < _MIN_CHARS:
            continue
        cue = _cue(doc, after.end(), text[start:end])
        if cue is None:
            continue
        left = _clause_start(text, start, spans)
        subject = _subject(doc, left, start, end, cue, spans, entities)
        attribution = "cue"
        if subject is None:
            attribution = "previous_sentence"
            subject = _earlier_subject(doc, left, spans, entities)
        said = _speaker(subject, entities, gazetteer, last) if subject is not None else last
        if said.speaker is not None:
            last = said
        relay = _RELAY.search(text, left, start)
        quotes.append(
            Quote(
                quote=text[start:end],
                speaker=said.speaker,
                speaker_kind=said.kind,
                cue=cue.text,
                start_char=start,
                end_char=end,
                speaker_canonical=said.canonical,
                speaker_text=said.text,
                attribution=attribution if said.speaker else None,
                reported_by=relay.group(1).strip() if relay else None,
            )
        )
    return quotes


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the words inside each top-level 「…」, nested brackets kept."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char == "「":
            if depth == 0:
                start = i + 1
            depth += 1
        elif char == "」" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
        elif char == "\n" and depth and text[i - 1 : i + 1] == "\n\n":
            depth = 0  # an unclosed bracket ends with its paragraph
    return spans


def _cue(doc: Doc, offset: int, quoted: str) -> Token | None:
    """The speech verb after the quote's と, before the sentence ends."""
    first = _token_at(doc, offset)
    if first is None:
        return None
    for token in doc[first.i :]:
        if token.text in ("。", "「") or "\n" in token.text:
            return None
        lemma = token.lemma_
        if lemma in SPEECH_LEMMAS and token.pos_ in ("VERB", "ADJ"):
            return token
        if lemma in SPEECH_LEMMAS and token.pos_ == "NOUN" and _predicate(token):
            return token
        if lemma in _STANCE_NOUNS and _shown(token):
            return token
        stance = lemma == "する" and token.i == first.i and _CLAUSE_END.search(quoted)
        if stance and not _attributive(token):
            return token  # 「…」としている: the organisation's stated position
    return None


def _predicate(noun: Token) -> bool:
    """A speech noun used as the predicate (説明した, とコメント。), not 「コメントなしに」."""
    if noun.i + 1 >= len(noun.doc):
        return True
    after = noun.doc[noun.i + 1]
    return after.lemma_ in ("する", "だ", "です") or after.text in ("。", "、", "し")


def _attributive(verb: Token) -> bool:
    """する modifying a noun (「…」とする検察側の主張): the words are not someone's statement."""
    following = [t for t in verb.doc[verb.i + 1 : verb.i + 3] if t.pos_ != "AUX"]
    return bool(following) and following[0].pos_ in ("NOUN", "PROPN")


def _shown(noun: Token) -> bool:
    """A stance noun whose verb shows or states it (認識を示した)."""
    head = noun.head
    return head.i > noun.i and (head.lemma_ in _STANCE_VERBS or head.lemma_ in SPEECH_LEMMAS)


def _token_at(doc: Doc, offset: int) -> Token | None:
    for token in doc:
        if token.idx >= offset:
            return token
    return None


def _clause_start(text: str, start: int, spans: list[tuple[int, int]]) -> int:
    """Where the quote's sentence begins: after the last 。 or line break before the
    quote that is not inside another quote."""
    i = start - 1
    while i > 0:
        inside = next((a for a, b in spans if a <= i <= b and b < start), None)
        if inside is not None:
            i = inside - 2
            continue
        if text[i] in "。\n":
            return i + 1
        i -= 1
    return 0


def _subject(
    doc: Doc,
    left: int,
    start: int,
    end: int,
    cue: Token,
    spans: list[tuple[int, int]],
    entities: list[EntityMention],
) -> Span | None:
    """The subject that could speak, outside any quote: the last one marked は or も before
    the quote, else the last marked が, else the first one between the quote and its verb."""
    found = [
        (phrase, particle)
        for phrase, particle in _marked(doc, left, cue.idx, spans)
        if not start - 1 <= phrase.start_char <= end and _could_speak(phrase, entities)
    ]
    before = [(p, k) for p, k in found if p.end_char < start]
    topics = [p for p, k in before if k in ("は", "も", "話")]
    if topics:
        return topics[-1]
    if before:
        return before[-1][0]
    between = [p for p, _ in found if p.start_char > end]
    return between[0] if between else None


def _marked(
    doc: Doc, left: int, right: int, spans: list[tuple[int, int]]
) -> list[tuple[Span, str]]:
    """Noun phrases between ``left`` and ``right`` marked by the particle after them (は,
    が, も; a parenthesis may come between: 男性(47歳)は), and the X of "Xの話では"."""
    found: list[tuple[Span, str]] = []
    text = doc.text
    for token in doc:
        if token.idx < left or token.idx >= right:
            continue
        if any(a <= token.idx < b for a, b in spans):
            continue
        nxt = token.i + 1
        if nxt < len(doc) and doc[nxt].text in ("(", "（"):
            close = next((t.i for t in doc[nxt:] if t.text in (")", "）")), None)
            nxt = close + 1 if close is not None else nxt
        if nxt >= len(doc):
            continue
        particle = doc[nxt].text
        if token.text in ("」",) and particle in ("は", "が"):
            name = next((a for a, b in spans if b == token.idx), None)
            if name is not None and token.idx - name <= 20:
                span = doc.char_span(name, token.idx, alignment_mode="expand")
                if span is not None:
                    found.append((span, particle))
            continue
        if not _nominal(token):
            continue
        if particle in ("は", "が", "も"):
            found.append((_phrase(doc, token), particle))
        elif text.startswith("の話では", doc[nxt].idx) or text.startswith(
            "の話によると", doc[nxt].idx
        ):
            found.append((_phrase(doc, token), "話"))
    return found


def _nominal(token: Token) -> bool:
    """A noun, pronoun, numeral or noun prefix by Sudachi's tag (ginza's UD tags slip)."""
    return token.tag_.startswith(("名詞", "代名詞", "接頭辞", "接尾辞-名詞的"))


def _could_speak(phrase: Span, entities: list[EntityMention]) -> bool:
    """A person, an organisation, a described person or a text: not 計画 or 戦争. A proper
    noun that is no place name counts (ginza misses many companies), and so does a name in
    brackets (「サモンプロモーション」は)."""
    last = phrase[-1]
    head = last.text
    if head in _PRONOUNS or _SPEAKER_HEAD.search(head):
        return True
    if "固有名詞" in last.tag_ and "地名" not in last.tag_:
        return True
    doc = phrase.doc
    if phrase.start_char > 0 and doc.text[phrase.start_char - 1] == "「":
        return True
    return any(
        m.label in ("PERSON", "ORG")
        and phrase.start_char <= m.start_char < phrase.end_char
        and m.end_char >= phrase.end_char
        for m in entities
    )


def _earlier_subject(
    doc: Doc, left: int, spans: list[tuple[int, int]], entities: list[EntityMention]
) -> Span | None:
    """The speaking は-subject of one of the three sentences before, in the same paragraph:
    Japanese copy leaves out a subject it has just given."""
    right = left
    for _ in range(3):
        if right <= 0 or doc.text[right - 2 : right] == "\n\n":
            return None
        end = right
        while end > 0 and doc.text[end - 1] in "。\n":
            end -= 1
        begin = _clause_start(doc.text, end, spans)
        topics = [
            p
            for p, k in _marked(doc, begin, right, spans)
            if k in ("は", "も") and _could_speak(p, entities)
        ]
        if topics:
            return topics[0]
        right = begin
    return None


def _phrase(doc: Doc, head: Token) -> Span:
    """The subject's noun phrase: the head and the nouns, names, prefixes, parentheses and
    の-linked modifiers right before it (韓国側の担当者, 金奎一(キム・ギュイル)代表)."""
    left = head.i
    while left > 0:
        prev = doc[left - 1]
        if prev.is_space or "\n" in prev.text:
            break
        if prev.text in (")", "）"):
            opening = next((t.i for t in reversed(doc[: left - 1]) if t.text in ("(", "（")), None)
            if opening is None or opening == 0:
                break
            left = opening
            continue
        if _nominal(prev) or prev.text in ("・", "＝") or (prev.text == "の" and left - 2 >= 0):
            left -= 1
            continue
        break
    return doc[left : head.i + 1]


def _speaker(
    phrase: Span,
    entities: list[EntityMention],
    gazetteer: Gazetteer,
    last: _Said,
) -> _Said:
    head = phrase[-1]
    words = _HIDDEN_NAME.sub("", phrase.text).lstrip("の、")
    if head.text in _PRONOUNS:
        if last.kind in ("named", "pronoun") and last.speaker:
            return _Said(last.speaker, "pronoun", last.canonical, words)
        person = next(
            (m for m in reversed(entities) if m.label == "PERSON" and m.end_char <= head.idx),
            None,
        )
        if person is None:
            return _Said(words, "pronoun", None, words)
        return _Said(person.canonical, "pronoun", person.canonical, words)
    inside = [
        m for m in entities if phrase.start_char <= m.start_char and m.end_char <= phrase.end_char
    ]
    person = next((m for m in reversed(inside) if m.label == "PERSON"), None)
    if person is not None:
        return _Said(person.canonical, "named", person.canonical, words)
    org = next((m for m in inside if m.label != "PERSON" and m.end_char >= phrase.end_char), None)
    if org is not None:
        entry = gazetteer.lookup(org.text)
        media = entry is not None and entry.kind == "media"
        kind: SpeakerKind = "media" if media else "organisation"
        return _Said(org.canonical, kind, org.canonical, words)
    if _DOCUMENT_HEADS.search(words):
        return _Said(words, "document", None, words)
    return _Said(words, "descriptor", None, words)
