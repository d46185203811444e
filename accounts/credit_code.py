"""The unified social credit code 统一社会信用代码 (GB 32100-2015)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The code's alphabet: digits and capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)d 位。") % {"n": len(code)},
            code="length",
        )
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有无效字符“%(c)s”（不使用 I、O、S、V、Z）。")
            % {"c": bad[0]},
            code="charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第 3–8 位应为行政区划代码（数字）。"), code="division"
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对。"), code="check")
