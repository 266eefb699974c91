"""Reading the dataset's JSON files with errors that name the file and what is wrong."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import DataError

# the largest per-task file of the release is about 100 KB: a file over this is not a label
# file, and parsing it would take many times its size in memory
MAX_JSON_BYTES = 32 * 2**20


def read_json(path: Path, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse ``path``; a missing, unreadable or too large file or malformed JSON raises
    :class:`DataError`."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise DataError(path, f"is {size / 2**20:.0f} MiB; a JSON file of the layout "
                                      f"may be at most {max_bytes / 2**20:.0f} MiB")
            return json.loads(f.read().decode("utf-8"))
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


def expect_text(value: Any, path: Path, where: str) -> str:
    """``value`` must be a string."""
    expect(isinstance(value, str), path, f"{where} must be a string, not {type(value).__name__}")
    return value


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
