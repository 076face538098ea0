"""Files over a case's life: `purge` deletes the citizen's photos and letter with their name and
phone (the unit's reply files stay), `sweep` deletes files no row names once no form can still
hold them, `backup` copies the upload folder beside the database and `restore` brings it back,
and the inbox export says how many photos each case has."""
import csv
import io
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.attachments import Attachment
from app.core.extensions import db
from app.core.images import clean_attachment, clean_image
from app.domain.attachments import FileRole
from app.services.uploads import attach
from app.storage import Missing, store_file
from tests.uploads import made
from tests.web.staff_helpers import signed_in


def _add(app, session, case_id, role=FileRole.PHOTO, raw=None, reply_id=None):
    store = app.extensions["yima_store"]
    cleaned = clean_attachment(raw) if raw else clean_image(made.phone_jpeg())
    held = store_file(store, cleaned, {"photo": "photos", "letter": "letters", "reply": "replies"}[role.value])
    [row] = attach(session, case_id, [held], role, datetime.now(timezone.utc), reply_id=reply_id)
    session.commit()
    return row.id, held


def _exists(app, key) -> bool:
    try:
        app.extensions["yima_store"].get(key)
    except Missing:
        return False
    return True


def test_purge_deletes_the_citizens_photos_and_keeps_the_units_reply_files(app, make_case, session):
    long_ago = datetime.now(timezone.utc) - timedelta(days=800)
    old = make_case("closed", now=long_ago, citizen_name=None, citizen_phone=None)  # anonymous, with photos
    recent = make_case("closed")
    _photo_id, photo = _add(app, session, old.id)
    _letter_id, letter = _add(app, session, old.id, FileRole.LETTER)
    _reply_id, reply = _add(app, session, old.id, FileRole.REPLY, made.pdf_renamed(), reply_id=old.replies[0].id)
    _kept_id, kept = _add(app, session, recent.id)

    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "their photos and letters deleted: 4 files" in result.output  # two photos, two thumbnails
    assert not _exists(app, photo["key"]) and not _exists(app, photo["thumb_key"]) and not _exists(app, letter["key"])
    assert _exists(app, reply["key"]) and _exists(app, kept["key"])
    session.rollback()
    assert sorted(session.scalars(sa.select(Attachment.role))) == ["photo", "reply"]
    assert "deleted: 0 files" in app.test_cli_runner().invoke(args=["purge"]).output


def test_the_sweep_deletes_orphans_a_day_old_and_keeps_rowed_and_fresh_files(app, make_case, session):
    case = make_case()
    _row_id, rowed = _add(app, session, case.id)
    store = app.extensions["yima_store"]
    old_orphan = store_file(store, clean_image(made.webp()), "photos")
    fresh_orphan = store_file(store, clean_image(made.webp()), "photos")
    day_ago = time.time() - 25 * 3600
    for key in (old_orphan["key"], old_orphan["thumb_key"], rowed["key"]):
        os.utime(store.root / key, (day_ago, day_ago))
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "orphaned files deleted: 2" in result.output
    assert not _exists(app, old_orphan["key"]) and _exists(app, fresh_orphan["key"]) and _exists(app, rowed["key"])


def test_backup_copies_the_upload_folder_and_restore_brings_it_back(app, make_case, session, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite backups; PostgreSQL uses pg_dump (docs/deploy.md)")
    case = make_case()
    _row_id, held = _add(app, session, case.id)
    target = tmp_path / "yima.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0 and "copied 2 uploaded files" in result.output, result.output
    store = app.extensions["yima_store"]
    copy = (tmp_path / "yima.uploads" / held["key"]).read_bytes()
    assert copy == store.get(held["key"])
    store.delete(held["key"])  # lost on the live node
    session.close()
    result = app.test_cli_runner().invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0 and "restored 1 uploaded files" in result.output, result.output
    assert store.get(held["key"]) == copy


def test_the_inbox_export_lists_the_number_of_photos(app, staff, make_case, session):
    case = make_case()
    _add(app, session, case.id)
    _add(app, session, case.id, FileRole.LETTER)
    make_case()
    rows = list(csv.reader(io.StringIO(signed_in(app, "yangming").get("/staff/export.csv?status=all")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    column = rows[0].index("照片")
    assert sorted(row[column] for row in rows[1:]) == ["0", "2"]
