"""The app's surveys side by side: one folder per survey in a workspace, plus the bundled demo.

A project folder holds the export as uploaded, ``project.yaml`` (title, export file, survey
definition) and ``coded/`` from ``code_survey``. Decisions go to the review store: one SQLite
file per project by default, or the team database named by ``$TEXTMINE_STORE``. The survey id in
every answer key is the project's slug, so two exports of the same survey never mix.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from .errors import InputError, read_yaml_mapping
from .io import EXCEL_SUFFIXES, Export, read_export
from .store import ENV_STORE, default_store_path
from .survey import Survey, load_survey

ENV_WORKSPACE = "TEXTMINE_WORKSPACE"
ENV_CODED = "TEXTMINE_CODED"
ENV_SURVEY = "TEXTMINE_SURVEY"
WORKSPACE = Path("data/workspace")
DEMO_SLUG = "demo-2024"
DEMO_TITLE = "Demo: Sikkerhedskonsulentordningen 2024"
DEMO_EXPORT = Path("data/demo/sikkerhedskonsulent-2024-eksport.csv")
DEMO_SURVEY = Path("data/surveys/sikkerhedskonsulent-2024.yaml")
DEMO_CODED = Path("data/demo/coded")
SURVEYS = Path("data/surveys")
EXPORT_SUFFIXES = {".csv", ".txt", *EXCEL_SUFFIXES}


@dataclass(frozen=True)
class Project:
    """One survey's export, definition, coded answers and review store."""

    slug: str
    title: str
    export: Path | None   # None for a coded file opened on its own ($TEXTMINE_CODED)
    survey: Path
    coded: Path           # coded.csv as ``code_survey`` writes it
    store: str            # a path or a database URL

    @property
    def coded_dir(self) -> Path:
        return self.coded.parent

    @property
    def models(self) -> Path:
        """Models retrained from this project's human coding (``models/<codebook id>/``)."""
        return self.coded_dir.parent / "models"


def workspace(root, environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ[ENV_WORKSPACE]) if environ.get(ENV_WORKSPACE) else Path(root) / WORKSPACE


def store_target(folder: Path, environ=None) -> str:
    """``$TEXTMINE_STORE`` (a team database) or ``store.sqlite`` in the project's folder."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_STORE) or str(folder / "store.sqlite")


def demo_project(root, environ=None) -> Project:
    space = workspace(root, environ)
    root = Path(root)
    return Project(DEMO_SLUG, DEMO_TITLE, root / DEMO_EXPORT, root / DEMO_SURVEY, root / DEMO_CODED / "coded.csv",
                   store_target(space / DEMO_SLUG, environ))


def list_projects(root, environ=None) -> list[Project]:
    """The demo first, then the workspace's projects, newest first.

    ``$TEXTMINE_CODED`` (a coded.csv) with ``$TEXTMINE_SURVEY`` (its definition) opens that file alone.
    """
    environ = os.environ if environ is None else environ
    if environ.get(ENV_CODED):
        coded = Path(environ[ENV_CODED])
        survey = Path(environ[ENV_SURVEY]) if environ.get(ENV_SURVEY) else Path(root) / DEMO_SURVEY
        return [Project(slugify(coded.parent.name), coded.name, None, survey, coded,
                        environ.get(ENV_STORE) or str(default_store_path(coded)))]
    space = workspace(root, environ)
    found = []
    for meta in sorted(space.glob("*/project.yaml")) if space.is_dir() else ():
        if meta.parent.name != DEMO_SLUG:
            found.append(_load(meta, environ))
    found.sort(key=lambda p: _created(p), reverse=True)
    return [demo_project(root, environ), *found]


def _created(project: Project) -> str:
    return str(_meta(project.coded_dir.parent / "project.yaml").get("created", ""))


def _meta(path: Path) -> dict:
    return read_yaml_mapping(path, InputError, "projektfilen", ("title", "export", "survey"))


def _load(meta: Path, environ) -> Project:
    raw = _meta(meta)
    folder = meta.parent
    missing = [k for k in ("title", "export", "survey") if not raw.get(k)]
    if missing:
        raise InputError(f"fil '{meta}': feltet '{missing[0]}' mangler. Opret undersøgelsen igen på siden Data.")
    survey = Path(raw["survey"])
    return Project(folder.name, str(raw["title"]), folder / str(raw["export"]),
                   survey if survey.is_absolute() else folder / survey, folder / "coded" / "coded.csv",
                   store_target(folder, environ))


def slugify(title: str) -> str:
    """'Brugerundersøgelse 2025 – kommuner' -> 'brugerundersoegelse-2025-kommuner'."""
    text = title.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "undersoegelse"


def survey_choices(root) -> list[Path]:
    """The survey definitions bundled in ``data/surveys/``."""
    return sorted((Path(root) / SURVEYS).glob("*.yaml"))


def check_upload(name: str, data: bytes, survey: Survey, folder: Path) -> Export:
    """Write an uploaded export to ``folder`` and read it in reject mode: valid rows kept, problems listed."""
    suffix = Path(name).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(f"filen '{name}' er ikke en CSV- eller XLSX-fil (endelsen er '{suffix or 'ingen'}'). "
                         "Eksportér besvarelserne som CSV eller XLSX.")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"eksport{suffix}"
    path.write_bytes(data)
    return read_export(path, survey, on_error="reject")


def save_uploaded_survey(files: dict[str, bytes], folder: Path) -> Path:
    """Save an uploaded survey definition with its code frames; codebook paths point to the copies beside it.

    ``files`` maps file names to contents: exactly one survey definition (it has ``questions``) and
    the code frames it names, matched by file name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(data)
    surveys = [n for n in files if "questions" in (_yaml(folder / Path(n).name) or {})]
    if len(surveys) != 1:
        raise InputError(f"upload præcis én spørgeskemadefinition (en YAML-fil med 'questions'); fandt {len(surveys)}: "
                         f"{', '.join(surveys) or 'ingen'}")
    path = folder / Path(surveys[0]).name
    raw = _yaml(path)
    missing: list[str] = []
    _rebase_codebooks(raw, folder, missing)
    if missing:
        raise InputError(f"fil '{path.name}': koderammerne {', '.join(repr(m) for m in missing)} blev ikke uploadet. "
                         "Upload dem sammen med spørgeskemadefinitionen.")
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None


