"""Export building blocks: CSV cells (no objects, no formulas), research pseudonyms and date
shifts, stable FHIR ids, and the clinic export as a lazy generator."""

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from models import db
from services import exports
from services.errors import InvalidInput, PermissionDenied


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (40.0, "40"),
        (0.5, "0.5"),
        ("plain text", "plain text"),
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),
        ("-2.75", "-2.75"),
        ("-5 days", "'-5 days"),
        ("a = b", "a = b"),
        ("café ☕", "café ☕"),
    ],
)
def test_csv_cell(value, cell):
    assert exports.csv_cell(value) == cell


def test_side_effects_are_flattened_to_text():
    effects = [{"name": "nausea", "severity": "mild"}, {"name": "headache", "severity": "severe"}]
    assert exports.side_effects_cell(effects) == "nausea:mild; headache:severe"
    assert exports.side_effects_cell([]) == exports.side_effects_cell(None) == ""


def test_pseudonyms_and_date_shifts_are_stable_keyed_and_spread(app, make_app):
    pseudonyms = {pid: exports.pseudonym(pid) for pid in range(1, 2001)}
    shifts = [exports.date_shift_days(pid) for pid in range(1, 2001)]
    assert len(set(pseudonyms.values())) == 2000
    assert all(
        len(p) == exports.PSEUDONYM_LENGTH and str(pid) != p for pid, p in pseudonyms.items()
    )
    assert exports.pseudonym(1) == pseudonyms[1]
    assert all(1 <= abs(s) <= exports.MAX_DATE_SHIFT_DAYS for s in shifts)
    assert min(shifts) < -150 and max(shifts) > 150
    assert 800 < sum(s > 0 for s in shifts) < 1200
    # Another SECRET_KEY: other pseudonyms, other shifts, another FHIR namespace.
    namespace = exports.fhir_namespace()
    assert exports.fhir_namespace() == namespace
    other = make_app(SECRET_KEY="another-secret-key-for-another-installation")
    with other.app_context():
        assert exports.pseudonym(1) != pseudonyms[1]
        assert [exports.date_shift_days(p) for p in range(1, 21)] != shifts[:20]
        assert exports.fhir_namespace() != namespace


def test_clinic_export_is_lazy_and_checked(app, world):
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        export = exports.clinic_csv(world.admin.user, "sessions")
        assert isinstance(export.body, Iterator)
        assert not any("treatment_sessions" in s for s in statements)
        assert next(export.body) == exports.BOM.encode()
        assert next(export.body).startswith(b"patient,local_date,local_time,modality")
        assert b"".join(export.body) == b""
        assert any("treatment_sessions" in s for s in statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    with pytest.raises(PermissionDenied):
        exports.clinic_csv(world.clinician.user)
    with pytest.raises(InvalidInput) as refused:
        exports.clinic_csv(world.admin.user, "alerts")
    assert set(refused.value.errors) == {"kind"}
    with pytest.raises(PermissionDenied):
        exports.patient_csv(world.patient_actor.user, "me")
