"""Alembic's environment for the store's schema (run by ``coach db upgrade``, or ``alembic``
with alembic.ini for a new revision: ``alembic revision --autogenerate -m "..."``)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from flask_app.adapters.sql_store import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed over by the store
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
