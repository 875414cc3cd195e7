"""A small gazetteer with Korean names, written for the Korean analysis tests, so they do
not move when the project's own aliases grow."""

from __future__ import annotations

from pathlib import Path

import pytest

GAZETTEER = {
    "agencies": """
- canonical: Ministry of Trade, Industry and Energy
  label: ORG
  ko: [산업통상자원부, 산업부]
- canonical: Korea Customs Service
  label: ORG
  ko: [관세청]
""",
    "companies": """
- canonical: Samsung Electronics
  label: ORG
  ko: [삼성전자]
- canonical: SK Hynix
  label: ORG
  ko: [SK하이닉스]
- canonical: JSR
  label: ORG
""",
    "media": """
- canonical: Kyodo News
  label: ORG
  kind: media
  ko: [교도통신]
""",
    "people": """
- canonical: Ahn Duk-geun
  label: PERSON
  ko: [안덕근]
- canonical: Yasutoshi Nishimura
  label: PERSON
  ko: [니시무라 야스토시]
""",
    "places": """
- canonical: Japan
  label: GPE
  ko: [일본]
- canonical: Tokyo
  label: GPE
  ko: [도쿄]
""",
    "materials": """
- canonical: photoresist
  label: MATERIAL
  ko: [포토레지스트]
""",
    "policy": """
- canonical: white list
  label: POLICY
  ko: [화이트리스트]
""",
}


def use_test_gazetteer(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write the gazetteer to ``folder`` and point ``TRADEWATCH_GAZETTEER_DIR`` at it."""
    for stem, body in GAZETTEER.items():
        (folder / f"{stem}.yaml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("TRADEWATCH_GAZETTEER_DIR", str(folder))
