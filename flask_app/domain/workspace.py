"""Drive files and permissions as the services see them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DriveFile:
    """A file in Drive: a pair doc or a development plan."""

    id: str
    name: str
    created: datetime | None = None
    app_properties: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://docs.google.com/document/d/{self.id}/edit"


@dataclass(frozen=True)
class Permission:
    id: str
    email: str
    role: str  # owner | writer | commenter | reader
    type: str = "user"
