"""The database's Alembic environment: ``env.py`` and one file per revision in ``versions/``.

``Storage.open()`` runs it on its own connection; no ``alembic.ini`` is needed.
"""
