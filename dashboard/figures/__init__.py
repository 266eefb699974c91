"""Every chart of the app and the report as a plain function returning a Plotly figure (no
Streamlit), in one theme: :mod:`.theme`. Imports the core packages below it; the pages (through
``components``) and :mod:`dashboard.report` import it."""
