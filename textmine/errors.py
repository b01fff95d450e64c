"""Domain exceptions. Messages are for the analyst (Danish) and name file, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass


class TextmineError(Exception):
    """Base class: anything the CLI prints as one line and the app shows with st.error."""


class SurveyDefinitionError(TextmineError):
    """A survey definition (YAML) is missing a field or contradicts itself."""


class CodebookError(TextmineError):
    """A code frame (YAML) cannot be read or is inconsistent."""


class ModelError(TextmineError):
    """A model directory is missing, damaged or belongs to another code frame."""


class InputError(TextmineError):
    """An input file (CSV/XLSX) cannot be read or lacks a needed column."""


class StoreError(TextmineError):
    """The review store (SQLite) cannot be opened or was given a decision it cannot hold."""


class ConflictError(StoreError):
    """Someone else coded the answer after the analyst loaded it; ``.current`` is their decision."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell of an export."""

    file: str
    row: int | None        # 1-based row as a spreadsheet shows it (header is row 1)
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = [f"fil '{self.file}'"]
        if self.row is not None:
            where.append(f"række {self.row}")
        if self.column is not None:
            where.append(f"kolonne '{self.column}'")
        if self.value is not None:
            where.append(f"værdi {self.value!r}")
        return f"{', '.join(where)}: {self.message}"


class ExportError(TextmineError):
    """An export does not match its survey definition; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = "; ".join(str(p) for p in self.problems[:3])
        more = len(self.problems) - 3
        tail = f" (og {more} problemer mere)" if more > 0 else ""
        super().__init__(f"{first}{tail}")


def read_yaml_mapping(path, error: type[TextmineError], what: str, keys: tuple[str, ...]) -> dict:
    """A YAML file that must hold a mapping; ``what`` names it in Danish ("kodearket")."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
    except FileNotFoundError:
        raise error(f"{what} '{path}' findes ikke") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise error(f"{what} '{path}' er ikke gyldig YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise error(f"{what} '{path}' skal være en YAML-mapping med {' og '.join(repr(k) for k in keys)}")
    return raw
