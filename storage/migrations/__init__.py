"""Alembic migration environment, shipped inside the package so `crisisbot db upgrade` needs no alembic.ini."""
