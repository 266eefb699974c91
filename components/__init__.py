"""Reusable Streamlit pieces: cached access to the core, figures in the page, tables."""
