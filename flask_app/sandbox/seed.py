"""Seeding the sandbox world with the demo organisation in ``seed/``."""
from __future__ import annotations

import importlib
from pathlib import Path

from .world import World

SEED_DIR = Path(__file__).parent / "seed"
DOMAIN = "example.com"

# "module:function" pairs, each called as function(tx, seed_dir) in this order; seed_dir is None
# for an empty world (which still has its OAuth clients and service account).
SEEDERS = (
    "oauth:seed_auth",
    "directory_api:seed_directory",
    "calendar_seed:seed_calendars",
)


def seed_world(world: World, *, empty: bool = False, seed_dir: Path = SEED_DIR) -> None:
    """Forget everything and load the demo organisation (or nothing, with ``empty``)."""
    world.wipe()
    with world.transaction() as tx:
        tx.set_setting("seeded_at", tx.now().isoformat())
        tx.set_setting("domain", DOMAIN)
        for entry in SEEDERS:
            module, function = entry.split(":")
            seeder = getattr(importlib.import_module(f"{__package__}.{module}"), function)
            seeder(tx, None if empty else seed_dir)
