"""A citizen adds photos to a suggestion and a follow-up: what is stored and served has no GPS,
no camera, no metadata at all and stands the right way up; a bad file is refused next to the
field in the citizen's language, their text stays, and the photos that were fine stay held."""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from app.attachments import Attachment
from app.core.images import clean_image
from app.domain.attachments import FileRole
from app.services.uploads import attach
from app.storage import store_file
from tests.conftest import hidden_fields
from tests.uploads import made
from tests.web.helpers import VALID, kept_text, text_of, token_of

FORM = "/p/YMQ2K8"


def _send(client, photos, path=FORM, **values):
    data = {**hidden_fields(client.get(path).get_data(as_text=True)), **VALID, **values}
    data["photos"] = [(io.BytesIO(raw), name) for name, raw in photos]
    return made.post_form(client, path, data)


def _files(session):
    session.rollback()
    return session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()


def _image_urls(html: str, token: str) -> list[str]:
    return re.findall(rf'src="(/t/{token}/files/\d+\?thumb=1)"', html)


def _assert_clean_and_upright(data: bytes) -> Image.Image:
    for word in made.SECRET_WORDS:
        assert word not in data, word
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and "icc_profile" not in image.info and "xmp" not in image.info
    assert image.height > image.width  # taken upright, stored sideways with orientation 6
    top, bottom = image.getpixel((image.width // 2, 5)), image.getpixel((image.width // 2, image.height - 5))
    assert top[0] > 150 and top[2] < 100, top  # red on top
    assert bottom[2] > 150 and bottom[0] < 100, bottom  # blue below
    return image


def test_photos_with_gps_are_stored_and_served_without_it_and_upright(client, session, app):
    response = _send(client, [("IMG_0001.JPG", made.phone_jpeg()), ("IMG_0002.HEIC", made.phone_heic()),
                              ("street.webp", made.webp())])
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    token = token_of(response)
    files = _files(session)
    assert [f.media_type for f in files] == ["image/jpeg"] * 3 and all(f.added_by_id is None for f in files)
    store = app.extensions["yima_store"]
    for row in files:
        stored = store.get(row.key)
        assert len(stored) == row.size and row.checksum == __import__("hashlib").sha256(stored).hexdigest()
        _assert_clean_and_upright(stored)
        assert "IMG_0001" not in row.key and row.key.startswith("photos/")
    receipt = client.get(f"/t/{token}").get_data(as_text=True)
    thumbs = _image_urls(receipt, token)
    assert len(thumbs) == 3
    for url in thumbs:
        served = client.get(url)
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Cache-Control"] == "no-store"
        assert served.headers["Content-Disposition"].startswith("inline; filename=\"yima-photo-")
        assert max(_assert_clean_and_upright(served.data).size) <= 320
    full = client.get(thumbs[0].removesuffix("?thumb=1"))
    assert full.status_code == 200 and _assert_clean_and_upright(full.data).size == (300, 400)


def test_a_png_with_alpha_stays_png_without_its_text(client, session, app):
    assert _send(client, [("a.png", made.png_with_alpha())]).status_code == 303
    [row] = _files(session)
    stored = app.extensions["yima_store"].get(row.key)
    assert row.media_type == "image/png" and b"iPhone" not in stored and b"tEXt" not in stored
    assert Image.open(io.BytesIO(stored)).mode == "RGBA"


BAD = [
    ("report.jpg", made.pdf_renamed, "“report.jpg”不是可接收的照片。请发送 JPEG、PNG、HEIC 或 WebP 格式的图片。"),
    ("page.jpg", lambda: made.HTML, "“page.jpg”不是可接收的照片。请发送 JPEG、PNG、HEIC 或 WebP 格式的图片。"),
    ("bomb.png", made.png_bomb, "“bomb.png”的像素过多（超过50百万像素）。请发送较小的图片。"),
    ("cut.jpg", made.truncated_jpeg, "“cut.jpg”已损坏或在发送时中断。请重新选择，或重新拍一张。"),
    ("big.jpg", made.eleven_mb_jpeg, "“big.jpg”超过10 MB。请选择较小的照片，或重新拍摄。"),
]


@pytest.mark.parametrize("name, make, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_next_to_the_field_and_the_form_is_kept(client, session, name, make, message):
    response = _send(client, [("ok.jpg", made.phone_jpeg()), (name, make())])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="photos-error">{message}</p>' in page
    assert kept_text(page) == VALID["text"] and f'value="{VALID["location"]}"' in page
    assert 'aria-invalid="true"' in page
    assert "您的1张照片已保留在下方，无需重新选择。" in page  # the good one is held, shown as a thumbnail
    assert page.count('src="data:image/jpeg;base64,') == 1
    assert not _files(session)  # nothing is filed yet

    again = hidden_fields(page) | VALID | {"held_photos": re.search(r'name="held_photos" type="hidden" value="([^"]+)"',
                                                                      page).group(1)}
    filed = made.post_form(client, FORM, again)
    assert filed.status_code == 303  # sent again without choosing any photo: the held one is filed
    [row] = _files(session)
    assert row.role == "photo" and row.width == 300


def test_photos_are_held_when_the_form_comes_back_for_another_error(client, session):
    response = _send(client, [("a.jpg", made.phone_jpeg()), ("b.jpg", made.phone_jpeg())], text="短")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="text-error"' in page
    assert "您的2张照片已保留在下方，无需重新选择。" in page
    held = re.search(r'name="held_photos" type="hidden" value="([^"]+)"', page).group(1)
    data = hidden_fields(page) | VALID | {"held_photos": held, "photos": [(io.BytesIO(made.webp()), "c.webp")]}
    assert made.post_form(client, FORM, data).status_code == 303
    assert len(_files(session)) == 3


def test_a_fourth_photo_is_refused_and_a_forged_reference_is_nothing(client, session):
    four = [(f"{n}.jpg", made.phone_jpeg()) for n in range(4)]
    page = _send(client, four).get_data(as_text=True)
    assert "最多3张照片：“3.jpg”未添加。" in page
    forged = hidden_fields(client.get(FORM).get_data(as_text=True)) | VALID | {"held_photos": "bm90IHNlYWxlZA=="}
    assert made.post_form(client, FORM, forged).status_code == 303
    assert not _files(session)


def test_english_messages(client):
    client.get("/?lang=en")
    page = _send(client, [("x.jpg", made.pdf_renamed())]).get_data(as_text=True)
    assert "“x.jpg” is not a photo we can take. Send a JPEG, PNG, HEIC or WebP picture." in page


def test_a_follow_up_adds_one_more_photo(client, session, make_receipt):
    receipt = make_receipt("accepted")
    page = client.get(f"/t/{receipt.token}").get_data(as_text=True)
    data = hidden_fields(page) | {"text": "补充一张夜里的照片。", "photos": [(io.BytesIO(made.phone_jpeg()), "night.jpg")]}
    response = made.post_form(client, f"/t/{receipt.token}/follow-up", data)
    assert response.status_code == 303
    [row] = _files(session)
    assert row.case_id == receipt.suggestion.id
    shown = client.get(f"/t/{receipt.token}").get_data(as_text=True)
    assert len(_image_urls(shown, receipt.token)) == 1


def test_another_cases_token_opens_none_of_its_files(client, session, make_receipt):
    token = token_of(_send(client, [("a.jpg", made.phone_jpeg())]))
    [row] = _files(session)
    other = make_receipt("submitted")
    assert client.get(f"/t/{other.token}/files/{row.id}").status_code == 404
    assert client.get(f"/t/{token}/files/{row.id}").status_code == 200
    assert client.get(f"/static/../uploads/{row.key}").status_code == 404


def test_a_case_looked_up_by_code_and_pin_shows_its_photos_in_that_browser_only(app, session, make_receipt):
    receipt = make_receipt("submitted")
    held = store_file(app.extensions["yima_store"], clean_image(made.phone_jpeg()), "photos")
    [row] = attach(session, receipt.suggestion.id, [held], FileRole.PHOTO, receipt.suggestion.created_at)
    row_id = row.id
    session.commit()
    stranger = app.test_client()
    assert stranger.get(f"/track/case/files/{row_id}").status_code == 404  # no case looked up here
    csrf = hidden_fields(stranger.get("/track").get_data(as_text=True))["csrf_token"]
    found = stranger.post("/track", data={"csrf_token": csrf, "code": receipt.suggestion.receipt_code,
                                          "pin": receipt.pin})
    assert found.status_code == 303
    page = stranger.get(found.headers["Location"]).get_data(as_text=True)
    assert f'src="/track/case/files/{row_id}?thumb=1"' in page
    served = stranger.get(f"/track/case/files/{row_id}")
    assert served.status_code == 200 and served.headers["Cache-Control"] == "no-store"
    _assert_clean_and_upright(served.data)


def _photos(width: int) -> list:
    """Three photos whose content differs with `width` (a fresh choice, not the same files)."""
    return [(io.BytesIO(made.phone_jpeg(width=width + n)), f"{n}.jpg") for n in range(3)]


NOT_ADDED = "该建议此前已经提交，随表单再次发送的照片未添加到其中。如需补充照片，请使用本页的“补充反映内容”。"


def test_a_filed_forms_key_sent_again_with_new_photos_adds_none_and_says_where_they_go(client, session):
    from app.models import CaseEvent

    data = hidden_fields(client.get(FORM).get_data(as_text=True)) | VALID
    first = made.post_form(client, FORM, data | {"photos": _photos(300)})
    assert first.status_code == 303 and len(_files(session)) == 3
    for width in (310, 320, 330):  # was 3 -> 6 -> 9 -> 12 photos on a 3-photo limit
        again = made.post_form(client, FORM, data | {"photos": _photos(width)})
        assert again.status_code == 303 and token_of(again) == token_of(first)
        page = client.get(again.headers["Location"])
        assert NOT_ADDED in text_of(page) and "补充反映内容" in text_of(page)
        assert len(_image_urls(page.get_data(as_text=True), token_of(first))) == 3
    assert len(_files(session)) == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 1  # the filing, nothing else
    # The follow-up on that page is where a later photo goes, with its limit and its timeline entry.
    page = client.get(f"/t/{token_of(first)}").get_data(as_text=True)
    follow = hidden_fields(page) | {"text": "再补一张。", "photos": [(io.BytesIO(made.webp()), "d.webp")]}
    assert made.post_form(client, f"/t/{token_of(first)}/follow-up", follow).status_code == 303
    assert len(_files(session)) == 4


def test_a_double_click_with_photos_files_them_once_and_warns_of_nothing(client, session):
    data = hidden_fields(client.get(FORM).get_data(as_text=True)) | VALID
    first = made.post_form(client, FORM, data | {"photos": _photos(300)})
    again = made.post_form(client, FORM, data | {"photos": _photos(300)})  # the same photos, sent twice
    assert first.status_code == again.status_code == 303 and token_of(first) == token_of(again)
    page = text_of(client.get(again.headers["Location"]))
    assert NOT_ADDED not in page and "查询码" in page  # the filing browser keeps its PIN
    assert len(_files(session)) == 3


def test_a_join_sent_again_with_new_photos_adds_none(client, session, make_case):
    from tests.web.test_metoo import FIRST, SECOND

    master = make_case(poster="YMQ2K8", **FIRST)
    data = hidden_fields(client.get(FORM).get_data(as_text=True)) | SECOND | {"metoo": str(master.id)}
    joined = made.post_form(client, FORM, data | {"photos": _photos(300)})
    again = made.post_form(client, FORM, data | {"photos": _photos(340)})
    assert joined.status_code == again.status_code == 303 and token_of(joined) == token_of(again)
    assert NOT_ADDED in text_of(client.get(again.headers["Location"]))
    assert len(_files(session)) == 3


def test_a_follow_up_sent_again_is_on_the_timeline_once_with_its_photo_once(client, session, make_receipt):
    from app.models import CaseEvent

    receipt = make_receipt("accepted")
    url = f"/t/{receipt.token}/follow-up"
    fields = hidden_fields(client.get(f"/t/{receipt.token}").get_data(as_text=True)) | {"text": "补充一张夜里的照片。"}
    for width in (300, 300):  # a double click
        assert made.post_form(client, url, fields | {"photos": [(io.BytesIO(made.phone_jpeg(width=width)), "n.jpg")]}
                              ).status_code == 303
    resent = made.post_form(client, url, fields | {"photos": [(io.BytesIO(made.phone_jpeg(width=360)), "m.jpg")]})
    assert resent.status_code == 303
    assert "这条补充内容此前已添加，随其再次发送的照片未添加：请与新的补充内容一起发送。" in text_of(client.get(f"/t/{receipt.token}"))
    follow_ups = sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.action == "follow_up")
    assert len(_files(session)) == 1 and session.scalar(follow_ups) == 1
    # Other words are another message, with their own photo.
    other = fields | {"text": "又拍了一张白天的。", "photos": [(io.BytesIO(made.phone_jpeg(width=360)), "m.jpg")]}
    assert made.post_form(client, url, other).status_code == 303
    assert len(_files(session)) == 2 and session.scalar(follow_ups) == 2
