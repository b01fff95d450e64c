"""Code frames: the analysts' themes for one open question, read from YAML as they write them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import CodebookError, read_yaml_mapping

# Themes that mean "nothing to code" never combine with another theme.
EXCLUSIVE_BY_DEFAULT = frozenset({"ingen_kommentar"})


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    label_en: str | None = None
    backcode_to: str | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class Codebook:
    codebook: str
    title: str
    themes: tuple[Theme, ...]
    multi_label: bool = True
    language: str = "da"
    backcode_question: int | None = None
    path: Path | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def theme(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise CodebookError(f"kodearket '{self.codebook}' har intet tema '{theme_id}'; temaer: {list(self.ids)}")

    @property
    def label_of(self) -> dict[str, str]:
        return {t.id: t.label for t in self.themes}

    @property
    def exclusive_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.themes if t.exclusive)

    @property
    def content_hash(self) -> str:
        """Hash of everything the frame says (not of comments or layout)."""
        payload = {k: v for k, v in asdict(self).items() if k != "path"}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    @property
    def signature(self) -> dict:
        """What a trained model depends on: the frame id, its kind and its theme ids."""
        return {"codebook": self.codebook, "multi_label": self.multi_label, "themes": list(self.ids)}

    def check_ids(self, ids, where: str) -> None:
        unknown = [i for i in ids if i not in self.ids]
        if unknown:
            raise CodebookError(f"{where}: ukendte temaer {unknown} for kodearket '{self.codebook}'; temaer: {list(self.ids)}")


def load_codebook(path) -> Codebook:
    """Load a code frame from YAML.

    Examples
    --------
    >>> cb = load_codebook("data/codebooks/sikkerhedskonsulent-q8.yaml")  # doctest: +SKIP
    >>> cb.theme("lovgivning_udland").label  # doctest: +SKIP
    'Regler og lovgivning i andre lande'
    """
    path = Path(path)
    raw = read_yaml_mapping(path, CodebookError, "kodearket", ("codebook", "themes"))
    for key in ("codebook", "themes"):
        if not raw.get(key):
            raise CodebookError(f"kodearket '{path}' mangler feltet '{key}'")
    themes = []
    for i, t in enumerate(raw["themes"]):
        if not isinstance(t, dict) or not t.get("id") or not t.get("label"):
            raise CodebookError(f"kodearket '{path}': tema nr. {i + 1} mangler 'id' eller 'label': {t!r}")
        themes.append(Theme(
            id=str(t["id"]),
            label=str(t["label"]),
            description=" ".join(str(t.get("description") or "").split()),
            keywords=tuple(str(k) for k in t.get("keywords") or ()),
            examples=tuple(str(e) for e in t.get("examples") or ()),
            label_en=t.get("label_en"),
            backcode_to=t.get("backcode_to"),
            exclusive=bool(t.get("exclusive", t["id"] in EXCLUSIVE_BY_DEFAULT)),
        ))
    ids = [t.id for t in themes]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CodebookError(f"kodearket '{path}': tema-id gentages: {dupes}")
    multi = raw.get("multi_label", True)
    if not isinstance(multi, bool):
        raise CodebookError(f"kodearket '{path}': 'multi_label' skal være true eller false, ikke {multi!r}")
    return Codebook(
        codebook=str(raw["codebook"]),
        title=str(raw.get("title", raw["codebook"])),
        themes=tuple(themes),
        multi_label=multi,
        language=str(raw.get("language", "da")),
        backcode_question=raw.get("backcode_question"),
        path=path,
    )
