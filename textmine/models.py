"""Model directories: ``models/<name>/`` with the weights and a ``meta.json`` beside them.

Weights are stored as plain arrays (NumPy/SciPy ``.npz``), never pickles, so a
model file cannot run code and survives library upgrades. ``meta.json``
records the code frame the model was trained for; loading checks it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .classify import ThemeClassifier
from .codebook import Codebook
from .errors import ModelError
from .features import N_CHAR_FEATURES, N_WORD_FEATURES
from .safe import publish

PROJECT_ROOT = Path(__file__).resolve().parents[1]
META = "meta.json"
COEF = "coef.npz"
WEIGHTS = "weights.npz"
FORMAT = 1


def models_dir() -> Path:
    """Where shipped models live: ``$TEXTMINE_MODELS`` or the project's ``models/``."""
    return Path(os.environ.get("TEXTMINE_MODELS", PROJECT_ROOT / "models"))


def training_dir() -> Path:
    """Where shipped coded examples live, one CSV per code frame id."""
    return Path(os.environ.get("TEXTMINE_TRAINING", PROJECT_ROOT / "data" / "training"))


def shipped_model_path(codebook: Codebook) -> Path | None:
    path = models_dir() / codebook.codebook
    return path if (path / META).exists() else None


def shipped_training_path(codebook: Codebook) -> Path | None:
    path = training_dir() / f"{codebook.codebook}.csv"
    return path if path.exists() else None


def library_versions() -> dict[str, str]:
    out = {}
    for name in ("textmine", "scikit-learn", "spacy", "spacy-lookups-data", "numpy", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


def save_model(model: ThemeClassifier, path, *, training: dict, metrics: dict, nlp: str) -> Path:
    """Write a fitted model to ``path`` atomically (a temporary directory renamed into place)."""
    path = Path(path)
    cb = model.codebook
    meta = {
        "format": FORMAT,
        "codebook": cb.signature,
        "codebook_hash": cb.content_hash,
        "codebook_title": cb.title,
        "params": {"C": model.C, "use_frame": model.use_frame, "calibrate": model.calibrate,
                   "idf": getattr(model, "idf", False)},
        "review_tau": model.review_tau_,
        "calibrated": model.calibrated_,
        "training": training,
        "metrics": metrics,
        "nlp": nlp,
        "versions": library_versions(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        sp.save_npz(tmp / COEF, sp.csr_matrix(model.coef_))
        np.savez(tmp / WEIGHTS, intercept=model.intercept_, calibration=model.calibration_,
                 thresholds=model.thresholds_, **_review_weights(model), **_idf_weights(model))
        (tmp / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if path.exists():
            old = path.with_name(f".{path.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            publish(tmp, path, directory=True)
            shutil.rmtree(old, ignore_errors=True)
        else:
            publish(tmp, path, directory=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _review_weights(model: ThemeClassifier) -> dict:
    coef, empty = getattr(model, "confidence_coef_", None), getattr(model, "empty_below_", None)
    return {"confidence": np.zeros(0) if coef is None else np.asarray(coef),
            "empty_below": np.nan if empty is None else float(empty)}


def _idf_weights(model: ThemeClassifier) -> dict:
    """The idf vector as its most common value plus the columns that differ (a few thousand of 500k)."""
    idf = getattr(model, "idf_", None)
    if idf is None:
        return {}
    hashed = idf[:N_WORD_FEATURES + N_CHAR_FEATURES]
    default = float(hashed.max())
    columns = np.flatnonzero(hashed != default)
    return {"idf_default": default, "idf_columns": columns, "idf_values": hashed[columns]}


def _idf_from(weights: dict, n_features: int) -> np.ndarray | None:
    if "idf_default" not in weights:
        return None
    idf = np.full(n_features, np.float32(weights["idf_default"]), dtype=np.float32)
    idf[weights["idf_columns"]] = weights["idf_values"]
    idf[N_WORD_FEATURES + N_CHAR_FEATURES:] = 1.0
    return idf


def read_meta(path) -> dict:
    path = Path(path)
    try:
        return json.loads((path / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"'{path}' er ikke en modelmappe: {META} mangler") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"'{path / META}' er beskadiget: {exc}") from None


def load_model(path, codebook: Codebook) -> tuple[ThemeClassifier, dict]:
    """Load a model and check it was trained for ``codebook``.

    Raises ModelError when the directory is incomplete or the model belongs to
    another code frame (other id, other themes or other single/multi-label kind).
    """
    path = Path(path)
    meta = read_meta(path)
    trained_for = meta.get("codebook", {})
    if trained_for != codebook.signature:
        raise ModelError(
            f"modellen i '{path}' er trænet til kodearket '{trained_for.get('codebook')}' med temaerne "
            f"{trained_for.get('themes')}, men kodearket '{codebook.codebook}' har {list(codebook.ids)}. "
            "Træn en ny model med 'textmine train' eller vælg den rigtige model."
        )
    try:
        coef = sp.load_npz(path / COEF).tocsr()
        with np.load(path / WEIGHTS, allow_pickle=False) as w:
            intercept, calibration, thresholds = w["intercept"], w["calibration"], w["thresholds"]
            review = {key: w[key] for key in ("confidence", "empty_below") if key in w.files}
            idf = _idf_from({key: w[key] for key in w.files if key.startswith("idf_")}, coef.shape[1])
    except (FileNotFoundError, ValueError, OSError, KeyError) as exc:
        raise ModelError(f"modellen i '{path}' kan ikke læses: {exc}") from None
    if coef.shape[0] != len(codebook.ids) or intercept.shape != (len(codebook.ids),):
        raise ModelError(f"modellen i '{path}' har {coef.shape[0]} temaer, kodearket {len(codebook.ids)}")
    params = meta.get("params", {})
    model = ThemeClassifier(codebook, C=params.get("C", 32.0), use_frame=params.get("use_frame", True),
                            calibrate=params.get("calibrate", True), idf=params.get("idf", False))
    model.coef_, model.intercept_ = coef, intercept
    model.idf_ = idf   # None for models saved before idf weighting: features used as they come
    model.calibration_, model.thresholds_ = calibration, thresholds
    model.review_tau_ = float(meta.get("review_tau", 0.6))
    model.calibrated_ = bool(meta.get("calibrated", False))
    # Older models have no set-confidence stage: the product of per-theme certainties stands in.
    model.confidence_coef_ = review["confidence"] if review.get("confidence", np.zeros(0)).size else None
    empty = float(review.get("empty_below", np.nan))
    model.empty_below_ = None if np.isnan(empty) else empty
    model.classes_ = np.array(codebook.ids)
    model.n_train_ = meta.get("training", {}).get("n", 0)
    return model, meta
