"""Staff forms: sign-in, inbox filters, case actions, and filing a case for a citizen."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, MultipleFileField, PasswordField, SelectChoice,
    SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.core.bounds import day_field, int_field
from app.core.forms import FilingForm, Form, clean_text

from app.domain.workflow import Channel

LONG = 5000


class LoginForm(Form):
    """Username and password; the error never says which one was wrong."""

    # clean_text: a NUL byte in a query makes PostgreSQL refuse the statement (a 500, not a "no").
    username = StringField(_l("Username"), filters=[clean_text], validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device (14 days)"))


class InboxFilterForm(Form):
    """The inbox filters, sent as a GET query; choices are filled in by the view."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="open", validate_choice=False)
    category = SelectField(_l("Matter"), coerce=int, default=0, validate_choice=False, validators=[int_field])
    poster = SelectField(_l("Poster"), coerce=int, default=0, validate_choice=False, validators=[int_field])
    channel = SelectField(_l("Channel"), default="", validate_choice=False)
    date_from = DateField(_l("Filed from"), validators=[Optional(), day_field])
    date_to = DateField(_l("Filed until"), validators=[Optional(), day_field])
    overdue = BooleanField(_l("Overdue"))
    due_soon = BooleanField(_l("Due soon"))  # the view names YIMA_DUE_SOON_DAYS
    extension_requested = BooleanField(_l("Extension requested, waiting for the lead"))
    q = StringField(_l("Search text or receipt code"), filters=[clean_text], validators=[Optional(), Length(max=100)])


class CaseActionForm(Form):
    """Every case action posts this form; the service says which parts each action needs."""

    version = HiddenField()
    message = TextAreaField(_l("Message"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    unit = SelectField(_l("To unit"), coerce=int, default=0, validate_choice=False, validators=[int_field])
    assignee = SelectField(_l("Assign to"), coerce=int, default=0, validate_choice=False, validators=[int_field])
    # Its label and bound come from YIMA_MAX_EXTENSION_DAYS (the view sets the label, the service refuses).
    days = IntegerField(_l("Extra days"), validators=[Optional()])
    master_code = StringField(_l("Receipt code of the master case"), filters=[clean_text], validators=[Optional(), Length(max=20)])
    body = TextAreaField(_l("Reply to the citizen"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    claim = TextAreaField(_l("The citizen's claim"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    facts = TextAreaField(_l("Facts found"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    decision = TextAreaField(_l("Decision"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    basis = TextAreaField(_l("Basis (laws and policies)"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    # A reply's or decision letter's files (app/core/uploads.py reads them); held when it comes back.
    photos = MultipleFileField(_l("Attach files (PDF or pictures, optional)"))
    held_photos = HiddenField()
    # With a reply to a case whose citizen agreed: the unit's lead reads it redacted, then decides.
    propose = BooleanField(_l("Propose this question and answer for the public board (the lead approves)"))


class PublicationForm(Form):
    """The lead's edit of the redacted texts before approving (or declining, or taking down)."""

    question = TextAreaField(_l("Question as published"), filters=[clean_text],
                             validators=[Optional(), Length(max=LONG)])
    answer = TextAreaField(_l("Answer as published"), filters=[clean_text], validators=[Optional(), Length(max=LONG)])
    # Shown only when something is flagged (app/services/publications.py approve).
    flags_seen = BooleanField(_l("I have read the flagged parts: they name no one"))


class CounterCaseForm(FilingForm):
    """A case filed by staff for a walk-in or phone citizen."""

    channel = SelectField(_l("How the citizen came"), choices=[
        SelectChoice(Channel.COUNTER.value, _l("At the service counter")),
        SelectChoice(Channel.HOTLINE.value, _l("By telephone")),
    ], default=Channel.COUNTER.value)
    notify = BooleanField(_l("The citizen agreed to SMS updates (receipt code, progress and link only)"),
                          default=False)
    photos = MultipleFileField(_l("Photo of the citizen's handwritten letter (optional)"))
    held_photos = HiddenField()
    NOTIFY_NOT_ANONYMOUS = _l("SMS updates need the citizen's mobile number: untick “Stay anonymous” "
                              "and enter it, or untick this box.")
    NOTIFY_NEEDS_MOBILE = _l("SMS updates need an 11-digit mobile number (not a landline): enter it "
                             "above, or untick this box.")
