"""`/staff/channels`: admins manage the channels of the units of their subtree (DingTalk and
WeCom group robots, e-mail addresses): add, remove, and queue a test message to one.

Every other role gets a 404 here. Robot URLs show with their tokens masked and secrets never
show. The rules are app/services/channels.py's, shared with `flask channels`.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core.bounds import int_field
from app.core.db import utcnow
from app.core.extensions import db
from app.core.forms import Form, clean_text
from app.core.i18n import page_language
from app.domain.policy import Area
from app.notify.texts import BabelTexts
from app.services import channels as svc
from app.services.errors import NotFound
from app.staff.auth import area_required

bp = Blueprint("channels", __name__)
KINDS = {"dingtalk": _l("DingTalk group robot"), "wecom": _l("WeCom group robot"), "email": _l("E-mail")}
REFUSED = {
    "unit": _l("Choose one of your units."),
    "kind": _l("Choose a kind of channel."),
    "url": _l("Give the robot's webhook address, starting with https://."),
    "host": _l("Only a DingTalk robot at oapi.dingtalk.com or a WeCom robot at qyapi.weixin.qq.com can be "
               "added, or one at a host the operator allows."),
    "address": _l("Give one e-mail address, for example office@example.gov.cn."),
    "secret_unused": _l("Only a DingTalk robot has a signing secret: leave this empty."),
    "secret": _l("The secret is at most 200 characters, without spaces."),
    "duplicate": _l("This unit already has this channel."),
}


class ChannelForm(Form):
    """A new channel: its unit, kind, target, DingTalk's secret, and whether it gets the digest."""

    unit = SelectField(_l("Unit"), coerce=int, validate_choice=False, validators=[int_field])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KINDS.items()], default="dingtalk")
    target = StringField(_l("Webhook address or e-mail address"), filters=[clean_text],
                         validators=[DataRequired(), Length(max=svc.TARGET_MAX)])
    secret = PasswordField(_l("Signing secret (DingTalk only)"), filters=[clean_text],
                           validators=[Length(max=svc.SECRET_MAX)])
    digest = BooleanField(_l("Also send the daily digest here"))


class ButtonForm(Form):
    """A remove or test button: only its CSRF token."""


def _form() -> ChannelForm:
    form = ChannelForm()
    lang = page_language()
    form.unit.choices = [SelectChoice(u.id, u.display_name(lang)) for u in svc.scope_units(db.session, current_user)]
    return form


def _page(form: ChannelForm, status: int = 200):
    found = db.session.scalars(svc.channels_query(db.session, current_user)).all()
    return render_template("staff/channels.html", channels=found, form=form, button=ButtonForm(),
                           kinds=KINDS, masked=svc.masked_target), status


@bp.get("/channels", endpoint="index")
@area_required(Area.CHANNELS)
def channels():
    """Every channel of the admin's units, and the form to add one."""
    return _page(_form())


@bp.post("/channels")
@area_required(Area.CHANNELS)
def add():
    """Add a channel; a wrong field shows its reason beside it."""
    form = _form()
    if form.validate_on_submit():
        data = svc.ChannelData(unit_id=form.unit.data or 0, kind=form.kind.data, target=form.target.data or "",
                               secret=form.secret.data or "", digest=bool(form.digest.data))
        try:
            channel = svc.add_channel(db.session, current_user, data, utcnow(), request.remote_addr or "",
                                      robot_hosts=current_app.config["ROBOT_HOSTS"])
        except svc.Invalid as invalid:
            db.session.rollback()
            getattr(form, invalid.field).errors.append(str(REFUSED[invalid.reason]))
        else:
            unit = channel.unit.display_name(page_language())
            db.session.commit()
            flash(_("Channel added to %(unit)s. Send it a test message to check it.", unit=unit), "success")
            return redirect(url_for("staff.channels.index"), code=303)
    return _page(form, 400)


def _load(channel_id: int):
    try:
        return svc.get_channel_for(db.session, current_user, channel_id)
    except NotFound:
        abort(404)


@bp.post("/channels/<int:channel_id>/remove")
@area_required(Area.CHANNELS)
def remove(channel_id: int):
    """Remove a channel; what still waited for it is skipped."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    channel = _load(channel_id)
    unit = channel.unit.display_name(page_language())
    svc.remove_channel(db.session, current_user, channel, utcnow(), request.remote_addr or "")
    db.session.commit()
    flash(_("Channel removed from %(unit)s.", unit=unit), "success")
    return redirect(url_for("staff.channels.index"), code=303)


@bp.post("/channels/<int:channel_id>/test")
@area_required(Area.CHANNELS)
def test(channel_id: int):
    """Queue a test message to this channel alone; the `notify` worker sends it like any other.

    It is never sent from here: a web request that connected to the address an admin typed
    and said how it went would let whoever holds the page probe the node's network."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    channel = _load(channel_id)
    unit, kind = channel.unit.display_name(page_language()), KINDS[channel.kind]
    svc.queue_test(db.session, channel, BabelTexts(), utcnow())
    db.session.commit()
    flash(_("The test message to %(unit)s (%(kind)s) is queued: it goes out at the next run of the notify "
            "command, and the outbox page shows whether it was sent.", unit=unit, kind=kind), "success")
    return redirect(url_for("staff.channels.index"), code=303)
