"""textmine: code the open answers of Danish surveys into analysts' themes."""

from .classify import ThemeClassifier, decide
from .codebook import Codebook, Theme, load_codebook
from .coding import Coder, classify_table, code_export
from .discover import discover
from .errors import (
                     CodebookError,
                     ConflictError,
                     ExportError,
                     InputError,
                     ModelError,
                     Problem,
                     StoreError,
                     SurveyDefinitionError,
                     TextmineError,
)
from .evaluate import evaluate_file
from .io import Export, read_export, read_table
from .models import load_model, save_model
from .nlp import load_analyzer
from .queue import review_queue
from .redact import mask_text
from .sentiment import sentiment
from .survey import Survey, load_survey
from .training import train

__version__ = "0.1.0"

# Loaded when first asked for: the report (matplotlib, python-docx) and the store (SQLAlchemy) take
# about half a second to import, which every `textmine classify` would otherwise pay.
_LAZY = {"build_report": "report", "Store": "store", "answer_key": "store", "default_store_path": "store"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Codebook", "Coder", "CodebookError", "Export", "ExportError", "InputError", "ModelError",
    "Problem", "Survey", "SurveyDefinitionError", "TextmineError", "Theme", "ThemeClassifier",
    "classify_table", "code_export", "decide", "load_analyzer", "load_codebook", "load_model",
    "load_survey", "read_export", "read_table", "save_model", "train",
    "build_report", "discover", "evaluate_file", "mask_text", "review_queue", "sentiment",
    "ConflictError", "Store", "StoreError", "answer_key", "default_store_path",
]
