"""textmine's app: read, code, check and report a survey's open answers (``make run``).

Pages live in ``textmine/ui_pages/``; what they show comes from library functions.
The sidebar's survey picker and coder name hold for every page. It opens on the demo
survey; the page Data adds more. ``TEXTMINE_STORE`` points every survey at a team database.
"""

from __future__ import annotations

import logging

import streamlit as st

from textmine import ui, ui_app
from textmine.errors import TextmineError

PAGES = "textmine/ui_pages"

st.set_page_config(page_title="textmine", layout="wide")
try:
    ui_app.sidebar()
    page = st.navigation([
        st.Page(f"{PAGES}/laes.py", title="Læs", url_path="laes", default=True),
        st.Page(f"{PAGES}/kod.py", title="Kod", url_path="kod"),
        st.Page(f"{PAGES}/enighed.py", title="Enighed", url_path="enighed"),
        st.Page(f"{PAGES}/traen.py", title="Træn model", url_path="traen"),
        st.Page(f"{PAGES}/eksport.py", title="Eksport", url_path="eksport"),
        st.Page(f"{PAGES}/data.py", title="Data", url_path="data"),
    ])
    page.run()
except TextmineError as exc:
    # The message may quote a value from a file, so it is escaped rather than rendered.
    st.error(f"textmine kan ikke vise svarene: {ui.escape_markdown(exc)}")
except Exception:  # a bug: logged with its traceback, the user gets a Danish message and no traceback
    logging.getLogger("textmine.app").exception("app error")
    st.error("Der skete en uventet fejl i textmine. Fejlen er logget; prøv igen, eller kontakt udviklerne.")
