"""Settings that keep a deployment working across restarts."""
import os
import stat

from app.config import load_config


def test_without_a_secret_key_one_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40  # a restart logs nobody out
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_a_plain_postgresql_url_uses_psycopg_3(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://yima@db.internal/yima")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://yima@db.internal/yima"


def test_every_clock_is_read_from_its_setting(tmp_path, monkeypatch):
    import dataclasses

    from app.config import clocks
    from app.domain.deadlines import Clocks

    names = [f.name for f in dataclasses.fields(Clocks) if f.name != "calendar"]
    assert len(names) == 10  # YIMA_ACCEPT_DAYS ... YIMA_DUE_SOON_DAYS, as the README lists them
    for offset, name in enumerate(names):
        monkeypatch.setenv("YIMA_" + name.upper(), str(40 + offset))
    configured = clocks(load_config(str(tmp_path)))
    assert [getattr(configured, name) for name in names] == [40 + i for i in range(len(names))]
    monkeypatch.delenv("YIMA_ACCEPT_DAYS")
    assert clocks(load_config(str(tmp_path))).accept_days == Clocks().accept_days == 15


def test_an_app_with_a_clock_set_to_nonsense_does_not_start(tmp_path, monkeypatch):
    import pytest

    from app import create_app

    monkeypatch.setenv("YIMA_REVIEW_ANSWER_DAYS", "0")
    with pytest.raises(ValueError, match="review_answer_days"):
        create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
