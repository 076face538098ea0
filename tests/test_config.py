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
