"""Database behaviour that must be the same on SQLite and PostgreSQL.

SQLite: foreign keys on, WAL, a busy timeout, and transactions that a service function
marks as writing start with BEGIN IMMEDIATE, so two writers queue instead of one reading
stale data and failing (or worse, both deciding). PostgreSQL uses row locks instead.
"""

from __future__ import annotations

import contextvars

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from registry.extensions import db

_immediate_next_begin: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "immediate_next_begin", default=False
)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001, ANN202
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001, ANN202
        if _immediate_next_begin.get():
            _immediate_next_begin.set(False)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def begin_write() -> None:
    """Call at the start of a service function that reads then writes.

    On SQLite it ends any read transaction the request already had (nothing is pending:
    views call services before changing anything) and makes the next one BEGIN IMMEDIATE,
    which holds the database's write lock from the first read. On PostgreSQL it does
    nothing; callers lock the rows they decide on with ``with_for_update``.
    """
    if not is_sqlite():
        return
    if db.session().in_transaction():
        db.session.commit()
    _immediate_next_begin.set(True)
    db.session.connection()  # begin now, while the flag is ours


def locked_row(model: type, row_id: int):  # noqa: ANN201
    """The row ``row_id`` of ``model``, read fresh and locked for the rest of the transaction
    (a row lock on PostgreSQL; on SQLite, ``begin_write`` already holds the write lock), or
    None. Anything loaded before the lock may be stale, so everything is expired first."""
    db.session.expire_all()
    query = select(model).where(model.id == row_id).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=model)
    return db.session.scalars(query).unique().one_or_none()


# Row ids are INTEGER columns: a signed 32-bit value on PostgreSQL (SQLite's are 64-bit).
# A larger number in a URL or form names no row, and the databases refuse it (PostgreSQL
# "out of range", SQLite an OverflowError) instead of finding nothing.
MAX_ROW_ID = 2**31 - 1
