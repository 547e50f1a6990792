"""Seeding the sandbox world with the demo organisation in ``seed/``."""
from __future__ import annotations

import csv
import importlib
import secrets
from pathlib import Path

from workspace_sandbox.core.world import FORMAT, World

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
DOMAIN = "example.com"

# "module:function" pairs, each called as function(tx, seed_dir) in this order; seed_dir is None
# for an empty world (which still has its OAuth clients and service account).
SEEDERS = (
    "workspace_sandbox.oauth.endpoints:seed_auth",
    "workspace_sandbox.directory.api:seed_directory",
    "workspace_sandbox.directory.groups:seed_groups",
    "workspace_sandbox.calendar.seed:seed_calendars",
)


def seed_world(world: World, *, empty: bool = False, seed_dir: Path = SEED_DIR) -> None:
    """Forget everything and load the demo organisation (or nothing, with ``empty``)."""
    world.wipe()
    with world.transaction() as tx:
        tx.set_setting("seeded_at", tx.now().isoformat())
        tx.set_setting("world_id", secrets.token_hex(8))
        tx.set_setting("format", FORMAT)  # its files are indexed as they are made
        tx.set_setting("domain", DOMAIN)
        for entry in SEEDERS:
            module, function = entry.split(":")
            seeder = getattr(importlib.import_module(module), function)
            seeder(tx, None if empty else seed_dir)


def demo_admin(seed_dir: Path = SEED_DIR) -> str | None:
    """The demo organisation's Workspace admin (the first person marked is_admin)."""
    with open(seed_dir / "people.csv", encoding="utf-8") as people:
        for row in csv.DictReader(people):
            if row.get("is_admin", "").strip().lower() == "true":
                return row["email"]
    return None
