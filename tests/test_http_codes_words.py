"""The study pages' own words for HTTP refusals (`study/common.js`, `study/questions.js`) name codes the
server still sends, and each has its words in French, English and Arabic: a code renamed on one side, or words
missing in a language, fails here (the socket's codes are checked in tests/test_wire_gen.py)."""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

import pytest
from fresque.i18n import LANGUAGES

REPO = Path(__file__).resolve().parents[1]
JS = REPO / "frontend" / "static" / "js" / "study"
I18N = REPO / "frontend" / "static" / "i18n"


def _listed(source: str, pattern: str) -> list[str]:
    found = re.search(pattern, source, re.S)
    assert found, f"no list matching {pattern!r}: the test must follow the module"
    return re.findall(r"'([a-z_]+)'", found.group(1))


def _pages_codes() -> dict[str, list[str]]:
    """The words' key prefix → the codes a page says with their own words under it."""
    common = (JS / "common.js").read_text()
    questions = (JS / "questions.js").read_text()
    return {
        "account.error.": _listed(common, r"const ACCOUNT_CODES = new Set\(\[(.*?)\]\)"),
        "study.error.": _listed(common, r"const STUDY_CODES = new Set\(\[(.*?)\]\)"),
        "questions.error.": _listed(questions, r"if \(\[(.*?)\]\.includes\(code\)\)"),
    }


@functools.cache
def _server_strings() -> set[str]:
    """Every string literal of the server's code."""
    out: set[str] = set()
    for path in (REPO / "backend" / "fresque").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


CODES = [(prefix, code) for prefix, codes in _pages_codes().items() for code in codes]


def test_the_pages_name_codes() -> None:
    assert len(CODES) >= 15, CODES  # the lists were read, not found empty


@pytest.mark.parametrize(("prefix", "code"), CODES, ids=[f"{p}{c}" for p, c in CODES])
def test_each_code_is_sent_by_the_server_and_has_words(prefix: str, code: str) -> None:
    assert code in _server_strings(), f"{code}: the server no longer sends it"
    for lang in LANGUAGES:
        words = json.loads((I18N / f"{lang}.json").read_text())
        assert words.get(prefix + code, "").strip(), f"no words for {prefix}{code} in {lang}"
