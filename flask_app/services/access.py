"""Who may use the HR console: the organisation's Workspace admins (the directory's
``isAdmin``) and the members of the HR group (``COACH_HR_GROUP``, nested groups included).
Read again every few minutes, so that losing the role takes effect without signing out."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from ..domain.people import Directory, normalize_email
from ..errors import GoogleApiError
from ..ports import Workspace

log = logging.getLogger(__name__)
TTL_SECONDS = 300


class ConsoleAccess:
    def __init__(self, workspace: Workspace, directory: Callable[[], Directory], hr_group: str):
        self._workspace, self._directory, self._group = workspace, directory, hr_group
        self._members: tuple[float, frozenset[str]] | None = None
        self._lock = threading.Lock()

    def allowed(self, email: str) -> bool:
        person = self._directory().get(email)
        if person is None:
            return False
        return person.is_admin or normalize_email(email) in self._hr()

    def _hr(self) -> frozenset[str]:
        if not self._group:
            return frozenset()
        with self._lock:
            if self._members is None or time.monotonic() - self._members[0] > TTL_SECONDS:
                try:
                    self._members = (time.monotonic(), self._workspace.members(self._group))
                except GoogleApiError as error:
                    log.warning("the HR group could not be read: %s", error.summary)
                    return self._members[1] if self._members else frozenset()
            return self._members[1]
