"""Parallel branches each add migrations: a service whose history forks has two heads and
cannot migrate. Caught here, before any database is touched."""
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from shared.config import SERVICES
from tests.unit.shared.test_deploy_shape import ROOT


@pytest.mark.parametrize("service", [*SERVICES, "portal"])
def test_each_service_has_one_migration_head(service):
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "adapters" / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"{service} migrations fork into heads {heads}: set one's down_revision to the other"
