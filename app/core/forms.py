"""The base of every form (WTForms' own messages in the page's language, loaded once), the
field filters every form shares, and the fields of a filing, whoever types them in."""
import unicodedata
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.i18n import messages_path

from app.domain import phones
from app.domain.codes import SUBMISSION_KEY_PATTERN
from app.domain.workflow import Kind


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


TEXT_MIN, TEXT_MAX = 5, 2000


def clean_text(value):
    """Drop control and unpaired surrogate characters, keep line breaks, trim the ends."""
    if value is None:
        return value
    kept = []
    for ch in value:
        category = unicodedata.category(ch)
        if ch in "\n\t" or category not in ("Cc", "Cs", "Cf") or ch == "\u200d":
            kept.append(ch)
    return "".join(kept).replace("\r", "").strip()


def clean_phone(value):
    """A mobile or landline typed with spaces, any dash, full-width digits or +86: digits only."""
    if not value:
        return value
    return phones.normalise(value)


def a_phone(form, field):
    """A mainland mobile, or a landline with its area code (app/domain/phones.py)."""
    if field.data and not phones.is_phone(field.data):
        raise ValidationError(_l("Enter an 11-digit mobile number, or a landline with its area code, "
                                 "e.g. 13812345678 or 0574-62345678."))


KIND_CHOICES = [
    SelectChoice(Kind.SUGGESTION.value, _l("Suggestion")),
    SelectChoice(Kind.COMPLAINT.value, _l("Complaint")),
    SelectChoice(Kind.CONSULTATION.value, _l("Question")),
    SelectChoice(Kind.PRAISE.value, _l("Praise")),
]


class FilingForm(Form):
    """What a filing holds, typed by the citizen or by staff for them; the view fills the categories."""

    submission_key = HiddenField()
    kind = RadioField(_l("Type"), choices=KIND_CHOICES, default=Kind.SUGGESTION.value,
                      validators=[DataRequired(_l("Choose a type."))])
    text = TextAreaField(
        _l("Your suggestion"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please write what you want to tell us.")),
            Length(TEXT_MIN, TEXT_MAX, _l("Please write between %(min)d and %(max)d characters.")),
        ],
    )
    category = SelectField(_l("Matter"), coerce=int, validate_choice=True)
    location = StringField(_l("Where (optional)"), filters=[clean_text],
                           validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))])
    anonymous = BooleanField(_l("Stay anonymous (you can still track your case with the receipt)"))
    name = StringField(_l("Your name (optional)"), filters=[clean_text],
                       validators=[Optional(), Length(max=50, message=_l("At most %(max)d characters."))])
    phone = StringField(_l("Phone number (optional)"), filters=[clean_phone], validators=[Optional(), a_phone])
    NOTIFY_NOT_ANONYMOUS = _l("To get SMS, untick “Stay anonymous” and enter your mobile number, "
                              "or untick this box.")
    NOTIFY_NEEDS_MOBILE = _l("To get SMS, enter an 11-digit mobile number above, or untick this box.")
    # Consent is asked, never assumed: unticked until the citizen ticks it (信访 SMS, issue 13).
    notify = BooleanField(_l("I agree to receive SMS about this case (only the receipt code, its progress "
                             "and the link to see it)"), default=False)

    # Asked, never assumed: unticked. Reports and accusations are never published, ticked or not.
    publish = BooleanField(_l("My suggestion and its answer may be published without my name and phone"),
                           default=False)

    def validate_notify(self, field):
        """SMS needs a mobile number given openly: not an empty field, a landline or an anonymous filing."""
        if not field.data:
            return
        if self.anonymous.data:
            raise ValidationError(self.NOTIFY_NOT_ANONYMOUS)
        if not phones.is_mobile(self.phone.data):
            raise ValidationError(self.NOTIFY_NEEDS_MOBILE)

    def validate_submission_key(self, field):
        if not SUBMISSION_KEY_PATTERN.match(field.data or ""):
            raise ValidationError(_l("This form has expired. Please press Submit again."))
