"""Importing the office files of the corpus, exporting, and the suppression rules."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from sqlmodel import col, select

from isamail.audience.importer import ConsentMissing, export_subscribers, import_subscribers
from isamail.audience.lists import create_list, list_summaries
from isamail.audience.subscribers import add_subscriber, forget, unsubscribe
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.db.models import ConsentEvent, Subscriber, Subscription
from tests.conftest import DATA


@pytest.fixture
def isa(project: Project) -> Project:
    create_list(project.engine, "isa", title="ISA-Newsletter")
    return project


def counts(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    data = report.counts()
    return {
        k: data[k] for k in ("added", "updated", "unchanged", "skipped", "rejected", "duplicates")
    }


def test_excel_export_broken_rows_rejected_and_duplicates_merged(
    isa: Project, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    report = import_subscribers(
        isa.engine, DATA / "subscribers-excel-de.csv", "isa", confirmed=True, rejects_path=rejects
    )
    assert report.encoding == "cp1252" and report.delimiter == ";"
    # 120 lines: 104 distinct valid people, 6 case/space duplicates, 8 invalid, 2 empty
    assert counts(report) == {
        "added": 104,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 8,
        "duplicates": 6,
    }
    with rejects.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0][:3] == ["Zeile", "Grund", "E-Mail"]
    by_address = {r[2]: (int(r[0]), r[1]) for r in rows[1:]}
    assert set(by_address) == {
        "max.mustermann@",
        "kein Eintrag",
        "a@b",
        "name@@example.com",
        "test@example..com",
        "info(at)region-fulda.example",
        "jonas.becker.wfg-mainz.example",
        "",
    }
    raw_lines = (DATA / "subscribers-excel-de.csv").read_bytes().decode("cp1252").split("\r\n")
    for address, (line, reason) in by_address.items():
        assert raw_lines[line - 1].startswith(address + ";"), (address, line)
        assert reason
    with read_session(isa.engine) as session:
        chemnitz = session.exec(
            select(Subscriber).where(Subscriber.organisation.startswith("Stadt Chemnitz;"))  # type: ignore[union-attr]
        ).one()
        assert chemnitz.organisation == "Stadt Chemnitz; Amt für Wirtschaft und Arbeit"
        quotes = session.exec(
            select(Subscriber).where(Subscriber.organisation.contains("„Drei gewinnt“ –"))  # type: ignore[union-attr]
        ).all()
        assert quotes


def test_reimport_changes_nothing(isa: Project) -> None:
    for name in ("subscribers.csv", "subscribers-excel-de.csv", "subscribers-intl.csv"):
        import_subscribers(
            isa.engine, DATA / name, "isa", confirmed=True, consent_note="Altbestand"
        )
        before = list_summaries(isa.engine)
        with read_session(isa.engine) as session:
            events = len(session.exec(select(ConsentEvent)).all())
        again = import_subscribers(isa.engine, DATA / name, "isa", confirmed=True)
        assert again.added == again.updated == again.skipped == 0, name
        assert list_summaries(isa.engine) == before
        with read_session(isa.engine) as session:
            assert len(session.exec(select(ConsentEvent)).all()) == events
    # 300 + 104 - 15 shared with the main file + 40 internationalised
    assert before[0].counts["confirmed"] == 429


def test_second_file_updates_the_shared_contacts(isa: Project) -> None:
    import_subscribers(isa.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    report = import_subscribers(
        isa.engine, DATA / "subscribers-excel-de.csv", "isa", confirmed=True
    )
    assert report.added == 104 - 15
    assert report.updated + report.unchanged == 15


def test_internationalised_addresses_are_all_kept(isa: Project) -> None:
    report = import_subscribers(isa.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    assert report.added == 40 and report.rejected == 0
    with read_session(isa.engine) as session:
        stored = set(session.exec(select(Subscriber.email)))
    assert {
        "王伟@例子.example",
        "info@müller-gmbh.example",
        "jürgen.köhler@stadt-aachen.example",
        "Anna.Schmidt@wfg-aachen.example",
        "contact@佛山投资.example",
    } <= stored


def test_import_is_all_or_nothing(
    isa: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import isamail.audience.importer as importer

    calls = 0
    real = importer._apply_chunk

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(importer, "CHUNK", 100)
    monkeypatch.setattr(importer, "_apply_chunk", failing)
    with pytest.raises(RuntimeError):
        import_subscribers(isa.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    with read_session(isa.engine) as session:
        assert session.exec(select(Subscriber)).all() == []
        assert session.exec(select(ConsentEvent)).all() == []


def test_dry_run_reports_but_stores_nothing(isa: Project) -> None:
    report = import_subscribers(isa.engine, DATA / "subscribers.csv", "isa", dry_run=True)
    assert report.added == 300
    assert list_summaries(isa.engine)[0].counts["pending"] == 0


def test_unsubscribed_bounced_and_forgotten_are_never_reimported(isa: Project) -> None:
    import_subscribers(isa.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    with read_session(isa.engine) as session:
        first, second = session.exec(select(Subscriber.email).limit(2)).all()
    assert first and second
    unsubscribe(isa.engine, first, "isa")
    forget(isa.engine, second)
    report = import_subscribers(isa.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    assert report.skipped == 2 and report.added == 0
    # a new list does not resurrect the forgotten one either
    create_list(isa.engine, "presse")
    report = import_subscribers(isa.engine, DATA / "subscribers.csv", "presse", confirmed=True)
    assert report.skipped == 1 and report.updated == 299
    with read_session(isa.engine) as session:
        assert session.exec(select(Subscriber).where(Subscriber.email == second)).first() is None


def test_an_import_without_consent_is_refused_and_stores_nothing(isa: Project) -> None:
    with pytest.raises(ConsentMissing) as refused:
        import_subscribers(isa.engine, DATA / "subscribers-intl.csv", "isa")
    assert refused.value.message.startswith(
        "Ein Import trägt nur Adressen ein, deren Einwilligung schon vorliegt: mit --confirmed "
        "und --consent-note „woher“"
    )
    assert "UWG § 7" in refused.value.message
    assert list_summaries(isa.engine)[0].counts == {
        "pending": 0,
        "confirmed": 0,
        "unsubscribed": 0,
        "bounced": 0,
    }
    report = import_subscribers(
        isa.engine,
        DATA / "subscribers-intl.csv",
        "isa",
        confirmed=True,
        consent_note="Fachkonferenz 2019, Teilnehmerliste",
    )
    assert report.added == 40
    with read_session(isa.engine) as session:
        statuses = set(session.exec(select(Subscription.status)))
        notes = set(
            session.exec(select(ConsentEvent.note).where(ConsentEvent.kind == "imported_confirmed"))
        )
    assert statuses == {"confirmed"}
    assert notes == {"Fachkonferenz 2019, Teilnehmerliste"}


def test_export_neutralises_formulas_and_round_trips(isa: Project, tmp_path: Path) -> None:
    import_subscribers(isa.engine, DATA / "subscribers-excel-de.csv", "isa", confirmed=True)
    buffer = io.StringIO()
    assert export_subscribers(isa.engine, "isa", buffer) == 104
    text = buffer.getvalue()
    assert text.startswith("\ufeff")  # for German Excel: BOM and semicolons
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert any(c.startswith("'+49 6142") for c in cells)
    exported = tmp_path / "export.csv"
    exported.write_text(text, encoding="utf-8")
    create_list(isa.engine, "kopie")
    report = import_subscribers(isa.engine, exported, "kopie", confirmed=True)
    assert report.rejected == 0 and report.updated == 104
    with read_session(isa.engine) as session:
        orgs = set(session.exec(select(Subscriber.organisation)))
    assert '=HYPERLINK("https://phish.example/login?id=4711";"Hier klicken")' in orgs


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_excel_unicode_text_and_mailchimp_columns(
    isa: Project, tmp_path: Path, encoding: str
) -> None:
    rows = [
        [
            "Email Address",
            "First Name",
            "Last Name",
            "OPTIN_TIME",
            "CONFIRM_TIME",
            "CONFIRM_IP",
            "UNSUB_TIME",
        ],
        [
            "jörg.klein@schaefer-praezision.example",
            "Jörg",
            "Klein",
            "2019-03-01 10:00:00",
            "2019-03-01 10:05:00",
            "192.0.2.7",
            "",
        ],
        ["left@schaefer-praezision.example", "Lea", "Links", "", "", "", "2020-01-01 00:00:00"],
    ]
    path = tmp_path / "mailchimp.txt"
    if encoding == "cp1252":
        rows[1][0] = "joerg.klein@schaefer-praezision.example"
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    path.write_bytes(
        codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        if encoding == "utf-16"
        else text.encode(encoding)
    )
    report = import_subscribers(isa.engine, path, "isa", confirmed=True)
    assert (report.added, report.skipped, report.rejected) == (1, 1, 0)
    with read_session(isa.engine) as session:
        person = session.exec(select(Subscriber)).one()
        event = session.exec(select(ConsentEvent)).one()
    assert person.name == "Jörg Klein"
    assert event.ip == "192.0.2.7" and "2019-03-01 10:05:00" in event.note
    # the unsubscribed row went onto the suppression list: adding it by hand is refused
    from isamail.errors import Conflict

    with pytest.raises(Conflict, match="Sperrliste"):
        add_subscriber(isa.engine, "left@schaefer-praezision.example", "isa", confirmed=True)


def test_fields_are_the_header_aliases_fields() -> None:
    # the importer unpacks Fields by position: a field added to one must reach the other
    from isamail.audience.csvfiles import HEADER_ALIASES, Fields

    assert set(Fields._fields) == set(HEADER_ALIASES) - {"ignored"}


def _write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_second_email_column_short_rows_and_unknown_columns(isa: Project, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "zwei-spalten.csv",
        [
            "E-Mail;Mail;Vorname;Nachname;Abteilung;Status",
            ";erste@wfg-aachen.example;Erika;Erste;Presse;confirmed",
            "zweite@wfg-aachen.example;andere@wfg-aachen.example;Zoe",  # short row
            "dritte@wfg-aachen.example;;;;;;überzählig",  # a cell past the header
            ";;;;;confirmed",  # only an ignored column: not a row
        ],
    )
    report = import_subscribers(isa.engine, path, "isa", confirmed=True)
    assert (report.rows, report.added, report.rejected) == (3, 3, 0)
    with read_session(isa.engine) as session:
        people = {s.email: s for s in session.exec(select(Subscriber))}
    assert set(people) == {
        "erste@wfg-aachen.example",
        "zweite@wfg-aachen.example",
        "dritte@wfg-aachen.example",
    }
    assert people["erste@wfg-aachen.example"].name == "Erika Erste"
    assert people["erste@wfg-aachen.example"].attributes == {"Abteilung": "Presse"}
    assert people["zweite@wfg-aachen.example"].name == "Zoe"
    assert people["dritte@wfg-aachen.example"].attributes == {}


def test_small_chunks_give_every_person_one_subscription_and_one_event(
    isa: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import isamail.audience.importer as importer

    # chunk borders fall between duplicates and rejected rows of the file
    monkeypatch.setattr(importer, "CHUNK", 7)
    report = import_subscribers(
        isa.engine, DATA / "subscribers-excel-de.csv", "isa", confirmed=True
    )
    assert counts(report) == {
        "added": 104,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 8,
        "duplicates": 6,
    }
    with read_session(isa.engine) as session:
        people = set(session.exec(select(Subscriber.id)))
        subscribed = list(session.exec(select(Subscription.subscriber_id)))
        consented = list(session.exec(select(ConsentEvent.subscriber_id)))
    assert len(people) == len(subscribed) == len(consented) == 104
    assert set(subscribed) == set(consented) == people
    again = import_subscribers(isa.engine, DATA / "subscribers-excel-de.csv", "isa", confirmed=True)
    assert (again.unchanged, again.added, again.updated) == (104, 0, 0)


def test_update_changes_what_the_file_says_and_keeps_the_rest(isa: Project, tmp_path: Path) -> None:
    first = _write_csv(
        tmp_path / "erst.csv",
        ["email;name;city;language", "a.weber@stadt-mainz.example;Anna Weber;Mainz;englisch"],
    )
    later = _write_csv(
        tmp_path / "spaeter.csv",
        ["email;city;country", "A.Weber@Stadt-Mainz.example;Wiesbaden;de"],
    )
    import_subscribers(isa.engine, first, "isa", confirmed=True)
    report = import_subscribers(isa.engine, later, "isa", confirmed=True)
    assert (report.updated, report.unchanged, report.added) == (1, 0, 0)
    with read_session(isa.engine) as session:
        person = session.exec(select(Subscriber)).one()
    assert (person.email, person.name, person.language) == (
        "a.weber@stadt-mainz.example",
        "Anna Weber",
        "en",
    )
    assert (person.city, person.country) == ("Wiesbaden", "DE")
    assert import_subscribers(isa.engine, later, "isa", confirmed=True).unchanged == 1


def test_each_new_person_gets_their_own_consent_note_and_ip(isa: Project, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "mailchimp.csv",
        [
            "Email Address,CONFIRM_TIME,CONFIRM_IP",
            "eins@wfg-fulda.example,2019-03-01 10:00:00,192.0.2.1",
            "zwei@wfg-fulda.example,2019-04-02 11:00:00,192.0.2.2",
            "drei@wfg-fulda.example,,",
        ],
    )
    report = import_subscribers(isa.engine, path, "isa", confirmed=True, consent_note="Export")
    assert report.added == 3
    with read_session(isa.engine) as session:
        events = session.exec(
            select(Subscriber.email, ConsentEvent.ip, ConsentEvent.note).join(
                ConsentEvent, col(ConsentEvent.subscriber_id) == Subscriber.id
            )
        ).all()
    found = {email: (ip, note) for email, ip, note in events}
    assert len(events) == 3
    assert found["eins@wfg-fulda.example"][0] == "192.0.2.1"
    assert "2019-03-01 10:00:00" in found["eins@wfg-fulda.example"][1]
    assert found["zwei@wfg-fulda.example"][0] == "192.0.2.2"
    assert "2019-04-02 11:00:00" in found["zwei@wfg-fulda.example"][1]
    assert found["drei@wfg-fulda.example"] == (None, "Export")


def test_export_saying_unsubscribed_ends_a_live_subscription(isa: Project, tmp_path: Path) -> None:
    import_subscribers(isa.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    path = _write_csv(
        tmp_path / "abmeldungen.csv",
        ["Email Address,UNSUB_TIME", "Anna.Schmidt@WFG-Aachen.example,2020-01-01 00:00:00"],
    )
    report = import_subscribers(isa.engine, path, "isa", confirmed=True)
    assert (report.skipped, report.updated, report.added) == (1, 0, 0)
    with read_session(isa.engine) as session:
        latest = session.exec(
            select(Subscription.status, ConsentEvent.kind)
            .join(Subscriber, col(Subscriber.id) == Subscription.subscriber_id)
            .join(ConsentEvent, col(ConsentEvent.subscriber_id) == Subscriber.id)
            .where(Subscriber.email == "Anna.Schmidt@wfg-aachen.example")
            .order_by(col(ConsentEvent.id).desc())
        ).first()
    assert latest is not None
    assert tuple(latest) == ("unsubscribed", "unsubscribed")
    from isamail.errors import Conflict

    with pytest.raises(Conflict, match="Sperrliste"):
        add_subscriber(isa.engine, "anna.schmidt@wfg-aachen.example", "isa", confirmed=True)


def test_database_errors_are_raised_as_sqlalchemy_errors(
    isa: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from sqlalchemy.exc import DBAPIError

    import isamail.audience.importer as importer

    # the CLI tells a database problem (a locked SQLite file, say) from a bug by
    # SQLAlchemy's exception classes, which raw DBAPI errors would not be
    broken = importer._Statements.INSERT_SUBSCRIBER.replace("city,", "no_such_column,")
    monkeypatch.setattr(importer._Statements, "INSERT_SUBSCRIBER", broken)
    with pytest.raises(DBAPIError, match="no_such_column"):
        import_subscribers(isa.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    assert gc.isenabled()
    with read_session(isa.engine) as session:
        assert session.exec(select(Subscriber)).all() == []


def test_import_gives_back_the_sqlite_connection_as_it_found_it(isa: Project) -> None:
    from contextlib import closing

    import isamail.audience.importer as importer
    from isamail.db.engine import is_sqlite, unit_of_work
    from isamail.db.models import utcnow

    if not is_sqlite(isa.engine):
        pytest.skip("the page cache is SQLite's")
    with unit_of_work(isa.engine) as session:
        connection = session.connection()

        def cache_size() -> object:
            return connection.exec_driver_sql("PRAGMA cache_size").scalar()

        before = cache_size()
        with closing(importer._Statements(session, 1, utcnow())):
            assert cache_size() == -importer.SQLITE_CACHE_KIB != before
        assert cache_size() == before
