"""Personal data a log must never carry: mainland mobile numbers, resident ID numbers, bearer
tokens and the suite's passwords, found in the text of a whole platform run's logs."""

from __future__ import annotations

import re
from pathlib import Path

PATTERNS = {
    # Standing alone: a hex request id or a UUID may hold such a run of digits.
    "phone": re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])"),
    "ID number": re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])"),
    "token": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "password": re.compile(r"Passw0rd!|Admin@2026"),
}


def findings(text: str) -> list[str]:
    """`kind: match` for each piece of personal data in `text`, at most five of each kind."""
    found = []
    for kind, pattern in PATTERNS.items():
        found += [f"{kind}: {m.group(0)}" for m in list(pattern.finditer(text))[:5]]
    return found


def scan_logs(directory: Path) -> dict[str, list[str]]:
    """Each `*.log` file in `directory` (not below: a broker's segments are data, not logs)
    that carries personal data, with what it carries."""
    report = {}
    for path in sorted(directory.glob("*.log")):
        found = findings(path.read_text(errors="replace"))
        if found:
            report[str(path.relative_to(directory))] = found
    return report
