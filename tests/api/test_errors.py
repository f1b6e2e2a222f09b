"""The error model's edges: every user error has a stable code, an HTTP status and a Dutch message."""

from __future__ import annotations

import importlib

import pytest

from api.errors import DUTCH_FALLBACK, DUTCH_MESSAGES, dutch_message, http_status
from ontology import errors
from ontology.errors import BeleidsgraafError

# import every module that defines user errors so the hierarchy below is complete
for _module in ("graph.errors", "search.errors", "ingest.errors"):
    importlib.import_module(_module)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


QUERY_ERRORS = [c for c in _subclasses(BeleidsgraafError) if c.__module__ != "api.errors"]


def test_the_hierarchy_covers_every_layer():
    modules = {c.__module__ for c in QUERY_ERRORS}
    assert {"ontology.errors", "graph.errors", "search.errors", "ingest.errors"} <= modules


@pytest.mark.parametrize("cls", QUERY_ERRORS, ids=lambda c: c.__name__)
def test_every_user_error_has_a_code_and_a_status(cls):
    assert cls.code and cls.code != "error"
    if issubclass(cls, errors.NotFound | errors.BadParameter | errors.MalformedQuery | errors.Unavailable):
        assert http_status(_instance(cls)) in (404, 422, 400, 503)


def _instance(cls: type) -> BeleidsgraafError:
    if cls is errors.UnknownLabel:
        return cls("x", ["y"], "theme")
    if cls.__name__ == "IngestError":
        return cls("a.txt", "empty file")
    return cls("something went wrong", parameter="p")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.UnknownDocument("no document 'x'"), 404),
        (errors.UnknownMunicipality("unknown municipality 'x'"), 404),
        (errors.UnknownLabel("damokles", ["Damocles"], "instrument"), 404),
        (errors.BadParameter("give at least one of a, b"), 422),
        (errors.MalformedQuery("invalid SPARQL"), 400),
        (errors.Unavailable("busy"), 503),
    ],
)
def test_http_status_follows_the_category(error, status):
    assert http_status(error) == status


def test_codes_of_the_query_errors_have_a_dutch_message():
    for cls in QUERY_ERRORS:
        assert cls.code in DUTCH_MESSAGES, cls
    unknown = errors.UnknownLabel("damokles", ["Damocles"], "instrument")
    text = dutch_message(unknown)
    assert text.startswith(DUTCH_MESSAGES["unknown_label"]) and "damokles" in text
    assert dutch_message(errors.BeleidsgraafError("?")) == DUTCH_FALLBACK


def test_unknown_label_keeps_its_fields_for_the_json_body():
    error = errors.UnknownLabel("damokles", ["Damocles"], "instrument")
    assert error.fields == {"label": "damokles", "type": "instrument", "suggestions": ["Damocles"]}
    assert isinstance(error, LookupError) and "did you mean" in str(error)
