"""What text a resident may put on a board.

Text is stored and sent verbatim (HTML-looking text, emoji sequences and Arabic included); the browser renders
it as text. We refuse only what no keyboard produces and what breaks storage or JSON parsers downstream:
NUL and other C0 control characters (tab and newline are fine) and lone UTF-16 surrogates, which cannot be
encoded as UTF-8 and so could never be stored or sent back.
"""

from .errors import RuleError

_ALLOWED_CONTROLS = {"\t", "\n"}


def check_text(value: str, *, max_chars: int, field: str = "text") -> str:
    if len(value) > max_chars:
        raise RuleError("text_too_long", f"{field} has {len(value)} characters; the limit is {max_chars}")
    for ch in value:
        code = ord(ch)
        if (code < 0x20 and ch not in _ALLOWED_CONTROLS) or code == 0x7F:
            raise RuleError("text_invalid", f"{field} contains the control character U+{code:04X}")
        if 0xD800 <= code <= 0xDFFF:
            raise RuleError("text_invalid", f"{field} contains a lone surrogate U+{code:04X}")
    return value
