"""TOML reading with exact decimals: ``tomllib`` on Python >= 3.11, ``tomli`` before."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


class TomlError(ValueError):
    """A TOML file that does not parse; the message names the file."""


def load_toml_bytes(data: bytes, *, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise TomlError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except TOMLDecodeError as exc:
        raise TomlError(f"{where}: invalid TOML: {exc}") from None
