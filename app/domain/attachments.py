"""What a file attached to a case may be: how many, how large, which kinds, and who sees it.

Plain rules, standard library only: the forms, the image cleaner (app/core/images.py), the
request limit (app/core/uploads.py) and the services (app/services/uploads.py) read them here.
"""
from enum import Enum

MAX_FILE_BYTES = 10 * 1024 * 1024  # one photo or file, as sent
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
FILING_PHOTOS = 3  # photos with a new suggestion (a close-up and the context)
FOLLOW_UP_PHOTOS = 1  # one more photo with each follow-up message
REPLY_FILES = 3  # files a unit attaches to one reply or decision letter
# The most files one form sends, and so the request's size limit: a 413 cannot give the form
# back, so the request may hold every file at its largest and each file is refused on its own.
MOST_FILES_PER_FORM = max(FILING_PHOTOS, FOLLOW_UP_PHOTOS, REPLY_FILES)
FORM_BYTES = 1024 * 1024  # the text fields of the largest form, with room to spare
REQUEST_BYTES = MOST_FILES_PER_FORM * (MAX_FILE_BYTES + 64 * 1024) + FORM_BYTES

# A 48-megapixel phone photo (8000 x 6000) is the largest taken: more is refused before decoding.
MAX_PIXELS = 50_000_000
STORED_SIDE = 2048  # the long side a photo is kept at: detail enough to see a broken light
THUMB_SIDE = 320  # thumbnails on the receipt, the tracking and the case page
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")  # what Pillow may decode (HEIF: iPhones)
PDF = "application/pdf"
STORED_TYPES = ("image/jpeg", "image/png", PDF)  # what is ever written and served


class FileRole(str, Enum):
    """Why a file belongs to its case."""

    PHOTO = "photo"  # the citizen's photo, with the filing or a follow-up
    LETTER = "letter"  # counter staff's photo of the citizen's handwritten letter
    REPLY = "reply"  # a unit's attachment to its reply or decision letter


CITIZENS_OWN = frozenset({FileRole.PHOTO, FileRole.LETTER})  # personal data: purged with name and phone


class Refusal(str, Enum):
    """Why a file was refused; the form says it in the citizen's language."""

    TOO_LARGE = "too_large"  # over MAX_FILE_BYTES
    NOT_ACCEPTED = "not_accepted"  # not one of the accepted kinds (a PDF renamed .jpg, HTML)
    TOO_MANY_PIXELS = "too_many_pixels"  # declares more than MAX_PIXELS
    BROKEN = "broken"  # an accepted kind that does not decode (cut off in transfer)
    TOO_MANY = "too_many"  # more files than the form takes
    EMPTY = "empty"  # a file of no bytes


def extension(media_type: str) -> str:
    """The file name ending of a stored type."""
    return {"image/jpeg": "jpg", "image/png": "png", PDF: "pdf"}[media_type]
