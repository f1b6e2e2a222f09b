"""The lemma dictionaries of the Dutch pipeline as one on-disk table, opened in milliseconds.

Why: a question is a dozen words, but the lemmatisers behind them load whole dictionaries first —
spaCy's Dutch lookup table (spacy-lookups-data, 213,000 entries, and importing spaCy imports torch)
and simplemma's Dutch and English dictionaries (lzma-compressed, ~0.3 s each). For a CLI call that
is more than the answer costs. Here the same dictionaries are copied once into an SQLite file in the
derived-data cache (``ontology.disk_cache.cache_dir()``), named by a key over the package versions and
this module's code, and read a word at a time. The lemmatisers themselves are unchanged: simplemma
runs its own strategies over a dictionary that reads from the file (``lemmatizer``), and the spaCy
lookup is the same ``table.get(lower, lower)`` (``spacy_lookup``). So lemmas are identical by
construction; a long-running process (ingest) that looks up many words switches to the in-memory
dictionaries after ``BULK_AFTER`` lookups, where a dict is faster than SQLite.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ontology.disk_cache import cache_dir, content_key

log = logging.getLogger(__name__)

SIMPLEMMA_LANGUAGES = ("nl", "en")  # Dutch text, English questions
SPACY_TABLE = "spacy_nl"
BULK_AFTER = 20_000  # lookups in one process before the in-memory dictionary pays for its load
_PACKAGES = ("spacy", "spacy-lookups-data", "simplemma")


def _versions() -> str:
    return ", ".join(f"{p} {metadata.version(p)}" for p in _PACKAGES)


@lru_cache(maxsize=1)
def table_path() -> Path:
    """The SQLite file for the installed lemmatiser versions (built on first use)."""
    key = content_key([Path(__file__)], _versions())
    path = cache_dir() / f"lemma-tables-{key[:24]}.sqlite"
    if not path.exists():
        _build(path)
    return path


def _spacy_nl_lookup() -> dict[str, str]:
    """spaCy's Dutch ``lemma_lookup`` table with its string keys (spaCy keeps only their hashes)."""
    from spacy.lookups import load_language_data
    from spacy.util import registry

    return dict(load_language_data(registry.lookups.get("nl")["lemma_lookup"]))


def _simplemma_dictionary(lang: str) -> Mapping[str, str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    return DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)


def build_rows() -> Iterator[tuple[str, Iterator[tuple[str, str]]]]:
    """(table name, (key, lemma) rows) of every dictionary the file holds."""
    yield SPACY_TABLE, iter(_spacy_nl_lookup().items())
    for lang in SIMPLEMMA_LANGUAGES:
        yield f"simplemma_{lang}", iter(_simplemma_dictionary(lang).items())


def _build(path: Path) -> None:
    """Write the file atomically (a temp file renamed into place; concurrent builders both succeed)."""
    log.info("building the lemma tables (once per lemmatiser version): %s", path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lemma-tables.", suffix=".sqlite")
    os.close(fd)
    try:
        with sqlite3.connect(tmp) as db:
            for table, rows in build_rows():
                db.execute(f"CREATE TABLE {table} (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
                db.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


_local = threading.local()


def _db() -> sqlite3.Connection:
    """A read-only connection per thread (the server answers questions on several threads)."""
    db = getattr(_local, "db", None)
    if db is None:
        db = sqlite3.connect(f"file:{table_path()}?mode=ro", uri=True)
        _local.db = db
    return db


def lookup(table: str, key: str) -> str | None:
    row = _db().execute(f"SELECT v FROM {table} WHERE k = ?", (key,)).fetchone()
    return row[0] if row else None


@lru_cache(maxsize=200_000)
def spacy_lookup(text: str) -> str:
    """What spaCy's Dutch lookup lemmatizer gives a token: ``table.get(lower, lower)`` (its keys are
    lower case, so ``DutchLemmatizer.lookup_lemmatize`` looks the lowered text up)."""
    lower = text.lower()
    return lookup(SPACY_TABLE, lower) or lower


class _FileDictionary(Mapping[str, str]):
    """simplemma's dictionary for one language, read from the file until bulk use loads it whole."""

    def __init__(self, lang: str):
        self.lang = lang
        self.table = f"simplemma_{lang}"
        self.lookups = 0
        self.whole: Mapping[str, str] | None = None

    def get(self, key: str, default=None):  # type: ignore[override]  # simplemma calls .get only
        if self.whole is None:
            self.lookups += 1
            if self.lookups <= BULK_AFTER:
                value = lookup(self.table, key)
                return default if value is None else value
            self.whole = _simplemma_dictionary(self.lang)
        return self.whole.get(key, default)

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        for (key,) in _db().execute(f"SELECT k FROM {self.table}"):
            yield key

    def __len__(self) -> int:
        return _db().execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0]


class _FileDictionaryFactory:
    """A simplemma ``DictionaryFactory`` over the file (one dictionary object per language)."""

    def __init__(self) -> None:
        self._dictionaries: dict[str, _FileDictionary] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        if lang not in SIMPLEMMA_LANGUAGES:
            raise ValueError(f"no lemma table for language {lang!r}")
        if lang not in self._dictionaries:
            self._dictionaries[lang] = _FileDictionary(lang)
        return self._dictionaries[lang]


@lru_cache(maxsize=1)
def lemmatizer():
    """simplemma's lemmatizer exactly as ``simplemma.lemmatize`` builds it, on the file's dictionaries."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(
        lemmatization_strategy=DefaultStrategy(greedy=False, dictionary_factory=_FileDictionaryFactory())
    )
