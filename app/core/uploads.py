"""Files sent with a form: the request limit of the forms that take them, the app's store,
the files of a field read and cleaned one by one (a refused file is an error next to its field,
in the reader's language), and the files that were fine held under a sealed reference so the
form, coming back for another error, does not ask for them again."""
import base64
from typing import Callable

from flask import Request, Response, abort, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from app.core.images import BadFile, Cleaned
from app.core.sealed import seal, unseal
from app.domain.attachments import (
    FILING_PHOTOS, FOLLOW_UP_PHOTOS, MAX_FILE_BYTES, MAX_FILE_MB, MAX_PIXELS, REQUEST_BYTES, Refusal,
)
from app.storage import KEY, REPLY_PREFIX, Missing, Store, store_file, store_for

# The forms that send files: their requests may be as large as every file at its largest.
UPLOAD_ENDPOINTS = frozenset({"citizen.poster", "citizen.submit", "citizen.feedback.send",
                              "staff.cases.act", "staff.cases.new"})

REFUSED = {
    Refusal.TOO_LARGE: _l("“%(name)s” is larger than %(mb)d MB. Choose a smaller photo, or take it again."),
    Refusal.NOT_ACCEPTED: _l("“%(name)s” is not a photo we can take. Send a JPEG, PNG, HEIC or WebP picture."),
    Refusal.TOO_MANY_PIXELS: _l("“%(name)s” has too many pixels (over %(mp)d megapixels). Send a smaller picture."),
    Refusal.BROKEN: _l("“%(name)s” is damaged or was cut off while sending. Choose it again, or take a new photo."),
    Refusal.TOO_MANY: _l("At most %(most)d photos: “%(name)s” was not added."),
    Refusal.EMPTY: _l("“%(name)s” is empty."),
}
NOT_ACCEPTED_FILE = _l("“%(name)s” cannot be attached. Attach a PDF, or a JPEG, PNG, HEIC or WebP picture.")


def sends_files(sent: Request) -> bool:
    """Whether a request sends files (multipart) to a form that takes them."""
    return sent.url_rule is not None and sent.endpoint in UPLOAD_ENDPOINTS and sent.mimetype == "multipart/form-data"


class UploadRequest(Request):
    """A request whose size limit is REQUEST_BYTES when it sends files (multipart) to a form that
    takes them, MAX_CONTENT_LENGTH otherwise: a 413 cannot give the form back, so each file is
    refused on its own instead. A text field stays within MAX_FORM_MEMORY_SIZE either way."""

    @property
    def max_content_length(self) -> int | None:
        """The limit of this request's body."""
        if self._max_content_length is None and sends_files(self):
            return REQUEST_BYTES
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app) -> None:
    """Requests know the upload limit; the app gets its store (folder or bucket) once."""
    app.request_class = UploadRequest
    app.extensions["yima_store"] = store_for(app.config)
    app.jinja_env.globals.update(held_thumbnails=held_thumbnails, max_file_mb=MAX_FILE_MB,
                                 filing_photos=FILING_PHOTOS, follow_up_photos=FOLLOW_UP_PHOTOS)


def store() -> Store:
    """The app's store of attached files."""
    return current_app.extensions["yima_store"]


def _name(part: FileStorage) -> str:
    name = (part.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:60] or "?"


def _sent(field_name: str) -> list[FileStorage]:
    """The file parts of a field a citizen really filled (a browser sends one empty part when none)."""
    return [part for part in request.files.getlist(field_name) if part.filename or part.content_length]


def refusal_text(refusal: Refusal, name: str, most: int, attachment: bool = False) -> str:
    """Why a file was refused, in the page's language."""
    text = NOT_ACCEPTED_FILE if attachment and refusal is Refusal.NOT_ACCEPTED else REFUSED[refusal]
    return str(text) % {"name": name, "mb": MAX_FILE_MB, "mp": MAX_PIXELS // 1_000_000, "most": most}


def take_files(field, held_field, most: int, clean: Callable[[bytes], Cleaned], prefix: str) -> list[dict]:
    """The files held before (from `held_field`'s sealed reference) and the good ones of `field`,
    stored and held; each refused file's reason goes into `field.errors`. `held_field` is
    updated, so the form shown again carries every file that was fine."""
    held = _held(held_field)
    errors = list(field.errors)
    for part in _sent(field.name):
        name = _name(part)
        if len(held) >= most:
            errors.append(refusal_text(Refusal.TOO_MANY, name, most))
            continue
        raw = part.stream.read(MAX_FILE_BYTES + 1)
        try:
            held.append(store_file(store(), clean(raw), prefix))
        except BadFile as bad:
            errors.append(refusal_text(bad.refusal, name, most, attachment=prefix == REPLY_PREFIX))
    field.errors = errors
    held_field.data = seal(held, current_app.config["SECRET_KEY"]) if held else ""
    return held


def _held(held_field) -> list[dict]:
    held = unseal(held_field.data, current_app.config["SECRET_KEY"], [])
    return [f for f in held if isinstance(f, dict) and KEY.match(str(f.get("key")))] if isinstance(held, list) else []


def held_thumbnails(held_field) -> list[str]:
    """The thumbnails of the files a form holds, as data: URIs (nothing of theirs is served yet)."""
    shown = []
    for item in _held(held_field):
        if item.get("thumb_key"):
            data = store().get(item["thumb_key"])
            kind = "png" if item["thumb_key"].endswith(".png") else "jpeg"
            shown.append(f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii"))
    return shown


def file_response(found, thumb: bool = False) -> Response:
    """A stored file as its answer: its own type, never sniffed, a download name of the server's
    choosing, inline for pictures and as an attachment for a PDF, and kept by no cache."""
    key = found.thumb_key if thumb and found.thumb_key else found.key
    try:
        data = store().get(key)
    except Missing:
        abort(404)
    response = Response(data, mimetype=found.media_type)
    how = "inline" if found.media_type.startswith("image/") else "attachment"
    name = f"yima-{found.role}-{found.id}{'-small' if thumb else ''}.{key.rsplit('.', 1)[1]}"
    response.headers["Content-Disposition"] = f'{how}; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response
