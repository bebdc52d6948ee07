"""Pictures in the chat: checked by what the file contains (Pillow), never by its name; a small copy
made on the server; both kept under MEDIA_ROOT with unguessable names.

Nothing here decides who may send or see a picture: the services and the image views do.
"""

import secrets
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kefu.core import shopsettings

# What Pillow calls each format we accept, and how it is served.
FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}
# A phone photo is 12–50 megapixels; past this it is a trap (a tiny file that unpacks to gigabytes).
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class StoredImage:
    name: str
    thumbnail: str
    kind: str
    width: int
    height: int

    def fields(self) -> dict:
        """The message's fields for this picture."""
        return {
            "image": self.name,
            "thumbnail": self.thumbnail,
            "image_type": self.kind,
            "image_width": self.width,
            "image_height": self.height,
        }

    def delete(self) -> None:
        """The message was not written after all: leave no orphan file."""
        for name in (self.name, self.thumbnail):
            default_storage.delete(name)


LABELS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WebP"}


def _allowed_label(allowed: list[str]) -> str:
    return _("、").join(LABELS.get(k, k.upper()) for k in allowed)


def image_check(*, data: bytes, size: int) -> tuple[str, int, int]:
    """The picture's format and size as its content says, or a ValidationError in the user's
    language: too large, not a picture at all, or a kind of picture the shop does not take."""
    max_mb = int(shopsettings.get("chat_image_max_mb"))
    allowed = [k.lower() for k in shopsettings.get("chat_image_types")]
    if size <= 0:
        raise ValidationError({"image": _("请选择要发送的图片。")}, code="empty")
    if size > max_mb * 1024 * 1024:
        raise ValidationError(
            {
                "image": _("图片太大（%(size).1f MB），最大 %(max)d MB。")
                % {"size": size / 1024 / 1024, "max": max_mb}
            },
            code="too_large",
        )
    try:
        with Image.open(BytesIO(data)) as probe:
            kind = FORMATS.get(probe.format or "", "")
            width, height = probe.size
            if kind and width * height <= MAX_PIXELS:
                probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"image": _("这不是图片文件，请发送 %(types)s 图片。") % {"types": _allowed_label(allowed)}},
            code="not_image",
        ) from None
    if kind not in allowed:
        raise ValidationError(
            {
                "image": _("不支持这种图片格式（%(type)s），请发送 %(types)s 图片。")
                % {"type": (probe.format or "?").upper(), "types": _allowed_label(allowed)}
            },
            code="wrong_type",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError({"image": _("图片尺寸太大，请缩小后再发送。")}, code="too_many_pixels")
    return kind, width, height


def _thumbnail(data: bytes, px: int) -> bytes:
    """A JPEG no larger than ``px`` on its longer side, turned upright as the phone meant it; a
    transparent picture is laid on white; an animation shows its first frame."""
    with Image.open(BytesIO(data)) as im:
        im.seek(0)
        small = ImageOps.exif_transpose(im) or im
        small.thumbnail((px, px))
        if small.mode in ("RGBA", "LA", "P"):
            small = small.convert("RGBA")
            flat = Image.new("RGB", small.size, "white")
            flat.paste(small, mask=small.getchannel("A"))
            small = flat
        elif small.mode != "RGB":
            small = small.convert("RGB")
        out = BytesIO()
        small.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()


def _without_metadata(data: bytes, kind: str) -> tuple[bytes, int, int] | None:
    """A phone photo carries EXIF: where it was taken (GPS), the phone, the time. Before it is kept,
    the picture is written again without it, turned upright as the phone meant it (the turn is
    itself EXIF). ``None`` when there is nothing to take out (kept byte for byte, as sent)."""
    if kind not in ("jpeg", "webp", "png"):
        return None
    with Image.open(BytesIO(data)) as im:
        if not im.getexif() and not im.info.get("xmp") or getattr(im, "is_animated", False):
            return None
        upright = ImageOps.exif_transpose(im) or im.copy()
        icc = im.info.get("icc_profile")
        out = BytesIO()
        # Pillow writes EXIF and XMP only when asked to: neither is passed here.
        if kind == "jpeg":
            upright.save(out, "JPEG", quality=92, icc_profile=icc)
        elif kind == "webp":
            upright.save(out, "WEBP", quality=90, icc_profile=icc)
        else:
            upright.save(out, "PNG", icc_profile=icc)
        return out.getvalue(), upright.width, upright.height


def image_store(*, upload, conversation_id: int) -> StoredImage:
    """Check an uploaded picture and keep it with its thumbnail (names nobody can guess)."""
    size = int(getattr(upload, "size", 0) or 0)
    max_bytes = int(shopsettings.get("chat_image_max_mb")) * 1024 * 1024
    # never read more than the limit allows (plus one byte, to know it is over)
    data = upload.read(max_bytes + 1) if size <= max_bytes else b""
    kind, width, height = image_check(data=data, size=max(size, len(data)))
    thumb = _thumbnail(data, int(shopsettings.get("chat_image_thumbnail_px")))
    cleaned = _without_metadata(data, kind)
    if cleaned is not None:
        data, width, height = cleaned
    stem = f"chat/{timezone.now():%Y/%m}/{conversation_id}-{secrets.token_urlsafe(18)}"
    name = default_storage.save(f"{stem}.{EXTENSIONS[kind]}", ContentFile(data))
    thumbnail = default_storage.save(f"{stem}-s.jpg", ContentFile(thumb))
    return StoredImage(name=name, thumbnail=thumbnail, kind=kind, width=width, height=height)
