"""The version of the extraction and analysis rules, stored on every row they produce.

It lives apart from ``tradewatch.nlp`` so that stages with nothing to analyse can record it
without importing spaCy (a run that finds nothing new should cost seconds, not the import).
Bump it whenever relevance rules, the gazetteer or entity/quote logic change output, so
``tradewatch reprocess --stages analyze`` knows which stored rows are stale.
"""

EXTRACTION_VERSION = "2026.12.5"
