"""Citizen forms: the suggestion form, the receipt lookup, and rating, review and follow-up."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, MultipleFileField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import FilingForm, Form, clean_text
from app.domain.attachments import FILING_PHOTOS
from app.domain.workflow import Rating


class SuggestionForm(FilingForm):
    """What a citizen files from a poster or /submit; the photos are read by app/core/uploads.py."""

    photos = MultipleFileField(_l("Photos (optional, up to %(most)d)", most=FILING_PHOTOS))
    held_photos = HiddenField()  # the photos that were fine, sealed, when the form comes back


class TrackForm(Form):
    """Look a case up by its receipt code and PIN (or the whole phone number given)."""

    code = StringField(_l("Receipt code"), validators=[
        DataRequired(_l("Enter the receipt code.")), Length(max=20, message=_l("At most %(max)d characters."))])
    pin = StringField(_l("PIN, or the phone number you gave"), validators=[
        DataRequired(_l("Enter the PIN.")), Length(max=20, message=_l("At most %(max)d characters."))])


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
    """A further message on an open case, with one more photo if the citizen wants."""

    photos = MultipleFileField(_l("A photo (optional)"))
    held_photos = HiddenField()

    text = TextAreaField(_l("Add information"), filters=[clean_text], validators=[
        DataRequired(_l("Please write your message.")), Length(max=2000, message=_l("At most %(max)d characters."))])


class StopForm(Form):
    """Stop the SMS about a case: a button, its CSRF token its only field."""
