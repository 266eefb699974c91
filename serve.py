"""Serve the dashboard, warm: ``python -m streamlit run serve.py [-- --data DIR]``.

Every session runs ``app.py`` as with ``streamlit run app.py``. This file wraps it in an ASGI
app (``st.App``) whose start-up imports the app's modules and opens the configured data folder
before the server answers (components/warm.py), so that the first visitor after a (re)start
does not wait for them.
"""
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def _warm_start(_app):
    from components.warm import warm  # once Streamlit's runtime is up

    warm()
    yield


app = st.App("app.py", lifespan=_warm_start)
