"""A study's export compared with another one: equal but for what an import changes by design
(docs/study-export.md, "What a round trip keeps"), with the old ids renamed to the new ones.

Used by tests/test_study_export.py and tests/test_study_story.py."""

from __future__ import annotations

import copy
import json
import re
from typing import Any


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The document without what an import changes by design (docs/study-export.md, "What a round trip
    keeps"): export times, the study's creation time, the team, the boards' sequence numbers; and the order of
    the dots, which follows their participants' ids."""
    out = copy.deepcopy(document)
    out.pop("exported_at")
    out["study"].pop("created_at")
    out.pop("team")
    for entry in out["workshops"]:
        entry["export"].pop("exported_at")
        for board in entry["export"]["boards"]:
            board.pop("exported_at")
            board["board"].pop("seq")
            # sorted by participant id: renamed people may come in another order
            board["votes"]["by_participant"].sort(key=lambda v: (v["participant"], v["item"]))
    return out


def renamed(document: dict[str, Any], ids: dict[str, dict[str, str]]) -> dict[str, Any]:
    """`document` with every old id replaced by its new one wherever it appears (inside picture URLs and
    `custom:<id>` refs too): ids are 32 random hex digits or the participants' own, so whole-word matches are
    references."""
    mapping = {old: new for table in ids.values() for old, new in table.items() if old != new}
    text = json.dumps(document, ensure_ascii=False)
    if mapping:
        pattern = re.compile("|".join(re.escape(old) for old in sorted(mapping, key=len, reverse=True)))
        text = pattern.sub(lambda m: mapping[m.group(0)], text)
    found: dict[str, Any] = json.loads(text)
    return found


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only on one side" for k in sorted(set(a) ^ set(b))]
        for key in sorted(set(a) & set(b)):
            out += differences(a[key], b[key], f"{where}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{where}[{i}]")
        ]
    return [] if a == b else [f"{where}: {str(a)[:200]} != {str(b)[:200]}"]
