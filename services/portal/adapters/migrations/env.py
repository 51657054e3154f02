from services.portal.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
