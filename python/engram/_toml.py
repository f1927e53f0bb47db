"""Writing Python values as TOML, for models built in Python.

The builder (:class:`engram.Network`) writes the same TOML a person would write in a
model file and hands it to the same parser, so a model built in Python is checked
and simulated exactly like its file. Quantities stay strings (``"20 ms"``),
distributions are dicts (``{"dist": "uniform", "low": "-70 mV", "high": "-50 mV"}``),
counts and indices are integers, plain numbers are floats.
"""

from __future__ import annotations

import math
import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name: str) -> str:
    """``name`` as a TOML key: bare when TOML allows it, quoted otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"names must be strings, found {type(name).__name__} {name!r}")
    return name if _BARE_KEY.match(name) else string(name)


def string(text: str) -> str:
    """``text`` as a TOML basic string, escaping what TOML requires escaped."""
    out = ['"']
    for c in text:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\t":
            out.append(c)
        # TOML forbids raw control characters and DEL inside basic strings.
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def value(v: Any, where: str) -> str:
    """``v`` as a TOML value. ``where`` (a dotted key) names it in a TypeError.

    ``str`` → string, ``bool`` → boolean, ``int`` → integer, ``float`` → float,
    ``dict`` → inline table, ``list``/``tuple``/NumPy array → array. NumPy scalars
    count as the Python number they hold.
    """
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        # NumPy arrays and scalars: `tolist` gives plain Python lists and numbers.
        v = v.tolist()
    if isinstance(v, str):
        return string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, dict):
        items = [f"{key(k)} = {value(x, f'{where}.{k}')}" for k, x in v.items()]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x, f"{where}[{i}]") for i, x in enumerate(v)) + "]"
    raise TypeError(
        f"{where}: cannot write a {type(v).__name__} into a model; expected a string with a unit "
        f'such as "20 ms", a number, a bool, a list or a dict'
    )


def override(path: str, v: Any) -> str:
    """A ``KEY=VALUE`` override (as the command line's ``--set``) setting ``path`` to ``v``."""
    return f"{path}={value(v, path)}"
