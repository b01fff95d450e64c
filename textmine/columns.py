"""Column names used in every table textmine reads or writes, in one place."""

RESPONDENT_ID = "respondent_id"
QUESTION = "question"          # question number (int)
COLUMN = "column"              # the export column an answer came from
TEXT = "text"
THEMES = "themes"              # theme ids joined by THEME_SEP, "" when none
NEEDS_REVIEW = "needs_review"
BACKCODE = "backcode"          # answer option an "Andet" answer belongs to
ROW = "row"                    # row number in the source file, as a spreadsheet shows it
NLP = "nlp"                    # the spaCy pipeline that processed the text
MODEL = "model"                # the model (or "koderamme") that coded the text
P_PREFIX = "p_"
THEME_SEP = "|"


def p_column(theme_id: str) -> str:
    """Name of the probability column for one theme."""
    return f"{P_PREFIX}{theme_id}"


def split_themes(value) -> list[str]:
    """Theme ids from a `|`-joined cell; empty and missing cells give []."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [t.strip() for t in str(value).split(THEME_SEP) if t.strip()]


def join_themes(ids) -> str:
    return THEME_SEP.join(ids)

# The review state of an answer, beside its model suggestion (THEMES).
KEY = "key"                    # the answer's key in the review store
FINAL = "final_themes"         # the themes that count: the newest decision, else the suggestion
SOURCE = "source"              # who set FINAL: model, rule, human or adjudicated
VERSION = "version"            # the store's version of the answer (0: no decision yet)
CODER = "coder"                # who made the newest decision
HUMAN_SOURCES = ("human", "adjudicated")
