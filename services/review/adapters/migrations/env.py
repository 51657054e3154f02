from services.review.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
