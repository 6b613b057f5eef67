"""Text from articles and theme files, made safe to print on a terminal."""

from __future__ import annotations

import re

__all__ = ["for_terminal"]

# What a terminal would act on instead of showing: control characters (colours, cursor moves,
# a carriage return over the line) and the marks that reverse the order of the text shown.
_NAMED = {9: "\\t", 10: "\\n", 13: "\\r"}
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object) -> str:
    """``text`` for a terminal: characters it would obey written as escapes, the rest as it is.

    >>> print(for_terminal("Arm\\x1b[2J\\u202eenia\\nborder"))
    Arm\\x1b[2J\\u202eenia\\nborder
    """
    return _UNSHOWN.sub(_escape, str(text))


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    return _NAMED.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