def _rebase_codebooks(node, folder: Path, missing: list[str]) -> None:
    # A definition written beside ../codebooks/ names its frames relative to that; the uploaded
    # copies sit next to it, so each 'codebook' becomes its file name when that file was uploaded.
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "codebook" and isinstance(value, str):
                local = folder / Path(value).name
                if local.exists():
                    node[key] = local.name
                elif value not in missing:
                    missing.append(value)
            else:
                _rebase_codebooks(value, folder, missing)
    elif isinstance(node, list):
        for item in node:
            _rebase_codebooks(item, folder, missing)


def create_project(root, title: str, export_name: str, export_data: bytes, *, survey_path=None,
                   survey_files: dict[str, bytes] | None = None, environ=None) -> tuple[Project, Export]:
    """A new project folder with the export and ``project.yaml``, and the export as read.

    The survey definition is a bundled one (``survey_path``) or uploaded with its code frames
    (``survey_files``). Rows with problems are kept out and listed in ``Export.problems``;
    when the export cannot be read at all, InputError/ExportError (naming file, row, column
    and value) is raised and nothing is saved.
    """
    title = " ".join(str(title).split())
    if not title:
        raise InputError("giv undersøgelsen et navn, fx 'Brugerundersøgelse 2025'")
    if (survey_path is None) == (survey_files is None):
        raise InputError("vælg en spørgeskemadefinition eller upload en (ikke begge)")
    space = workspace(root, environ)
    slug = _free_slug(space, slugify(title))
    folder = space / slug
    try:
        if survey_files is not None:
            survey_path = save_uploaded_survey(survey_files, folder / "survey")
        export = check_upload(export_name, export_data, load_survey(survey_path), folder)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    survey_path = Path(survey_path).resolve()
    meta = {"title": title, "export": next(folder.glob("eksport.*")).name, "survey": str(survey_path),
            "original_name": Path(export_name).name,
            "created": datetime.now(UTC).isoformat(timespec="microseconds")}
    (folder / "project.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    return _load(folder / "project.yaml", environ), export


def _free_slug(space: Path, slug: str) -> str:
    if slug == DEMO_SLUG or (space / slug).exists():
        n = 2
        while (space / f"{slug}-{n}").exists():
            n += 1
        return f"{slug}-{n}"
    return slug
