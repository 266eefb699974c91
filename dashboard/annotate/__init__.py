"""The Video Annotator loop: the annotation store (SQLAlchemy Core; SQLite in WAL mode by
default, any URL such as PostgreSQL for a team), the active-learning feeds, retraining with the
model quality history and checkpoints, review of label-error candidates, export and import in
the released layout, and the unattended simulation.

Imports :mod:`dashboard.dataset`, :mod:`dashboard.method`, :mod:`dashboard.live` (models,
corpus scoring) and :mod:`dashboard.experiments` (the task's validation split); nothing imports
it but the CLI and the app.
"""
