"""The base of every form: WTForms' own messages in the page's language, loaded once."""
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def _wtforms_messages(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """A FlaskForm whose built-in messages ("Not a valid choice") follow the page's language.

    Flask-WTF reads WTForms' catalog from disk on every request that builds a form; each
    worker here reads it once per language.
    """

    class Meta:
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale()))
