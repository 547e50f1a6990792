"""A generated organisation for benchmarks/scale.py, written as a sandbox seed directory.

    .venv/bin/python benchmarks/scale_org.py 100 /tmp/org-100   # writes the seed, prints counts

``generate(managers, folder)`` writes ``people.csv``, ``orgunits.csv`` and
``calendars/<local part>.ics`` in the formats of ``workspace_sandbox/seed/README.md``: a CEO,
vice-presidents over up to 8 directors each, directors over up to 25 managers each, each manager
with six reports; an HR admin in /People. Every manager's calendar (anchor week of Monday
2026-11-30, the manager's own time zone) holds a weekly 30-minute one-on-one with each report
("Ana / Bo 1:1", the report as attendee), a weekly team meeting with the six reports, a weekly
focus-time block and a weekly hiring sync with two peer managers. One report in six works from
another time zone. Directors, vice-presidents and the CEO have no events. The first
``new_hires`` managers also have a seventh report, hired but without a one-on-one yet (the
benchmark books it through the API). Nothing is random: the same arguments give the same files.
"""
from __future__ import annotations

import csv
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DOMAIN = "example.com"
ANCHOR = "20261130"  # a Monday, as the demo seed's X-SEED-ANCHOR
REPORTS = 6
MANAGERS_PER_DIRECTOR = 25
DIRECTORS_PER_VP = 8
# Time zones whose VTIMEZONE the demo seed's calendars carry (taken from there).
ZONES = ("Europe/Lisbon", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London",
         "America/Los_Angeles", "Asia/Shanghai", "America/Chicago")
DIVISIONS = ("Engineering", "Sales", "Product", "Operations", "Marketing", "Finance", "Support",
             "Research")
GIVEN = ("Ana", "Bo", "Chloé", "Daniel", "Emily", "Fatou", "Grace", "Henrik", "Ingrid", "Jonas",
         "Kwame", "Lucía", "Marcus", "Nadia", "Omar", "Priya", "Quentin", "Ravi", "Sam", "Tomás",
         "Uma", "Viktor", "Wei", "Xenia", "Yuki", "Zoë", "Amir", "Beatriz", "Chen", "Dmitri",
         "Elif", "Farah", "Gustavo", "Hana", "Ilse", "Jamal", "Kenji", "Leila", "Mateo", "Noor")
FAMILY = ("Silva", "Nilsson", "Dubois", "Kim", "Carter", "Diop", "O'Neill", "Larsen", "Bauer",
          "Weber", "Mensah", "Fernández", "Johnson", "Petrova", "Farouk", "Raman", "Moreau",
          "Kumar", "Rivera", "Ortega", "Iyer", "Novak", "Zhang", "Popescu", "Watanabe",
          "Ångström", "Haddad", "Costa", "Li", "Volkov", "Yilmaz", "Rahman", "Pereira", "Sato",
          "Schulz", "Okafor", "Tanaka", "Nasser", "Romero", "Hussain")
# Local wall-clock slots (day of the anchor week, 0 = Monday; hour, minute) of the one-on-ones.
SLOTS = ((0, 10, 0), (1, 10, 0), (2, 10, 0), (3, 10, 0), (4, 10, 0), (0, 14, 0))
NEW_HIRE_SLOT = (3, 16, 0)  # the benchmark books the new hire's one-on-one on Thursdays, 16:00


@dataclass
class Person:
    email: str
    given: str
    family: str
    manager: str
    unit: str
    title: str
    zone: str
    is_admin: bool = False

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def local(self) -> str:
        return self.email.split("@")[0]


