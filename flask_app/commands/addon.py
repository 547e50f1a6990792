"""``coach addon manifest``: the add-on's deployment file for a base URL."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..adapters.addon_manifest import deployment


@click.group("addon")
def addon() -> None:
    """The Google Workspace add-on."""


@addon.command("manifest")
@click.option("--base-url", required=True, help="Where the service runs, e.g. https://coach.example.com")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file (default: print it).")
def manifest(base_url: str, out: Path | None) -> None:
    """Print (or write) addon/deployment.json for ``gcloud workspace-add-ons deployments``."""
    text = json.dumps(deployment(base_url), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.")
