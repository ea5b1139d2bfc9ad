"""The e2e log scan finds what a log must not carry, and leaves ordinary lines alone."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.logscan import findings, scan_logs


def test_phones_id_numbers_tokens_and_passwords_are_found():
    line = (
        "login 13812345678 id 51170319900101234X "
        "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjM0NSJ9.sig pw Passw0rd!"
    )
    kinds = {f.split(":")[0] for f in findings(line)}
    assert kinds == {"phone", "ID number", "token", "password"}


def test_masked_values_ids_and_timestamps_are_not_personal_data():
    line = (
        '{"phone": "138****5678", "id_number": "5117**********234X", '
        '"resident_id": "5f0c2a1e-1234-4c1b-9e8f-123456789012", "ts": 1764428400123, '
        '"path": "/api/identity/residents?q=***", "offset": 13800, '
        '"request_id": "15795989642d4db58c084b8ef59284dd", "key": "a13812345678b"}'
    )
    assert findings(line) == []


def test_only_files_with_findings_are_reported(tmp_path: Path):
    (tmp_path / "gateway.log").write_text("GET /readyz 200\n")
    (tmp_path / "identity.log").write_text("duplicate 13900001111\n")
    assert scan_logs(tmp_path) == {"identity.log": ["phone: 13900001111"]}
