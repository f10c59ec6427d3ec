"""Documentation tested as code: every setting is in the README, every error code in docs/protocol.md."""

from __future__ import annotations

import re
from pathlib import Path

from fresque.config import Settings

REPO = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"FRESQUE_{name.upper()}" not in readme]
    assert missing == []


def test_every_error_code_the_server_can_send_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (REPO / "backend" / "fresque").rglob("*.py"))
    codes = set(re.findall(r'(?:RuleError|ProtocolError|error_frame)\(\s*"([a-z_]+)"', source))
    codes |= set(re.findall(r'"code": "([a-z_]+)"', source))
    codes |= set(re.findall(r'_reject\(push\.op_id, "([a-z_]+)"', source))
    assert len(codes) > 30
    protocol = (REPO / "docs" / "protocol.md").read_text()
    assert sorted(code for code in codes if f"`{code}`" not in protocol and code not in protocol) == []