@dataclass
class Org:
    people: list[Person] = field(default_factory=list)
    units: list[tuple[str, str, str]] = field(default_factory=list)
    managers: list[Person] = field(default_factory=list)   # those with one-on-ones
    reports: dict[str, list[Person]] = field(default_factory=dict)
    new_hires: dict[str, Person] = field(default_factory=dict)  # manager -> report, no 1:1
    leaders: list[Person] = field(default_factory=list)    # directors, VPs, CEO
    admin: str = ""
    events: int = 0

    @property
    def one_on_ones(self) -> int:
        return sum(len(r) for r in self.reports.values())


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _person(index: int, kind: str, **fields) -> Person:
    given = GIVEN[index % len(GIVEN)]
    family = FAMILY[(index * 3 + index // len(GIVEN)) % len(FAMILY)]
    email = f"{_ascii(given)}.{_ascii(family)}.{kind}{index}@{DOMAIN}"
    return Person(email=email, given=given, family=family, **fields)


def build_org(managers: int, new_hires: int = 0) -> Org:
    """The organisation for ``managers`` managers (six reports each), in memory."""
    if managers < 1:
        raise ValueError("an organisation needs at least one manager")
    org = Org()
    directors = -(-managers // MANAGERS_PER_DIRECTOR)
    vps = -(-directors // DIRECTORS_PER_VP)
    ceo = _person(0, "ceo", manager="", unit="/Executive", title="Chief Executive Officer",
                  zone="America/New_York")
    admin = _person(1, "hr", manager=ceo.email, unit="/People", title="HR Business Partner",
                    zone="Europe/London", is_admin=True)
    org.people += [ceo, admin]
    org.admin = admin.email
    org.leaders.append(ceo)
    org.units += [("/Executive", "Executive", "CEO and the executive office"),
                  ("/People", "People", "HR and the Workspace administrators")]
    serial = 2
    vp_people = []
    for v in range(vps):
        division = DIVISIONS[v % len(DIVISIONS)] + ("" if v < len(DIVISIONS)
                                                    else f"-{v // len(DIVISIONS) + 1}")
        unit = f"/{division}"
        org.units.append((unit, division, f"The {division} division"))
        vp = _person(serial, "vp", manager=ceo.email, unit=unit, title=f"VP {division}",
                     zone=ZONES[v % len(ZONES)])
        serial += 1
        vp_people.append(vp)
    org.people += vp_people
    org.leaders += vp_people
    manager_index = 0
    for d in range(directors):
        vp = vp_people[d // DIRECTORS_PER_VP]
        zone = ZONES[d % len(ZONES)]
        unit = f"{vp.unit}/Team-{d + 1:03d}"
        org.units.append((unit, f"Team {d + 1}", f"Director {d + 1}'s managers"))
        director = _person(serial, "dir", manager=vp.email, unit=unit, title="Director",
                           zone=zone)
        serial += 1
        org.people.append(director)
        org.leaders.append(director)
        for _ in range(min(MANAGERS_PER_DIRECTOR, managers - manager_index)):
            manager = _person(serial, "m", manager=director.email, unit=unit,
                              title="Engineering Manager", zone=zone)
            serial += 1
            org.people.append(manager)
            org.managers.append(manager)
            team = []
            for r in range(REPORTS + (1 if manager_index < new_hires else 0)):
                # report names start elsewhere in the lists, so no title reads "Ana / Ana"
                other = ZONES[(d + 3) % len(ZONES)] if r == REPORTS - 1 else zone
                report = _person(serial + 17, "r", manager=manager.email, unit=unit,
                                 title="Software Engineer", zone=other)
                serial += 1
                org.people.append(report)
                team.append(report)
            if manager_index < new_hires:
                org.new_hires[manager.email] = team.pop()
            org.reports[manager.email] = team
            manager_index += 1
    return org


def _fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return "\r\n ".join(part.decode("utf-8") for part in out)


def _cn(name: str) -> str:
    return f'"{name}"' if any(c in name for c in ",;:") else name


def _timezones() -> dict[str, str]:
    """The VTIMEZONE blocks of the demo seed's calendars, by TZID."""
    from workspace_sandbox.core.seed import SEED_DIR
    found: dict[str, str] = {}
    for path in sorted((SEED_DIR / "calendars").glob("*.ics")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        for block in text.split("BEGIN:VTIMEZONE\n")[1:]:
            body = block.split("END:VTIMEZONE\n")[0]
            tzid = body.split("\n", 1)[0].removeprefix("TZID:")
            found.setdefault(tzid, "BEGIN:VTIMEZONE\n" + body + "END:VTIMEZONE\n")
    missing = set(ZONES) - set(found)
    if missing:
        raise RuntimeError(f"the demo seed carries no VTIMEZONE for {', '.join(sorted(missing))}")
    return found


def _event(uid: str, zone: str, day: int, start: tuple[int, int], minutes: int, summary: str,
           organizer: Person, guests: list[Person], *, rrule: str = "FREQ=WEEKLY",
           event_type: str | None = None) -> list[str]:
    hour, minute = start
    end_total = hour * 60 + minute + minutes
    date = f"202611{30 + day}" if day == 0 else f"2026120{day}"
    lines = ["BEGIN:VEVENT", "DTSTAMP:20261120T090000Z", f"UID:{uid}",
             f"DTSTART;TZID={zone}:{date}T{hour:02d}{minute:02d}00",
             f"DTEND;TZID={zone}:{date}T{end_total // 60:02d}{end_total % 60:02d}00",
             f"RRULE:{rrule}", f"SUMMARY:{summary}",
             f"ORGANIZER;CN={_cn(organizer.name)}:mailto:{organizer.email}"]
    if guests:
        for person in [organizer, *guests]:
            lines.append("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
                         f"CN={_cn(person.name)}:mailto:{person.email}")
    lines += ["STATUS:CONFIRMED", "SEQUENCE:0", "TRANSP:OPAQUE"]
    if event_type:
        lines.append(f"X-WORKSPACE-EVENT-TYPE:{event_type}")
    lines.append("END:VEVENT")
    return lines


def _calendar(org: Org, manager: Person, peers: list[Person], zones: dict[str, str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//One-on-One Coach//scale benchmark organisation//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{manager.name}",
             f"X-WR-TIMEZONE:{manager.zone}", f"X-SEED-ANCHOR:{ANCHOR}"]
    lines += zones[manager.zone].rstrip("\n").split("\n")
    team = org.reports[manager.email]
    who = manager.local
    events = 0
    for report, (day, hour, minute) in zip(team, SLOTS):
        lines += _event(f"scale-{who}-{report.local}-weekly@{DOMAIN}", manager.zone, day,
                        (hour, minute), 30, f"{manager.given} / {report.given} 1:1", manager,
                        [report])
        events += 1
    lines += _event(f"scale-{who}-team@{DOMAIN}", manager.zone, 2, (15, 0), 60,
                    f"{manager.given}'s team meeting", manager, team)
    lines += _event(f"scale-{who}-focus@{DOMAIN}", manager.zone, 1, (13, 0), 120, "Focus time",
                    manager, [], rrule="FREQ=WEEKLY;BYDAY=TU,TH", event_type="focusTime")
    lines += _event(f"scale-{who}-hiring@{DOMAIN}", manager.zone, 4, (15, 0), 30,
                    "Hiring sync", manager, peers)
    org.events += events + 3
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def generate(managers: int, folder: Path, new_hires: int = 0) -> Org:
    """Write the seed directory for ``managers`` managers into ``folder``; the organisation."""
    org = build_org(managers, new_hires)
    folder = Path(folder)
    (folder / "calendars").mkdir(parents=True, exist_ok=True)
    with open(folder / "orgunits.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["org_unit_path", "name", "description"])
        writer.writerows(org.units)
    with open(folder / "people.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "given_name", "family_name", "manager_email",
                         "org_unit_path", "title", "time_zone", "is_admin", "language"])
        for p in org.people:
            writer.writerow([p.email, p.given, p.family, p.manager, p.unit, p.title, p.zone,
                             "true" if p.is_admin else "false", "en"])
    zones = _timezones()
    by_director: dict[str, list[Person]] = {}
    for manager in org.managers:
        by_director.setdefault(manager.manager, []).append(manager)
    for group in by_director.values():
        for i, manager in enumerate(group):
            peers = [group[(i + k) % len(group)] for k in (1, 2) if len(group) > k]
            (folder / "calendars" / f"{manager.local}.ics").write_text(
                _calendar(org, manager, peers, zones), encoding="utf-8", newline="")
    return org


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: scale_org.py MANAGERS FOLDER")
    made = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(made.people)} people, {len(made.managers)} managers with "
          f"{made.one_on_ones} one-on-ones, {len(made.leaders)} leaders, {made.events} events "
          f"in {sys.argv[2]}")
