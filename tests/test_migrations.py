"""The store's schema under Alembic: the migrations build exactly what the models describe (on
SQLite and on PostgreSQL); an unmigrated database
is refused with the command to run; a database made before migrations is adopted."""
from __future__ import annotations


import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from flask_app.adapters.sql_store import SqlStore, _alembic, head, metadata, schema_revision
from flask_app.cli import main
from flask_app.domain.records import OptOut
from flask_app.errors import ConfigError
from tests.conftest import postgres_url
from tests.contracts.test_store import NOW


def urls(tmp_path):
    return [f"sqlite:///{tmp_path / 'fresh.sqlite'}", postgres_url()]


def empty(url):
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    return engine


def test_the_migrations_build_what_the_models_describe(tmp_path):
    for url in urls(tmp_path):
        engine = empty(url)
        config = _alembic()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")  # the scripts themselves, not create_all
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), metadata) == [], url
        assert schema_revision(engine) == head()
        SqlStore(url).save_opt_out(OptOut("ana@x.com", NOW))  # opens without migrating


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with pytest.raises(ConfigError) as refused:
        SqlStore(url)
    assert "run `coach db upgrade`" in str(refused.value) and "schema none" in str(refused.value)
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"COACH_DATABASE_URL": url,
                                                              "COACH_INSTANCE_DIR": str(tmp_path)})
    assert result.exit_code == 0 and f"schema {head()}" in result.output
    assert SqlStore(url).opt_outs() == []
    status = CliRunner().invoke(main, ["db", "status"], env={"COACH_DATABASE_URL": url,
                                                             "COACH_INSTANCE_DIR": str(tmp_path)})
    assert status.output.strip() == f"database: {head()}; newest: {head()}"


def test_a_database_made_before_migrations_is_adopted_with_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'legacy.sqlite'}"
    engine = create_engine(url)
    kept = [t for name, t in metadata.tables.items() if name not in ("cohorts", "channels")]
    metadata.create_all(engine, tables=kept)  # as create_all left it, without the new tables
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO opt_outs (email, at) VALUES ('bo@x.com', "
                                "'2026-12-01 09:00:00')"))
    store = SqlStore(url, migrate=True)
    assert [o.email for o in store.opt_outs()] == ["bo@x.com"]
    assert schema_revision(engine) == head()
    assert store.cohorts("2027Q1") == [] and store.channels() == []
