"""A citizen on a 390 px phone attaches two photos to a suggestion, with no JavaScript, and sees
them on the receipt; the pictures shown there carry no GPS and stand the right way up."""
import io
import os
from pathlib import Path

from PIL import Image

from tests.uploads import made

SHOTS = Path(os.environ.get("YIMA_SCREENSHOTS", "/tmp/yima-screenshots"))


def test_two_photos_attached_on_a_phone_show_on_the_receipt(live_server, phone, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    first, second = tmp_path / "IMG_0001.JPG", tmp_path / "IMG_0002.HEIC"
    first.write_bytes(made.phone_jpeg())
    second.write_bytes(made.phone_heic())
    assert phone.viewport_size["width"] == 390
    phone.goto(f"{live_server}/p/YMQ2K8")
    picker = phone.locator("input[type=file][name=photos]")
    assert picker.get_attribute("accept") == "image/*" and picker.get_attribute("multiple") is not None
    phone.check("input[value=complaint]")
    phone.fill("textarea[name=text]", "小区门口路灯坏了三天，晚上很黑，请尽快修理。")
    picker.set_input_files([str(first), str(second)])
    phone.screenshot(path=str(SHOTS / "photos-1-form.png"), full_page=True)
    phone.click("button.button[type=submit]")

    phone.wait_for_url(f"{live_server}/t/*")
    thumbs = phone.locator(".your-text .thumbs img")
    assert thumbs.count() == 2
    for n in range(2):
        thumbs.nth(n).scroll_into_view_if_needed()
        assert phone.evaluate("img => img.complete && img.naturalWidth", thumbs.nth(n).element_handle()) > 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "photos-2-receipt.png"), full_page=True)

    shown = phone.request.get(live_server + thumbs.nth(0).get_attribute("src"))
    assert shown.ok and b"GPS" not in shown.body() and b"iPhone" not in shown.body()
    picture = Image.open(io.BytesIO(shown.body()))
    assert picture.height > picture.width and not picture.getexif()


def test_a_pdf_renamed_jpg_is_refused_next_to_the_field_and_the_good_photo_kept(live_server, phone, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    good, bad = tmp_path / "IMG_0003.JPG", tmp_path / "路灯.jpg"
    good.write_bytes(made.phone_jpeg())
    bad.write_bytes(made.pdf_renamed())
    phone.goto(f"{live_server}/submit")
    phone.fill("textarea[name=text]", "桥下的路灯一直不亮。")
    phone.locator("input[type=file][name=photos]").set_input_files([str(good), str(bad)])
    phone.click("button.button[type=submit]")
    error = phone.locator("#photos-error")
    assert error.inner_text() == "“路灯.jpg”不是可接收的照片。请发送 JPEG、PNG、HEIC 或 WebP 格式的图片。"
    assert phone.input_value("textarea[name=text]") == "桥下的路灯一直不亮。"
    assert phone.locator(".photos .thumbs img").count() == 1  # the good one, held: not asked again
    phone.locator(".photos").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "photos-3-refused.png"), full_page=True)
    phone.click("button.button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/*")
    assert phone.locator(".your-text .thumbs img").count() == 1
