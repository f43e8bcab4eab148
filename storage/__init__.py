"""Persistence for crisisbot: SQLAlchemy models, repositories and the Alembic migrations shipped with them."""
