"""Alembic environment: migrations run on the connection actions/knowledge/migrate.py gives."""

from alembic import context

from actions.knowledge.migrate import VERSION_TABLE
from actions.knowledge.schema import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
