"""The suite does not depend on the date, the weekday or the time of day: parts of it run again
with the machine's clock (libfaketime, `faketime`) set to a Sunday night, 29 February and the
last minutes of a year — each crossing midnight while it runs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATES = ("2027-01-03 23:58:30", "2028-02-29 23:58:30", "2027-12-31 23:58:30")
PARTS = ("tests/domain", "tests/services",
         "tests/test_agenda_sync.py::test_agendas_for_the_demo_organisation",
         "tests/test_agenda_sync.py::test_moved_and_cancelled_meetings",
         "tests/test_web.py::test_a_person_answers_as_the_report_ends_the_meeting_and_reads_the_plan")


@pytest.mark.parametrize("moment", DATES, ids=["sunday-night", "29-february", "new-years-eve"])
def test_the_suite_passes_whatever_the_date(moment, tmp_path):
    faketime = shutil.which("faketime")
    assert faketime, "install libfaketime's command (apt-get install faketime) to run this check"
    run = subprocess.run(
        [faketime, moment, sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         "--basetemp", str(tmp_path / "base"), *PARTS],
        cwd=ROOT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True,
        text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
