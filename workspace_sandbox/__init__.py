"""The Workspace sandbox: a stateful local stand-in for the Google APIs One-on-One Coach uses
(Calendar, Docs, Drive, Directory, OAuth/OpenID), served over real HTTPS so that the real client
libraries run against it unchanged. It imports nothing from the product.

The public interface, which the product and its tests use:

- :class:`SandboxServer` — serve a world over TLS (``start()`` in the background, ``stop()``);
- :func:`running_sandbox` — the sandbox a folder announces, if one answers there;
- :func:`seed_world`, :data:`SEED_DIR`, :func:`demo_admin` — the demo organisation;
- :class:`World` — the state file every process shares;
- :class:`SandboxClient` — the control plane (clock, faults, call counts, people's edits);
- :class:`SeedError` — a malformed seed file.
"""
from workspace_sandbox.client import SandboxClient
from workspace_sandbox.core.errors import SeedError
from workspace_sandbox.core.seed import SEED_DIR, demo_admin, seed_world
from workspace_sandbox.core.server import SandboxServer, running_sandbox
from workspace_sandbox.core.world import World

__all__ = ["SEED_DIR", "SandboxClient", "SandboxServer", "SeedError", "World", "demo_admin",
           "running_sandbox", "seed_world"]
