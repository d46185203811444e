"""Server-rendered SVG charts: no script, readable without colour (every
bar carries its number and a title), and every bar links to its records."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Row = tuple[str, float, str | None]  # label, value, link


def _num(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _link(href: str | None, inner: str) -> str:
    if not href:
        return inner
    return format_html('<a href="{}">', href) + inner + "</a>"


def hbars(
    rows: list[Row], *, label: str, width: int = 560, unit: str = ""
) -> SafeString:
    """Horizontal bars, largest first as given."""
    if not rows:
        return mark_safe("")
    bar_h, gap, left = 22, 6, 150
    height = len(rows) * (bar_h + gap) + gap
    peak = max((float(v) for _l, v, _h in rows), default=0) or 1
    span = width - left - 70
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">',
            width,
            height,
            label,
        )
    ]
    for i, (name, value, href) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2, round(span * float(value) / peak)) if value else 0
        text = f"{_num(value)}{unit}"
        bar = format_html(
            '<g class="bar"><title>{}: {}</title>'
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
            '<text class="value" x="{}" y="{}">{}</text></g>',
            name,
            text,
            left - 8,
            y + bar_h - 6,
            _short(name, 12),
            left,
            y,
            w,
            bar_h,
            left + w + 6,
            y + bar_h - 6,
            text,
        )
        parts.append(_link(href, bar))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(
    months: list[tuple[str, dict[str, float], str | None]],
    *,
    series: list[tuple[str, str]],
    label: str,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """Stacked columns, one per month; ``series`` is (key, legend) in order."""
    if not months:
        return mark_safe("")
    top, bottom, left = 10, 34, 28
    peak = max((sum(v.values()) for _m, v, _h in months), default=0) or 1
    inner_h = height - top - bottom
    step = (width - left - 10) / len(months)
    col_w = round(max(4, step * 0.6), 1)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">',
            width,
            height,
            label,
        ),
        format_html(
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            left - 4,
            top + 10,
            _num(peak),
        ),
        format_html(
            '<line class="base" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
            left,
            width - 10,
            top + inner_h,
            top + inner_h,
        ),
    ]
    for i, (month, values, href) in enumerate(months):
        x = round(left + i * step + (step - col_w) / 2, 1)
        y = top + inner_h
        stack = []
        total = 0
        for index, (key, legend) in enumerate(series):
            n = values.get(key, 0)
            total += n
            if not n:
                continue
            h = round(inner_h * n / peak, 1)
            y = round(y - h, 1)
            stack.append(
                format_html(
                    '<rect class="s{}" x="{}" y="{}" width="{}" '
                    'height="{}"><title>{} {}: {}</title></rect>',
                    index,
                    x,
                    y,
                    col_w,
                    h,
                    month,
                    legend,
                    _num(n),
                )
            )
        if total:
            stack.append(
                format_html(
                    '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(x + col_w / 2, 1),
                    round(y - 3, 1),
                    _num(total),
                )
            )
        stack.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                round(x + col_w / 2, 1),
                height - bottom + 16,
                month[-2:],
            )
        )
        parts.append(_link(href, "".join(stack)))
    parts.append("</svg>")
    legend = "".join(
        format_html('<span class="key s{}">{}</span>', i, name)
        for i, (_k, name) in enumerate(series)
    )
    return mark_safe("".join(parts) + f'<p class="legend">{legend}</p>')


def funnel(rows: list[Row], *, label: str, width: int = 560) -> SafeString:
    """The stage funnel: centred bars, each as wide as its share of the first."""
    if not rows:
        return mark_safe("")
    bar_h, gap, left = 24, 4, 130
    height = len(rows) * (bar_h + gap)
    first = float(rows[0][1]) or max((float(v) for _l, v, _h in rows), default=0) or 1
    span = width - left - 10
    parts = [
        format_html(
            '<svg class="chart funnel" viewBox="0 0 {} {}" role="img" aria-label="{}">',
            width,
            height,
            label,
        )
    ]
    for i, (name, value, href) in enumerate(rows):
        y = i * (bar_h + gap)
        w = round(max(2, span * min(1.0, float(value) / first)), 1) if value else 2
        x = round(left + (span - w) / 2, 1)
        parts.append(
            _link(
                href,
                format_html(
                    '<g class="bar"><title>{}: {}</title>'
                    '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
                    '<text class="inbar" x="{}" y="{}" text-anchor="middle">{}</text>'
                    "</g>",
                    name,
                    _num(value),
                    left - 8,
                    y + bar_h - 7,
                    name,
                    x,
                    y,
                    w,
                    bar_h,
                    round(left + span / 2, 1),
                    y + bar_h - 7,
                    _num(value),
                ),
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _short(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"
