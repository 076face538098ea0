"""Migrations upgrade a database that already holds cases, and go back down cleanly."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app


def _insert_case(session, text: str) -> None:
    """One unit and one case, written as rows of the oldest schema (every revision keeps them)."""
    session.execute(sa.text(
        "INSERT INTO org_units (id, code, name, name_en, kind, active) "
        "VALUES (1, 'X', '信访局', 'Bureau', 'dispatch', 1)"))
    session.execute(sa.text(
        "INSERT INTO suggestions (id, receipt_code, token_hash, pin_hash, submission_key, kind, channel,"
        " status, text, location, language, unit_id, created_at, received_at, accept_due_at, version)"
        " VALUES (1, 'ABCDEFGHJ', 't', 'p', 'k', 'complaint', 'web', 'submitted', :text, '', 'zh',"
        " 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-16 16:00:00', 1)"), {"text": text})


def test_upgrading_a_database_with_cases_keeps_them(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite3"})
    with app.app_context():
        from app.core.extensions import db

        upgrade(revision="0001")
        _insert_case(db.session, "旧的案件")
        db.session.execute(sa.text(
            "INSERT INTO case_events (suggestion_id, at, action, to_status, message, public)"
            " VALUES (1, '2026-01-01 00:00:00', 'submit', 'submitted', '', 1)"))
        db.session.commit()
        upgrade()
        row = db.session.execute(sa.text("SELECT text, stage, due_at, extension_days FROM suggestions")).one()
        assert row.text == "旧的案件" and row.stage == "first" and row.due_at is not None and row.extension_days == 0
        assert db.session.scalar(sa.text("SELECT count(*) FROM case_events")) == 1
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1  # enforced again after migrating
        db.session.commit()
        downgrade(revision="base")
        assert "suggestions" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_phone_shape_takes_landlines_and_still_refuses_other_shapes(tmp_path):
    import pytest
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SECRET_KEY": "k",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/phones.sqlite3"})
    with app.app_context():
        from app.core.extensions import db

        upgrade()
        _insert_case(db.session, "座机")
        db.session.execute(sa.text("UPDATE suggestions SET citizen_phone = :p"), {"p": "0574" + "62345678"})
        db.session.commit()
        for bad in ("0574", "2" * 11, "0" + "5" * 12):
            with pytest.raises(IntegrityError):
                db.session.execute(sa.text("UPDATE suggestions SET citizen_phone = :p"), {"p": bad})
            db.session.rollback()
        downgrade(revision="0005")  # the old shape knows no landline: the number is cleared
        assert db.session.scalar(sa.text("SELECT citizen_phone FROM suggestions")) is None
        db.session.commit()
        downgrade(revision="base")
        db.engine.dispose()


def test_the_open311_channel_is_allowed_after_0011_and_counted_as_the_websites_below_it(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "k",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/open311.sqlite3"})
    with app.app_context():
        from app.core.extensions import db

        upgrade()
        _insert_case(db.session, "合作方的案件")
        db.session.execute(sa.text("UPDATE suggestions SET channel = 'open311'"))
        db.session.commit()
        try:
            db.session.execute(sa.text("UPDATE suggestions SET channel = 'fax'"))
            raise AssertionError("the channel's CHECK let an unknown channel in")
        except sa.exc.IntegrityError:
            db.session.rollback()
        downgrade(revision="0009")
        assert db.session.scalar(sa.text("SELECT channel FROM suggestions")) == "web"
        db.session.commit()
        assert "open311_keys" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
