"""Reading the dataset's JSON files with errors that name the file and what is wrong."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import DataError


def read_json(path: Path) -> Any:
    """Parse ``path``; a missing or unreadable file or malformed JSON raises :class:`DataError`."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise DataError(path, "file is missing") from None
    except OSError as e:  # a folder, no permission, an I/O error...
        raise DataError(path, f"cannot be read: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise DataError(path, f"malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except UnicodeDecodeError as e:
        raise DataError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None


def expect(cond: bool, path: Path, reason: str) -> None:
    """Raise a schema :class:`DataError` for ``path`` unless ``cond`` holds."""
    if not cond:
        raise DataError(path, f"wrong schema: {reason}")


def expect_key_list(value: Any, path: Path, where: str) -> list[str]:
    """``value`` must be a list of strings (shot keys)."""
    expect(isinstance(value, list) and all(isinstance(k, str) for k in value), path,
           f"{where} must be a list of key strings")
    return value


def parse_pos_neg(value: Any, path: Path, where: str) -> tuple[list[str], list[str]]:
    """``{"pos": [keys], "neg": [keys]}`` -> (pos, neg)."""
    expect(isinstance(value, dict) and "pos" in value and "neg" in value, path,
           f"{where} must be an object with 'pos' and 'neg' lists")
    return (expect_key_list(value["pos"], path, f"{where}.pos"),
            expect_key_list(value["neg"], path, f"{where}.neg"))


def parse_key_values(value: Any, path: Path, where: str) -> list[tuple[str, bool]]:
    """``[{"key": k, "value": bool}, ...]`` -> ordered list of (key, value)."""
    expect(isinstance(value, list), path, f"{where} must be a list")
    out = []
    for i, item in enumerate(value):
        expect(isinstance(item, dict) and isinstance(item.get("key"), str)
               and isinstance(item.get("value"), bool), path,
               f"{where}[{i}] must be {{\"key\": str, \"value\": bool}}")
        out.append((item["key"], item["value"]))
    return out
