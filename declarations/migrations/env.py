"""Alembic environment: runs on the connection handed over by declarations.schema."""
from alembic import context

from declarations.db import Base
import declarations.models  # noqa: F401  (every table on Base.metadata)
from declarations.schema import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
