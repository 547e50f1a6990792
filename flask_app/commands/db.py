"""``coach db``: the store's schema (Alembic migrations in adapters/migrations)."""
from __future__ import annotations

import click
from sqlalchemy import create_engine

from ..adapters.sql_store import head, schema_revision, upgrade as upgrade_schema
from ..bootstrap import database_url
from ..config import load_settings


@click.group("db")
def db() -> None:
    """The database's schema: where it is, and bringing it to the newest."""


@db.command("upgrade")
def upgrade() -> None:
    """Bring the database (COACH_DATABASE_URL) to the newest schema; safe to run again."""
    engine = create_engine(database_url(load_settings()))
    upgrade_schema(engine)
    click.echo(f"The database is at schema {schema_revision(engine)}.")


@db.command("status")
def status() -> None:
    """The database's schema revision and the newest."""
    engine = create_engine(database_url(load_settings()))
    click.echo(f"database: {schema_revision(engine) or 'none'}; newest: {head()}")
