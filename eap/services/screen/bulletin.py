"""The provincial centre's monthly 通报 (bulletin), from ``centre.CentreView``: a PDF with its
charts drawn offline by matplotlib (no browser, no network) and an Excel workbook of the same
figures. Every heading comes from the message catalogue, in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: images only

from fpdf import FPDF  # noqa: E402
from matplotlib import (
    font_manager,  # noqa: E402
    pyplot as plt,  # noqa: E402
)
from matplotlib.figure import Figure  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font, PatternFill  # noqa: E402

from eap.i18n import t  # noqa: E402
from eap.services.approval.documents import cjk_font  # noqa: E402
from eap.services.core.exports import defuse  # noqa: E402
from eap.services.screen.centre import CentreView, CityRow  # noqa: E402

CITY_COLUMNS = (
    "centre.col.city",
    "centre.col.last_event",
    "centre.col.silent_days",
    "centre.col.accepted",
    "centre.col.completed",
    "centre.col.on_time",
    "centre.col.overdue_now",
    "centre.col.avg_days",
    "centre.col.applications",
    "centre.col.items",
    "centre.col.materials",
    "centre.col.owed",
    "centre.col.promise",
)
TARGET_COLUMNS = (
    "centre.col.process_type",
    "centre.col.completed",
    "centre.col.avg_days",
    "centre.col.target",
    "centre.col.met",
)


def _num(v: float | None, unit: str = "") -> str:
    return "—" if v is None else f"{v:g}{unit}"


def city_cells(r: CityRow, lang: str = "zh") -> list[object]:
    return [
        r.name + (f"（{t('centre.silent_flag', lang)}）" if r.silent else ""),
        r.last_event or "—",
        r.silent_days,
        r.accepted,
        r.completed,
        _num(r.on_time_pct, "%"),
        r.overdue_now,
        _num(r.avg_days),
        r.applications,
        _num(r.items_per_application),
        _num(r.materials_per_application),
        _num(r.owed_pct, "%"),
        _num(r.promise_pct, "%"),
    ]


def _target_rows(view: CentreView, lang: str) -> list[list[object]]:
    return [
        [
            x.name_zh if lang == "zh" else x.name_en,
            x.completed,
            _num(x.avg_days),
            "—" if x.target is None else x.target,
            t("answer.yes" if x.met else "answer.no", lang),
        ]
        for x in view.targets
    ]


def title(view: CentreView, lang: str) -> str:
    return t("centre.bulletin_title", lang, month=view.month)


# --- Excel -----------------------------------------------------------------------------------


def bulletin_xlsx(view: CentreView, *, lang: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = t("centre.sheet.cities", lang)[:31]
    ws.append([title(view, lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([t("centre.period", lang, start=view.start, end=view.end)])
    ws.append([t(c, lang) for c in CITY_COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    flag = PatternFill("solid", fgColor="FFE0E0")
    for r in view.cities:
        ws.append(city_cells(r, lang))
        if r.silent:
            for cell in ws[ws.max_row]:
                cell.fill = flag
    ws.append(city_cells(view.province, lang))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for i in range(1, len(CITY_COLUMNS) + 1):
        ws.column_dimensions[ws.cell(row=3, column=i).column_letter].width = 14
    targets = wb.create_sheet(t("centre.sheet.targets", lang)[:31])
    targets.append([t(c, lang) for c in TARGET_COLUMNS])
    for cell in targets[1]:
        cell.font = Font(bold=True)
    for row in _target_rows(view, lang):
        targets.append(row)
    for sheet in (ws, targets):
        defuse(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def _chart_png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=str(cjk_font()))


def on_time_chart(view: CentreView, lang: str) -> bytes:
    font = _font()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    names = [r.name for r in view.cities]
    values = [r.on_time_pct or 0 for r in view.cities]
    colours = ["#c0392b" if (r.on_time_pct or 0) < 95 else "#2e86c1" for r in view.cities]
    ax.bar(range(len(names)), values, color=colours)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, fontproperties=font, rotation=30, ha="right")
    ax.set_ylim(0, 105)
    ax.axhline(95, color="#7f8c8d", linestyle="--", linewidth=1)
    ax.set_title(t("centre.chart.on_time", lang), fontproperties=font)
    return _chart_png(fig)


def targets_chart(view: CentreView, lang: str) -> bytes:
    font = _font()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    rows = [x for x in view.targets if x.avg_days is not None or x.target is not None]
    names = [x.name_zh if lang == "zh" else x.name_en for x in rows]
    ax.bar(range(len(rows)), [x.avg_days or 0 for x in rows], color="#2e86c1")
    for i, x in enumerate(rows):
        if x.target is not None:
            ax.plot([i - 0.4, i + 0.4], [x.target, x.target], color="#c0392b", linewidth=2)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(names, fontproperties=font, rotation=20, ha="right")
    ax.set_title(t("centre.chart.targets", lang), fontproperties=font)
    return _chart_png(fig)


def _table(pdf: FPDF, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    pdf.set_font("cjk", size=7)
    with pdf.table(
        text_align="CENTER", line_height=5, first_row_as_headings=True, col_widths=None
    ) as table:
        head = table.row()
        for h in headers:
            head.cell(h)
        for r in rows:
            row = table.row()
            for v in r:
                row.cell(str(v))


def bulletin_pdf(view: CentreView, *, lang: str) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.add_font("cjk", style="B", fname=str(cjk_font()))  # table headings: the same face
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, title(view, lang), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    p = view.province
    summary = t(
        "centre.summary",
        lang,
        start=view.start,
        end=view.end,
        accepted=p.accepted,
        completed=p.completed,
        on_time=_num(p.on_time_pct, "%"),
        overdue=p.overdue_now,
        days=_num(p.avg_days),
        owed=_num(p.owed_pct, "%"),
        promise=_num(p.promise_pct, "%"),
    )
    pdf.multi_cell(0, 6, summary, new_x="LMARGIN", new_y="NEXT", align="L")
    silent = [r.name for r in view.cities if r.silent]
    pdf.multi_cell(
        0,
        6,
        t("centre.silent_list", lang, days=view.silent_threshold, cities="、".join(silent))
        if silent
        else t("centre.none_silent", lang, days=view.silent_threshold),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    y = pdf.get_y() + 2
    pdf.image(io.BytesIO(on_time_chart(view, lang)), x=10, y=y, w=135)
    pdf.image(io.BytesIO(targets_chart(view, lang)), x=150, y=y, w=135)
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, t("centre.sheet.cities", lang), new_x="LMARGIN", new_y="NEXT")
    _table(
        pdf,
        [t(c, lang) for c in CITY_COLUMNS],
        [city_cells(r, lang) for r in [*view.cities, view.province]],
    )
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, t("centre.sheet.targets", lang), new_x="LMARGIN", new_y="NEXT")
    _table(pdf, [t(c, lang) for c in TARGET_COLUMNS], _target_rows(view, lang))
    return bytes(pdf.output())
