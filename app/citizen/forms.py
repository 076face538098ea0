"""Citizen forms: the suggestion form and the receipt lookup."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from app.forms import Form
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.domain.codes import SUBMISSION_KEY_PATTERN
from app.domain.workflow import Kind, Rating

TEXT_MIN, TEXT_MAX = 5, 2000
MOBILE = re.compile(r"^1[3-9]\d{9}$")


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
    """Accept a mobile number typed with spaces, dashes or a +86 prefix."""
    if not value:
        return value
    digits = re.sub(r"[\s\-()]", "", value)
    return re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)


KIND_CHOICES = [
    SelectChoice(Kind.SUGGESTION.value, _l("Suggestion")),
    SelectChoice(Kind.COMPLAINT.value, _l("Complaint")),
    SelectChoice(Kind.CONSULTATION.value, _l("Question")),
    SelectChoice(Kind.PRAISE.value, _l("Praise")),
]


class SuggestionForm(Form):
    """What a citizen files; the category list is filled in by the view."""

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
    phone = StringField(_l("Mobile number (optional)"), filters=[clean_phone],
                        validators=[Optional(), Regexp(MOBILE, message=_l(
                            "Enter an 11-digit mainland mobile number, e.g. 13812345678."))])

    def validate_submission_key(self, field):
        if not SUBMISSION_KEY_PATTERN.match(field.data or ""):
            raise ValidationError(_l("This form has expired. Please press Submit again."))


class TrackForm(Form):
    """Look a case up by its receipt code and PIN (or the phone's last four digits)."""

    code = StringField(_l("Receipt code"), validators=[
        DataRequired(_l("Enter the receipt code.")), Length(max=20, message=_l("At most %(max)d characters."))])
    pin = StringField(_l("PIN or the last 4 digits of your phone"), validators=[
        DataRequired(_l("Enter the PIN.")), Length(max=10, message=_l("At most %(max)d characters."))])


class RateForm(Form):
    """The citizen's rating of a reply."""

    rating = RadioField(_l("How satisfied are you with this answer?"), choices=[
        SelectChoice(Rating.SATISFIED.value, _l("Satisfied")),
        SelectChoice(Rating.BASICALLY.value, _l("Basically satisfied")),
        SelectChoice(Rating.UNSATISFIED.value, _l("Not satisfied")),
    ], validators=[DataRequired(_l("Choose one."))])
    comment = TextAreaField(_l("Comment (optional)"), filters=[clean_text],
                            validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])


class ReviewForm(Form):
    """Ask the next-higher unit to review the answer."""

    reason = TextAreaField(_l("Why the answer does not resolve your matter"), filters=[clean_text], validators=[
        DataRequired(_l("Please say why.")), Length(max=2000, message=_l("At most %(max)d characters."))])


class FollowUpForm(Form):
    """A further message on an open case."""

    text = TextAreaField(_l("Add information"), filters=[clean_text], validators=[
        DataRequired(_l("Please write your message.")), Length(max=2000, message=_l("At most %(max)d characters."))])
