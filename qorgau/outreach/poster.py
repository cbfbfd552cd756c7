"""A school's printable A4 poster (rule 6(s)): short sentences for children in Kazakh and
Russian, the phone 111, and the QR code of the school's own form (made with segno, drawn as
squares with fpdf2 and the DejaVu font, which has the Kazakh letters)."""

from __future__ import annotations

from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from fpdf import FPDF

from qorgau.outreach.models import School, SourceCode

TITLE = {"kk": "111-ге жаз — атыңды айтпай-ақ", "ru": "Напиши в 111 — анонимно"}
SENTENCES = {
    "kk": [
        "Сені біреу ренжітсе, қорқытса немесе саған қиын болса — бізге жаз.",
        "Атыңды айтудың қажеті жоқ. Біз көмектесеміз.",
        "Телефонның камерасын QR-кодқа бағытта.",
        "Немесе 111-ге қоңырау шал: тегін, тәулік бойы.",
    ],
    "ru": [
        "Если тебя обижают, пугают или тебе трудно — напиши нам.",
        "Имя называть не нужно. Мы поможем.",
        "Наведи камеру телефона на QR-код.",
        "Или позвони 111: бесплатно, круглосуточно.",
    ],
}
QR_SIZE_MM = 100.0


def school_url(school: School) -> str:
    """The absolute link of the school's QR form."""
    path = reverse("public:school_write", kwargs={"token": school.token})
    return str(settings.QORGAU_PUBLIC_URL).rstrip("/") + path


def source_url(source: SourceCode) -> str:
    """The absolute link of a campaign's form."""
    path = reverse("public:source_write", kwargs={"code": source.code})
    return str(settings.QORGAU_PUBLIC_URL).rstrip("/") + path


def qr_code(url: str) -> segno.QRCode:
    """The QR code of a link; medium error correction survives a worn poster."""
    return segno.make(url, error="m", micro=False)


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """Dark modules as one rectangle per horizontal run, a hair taller and wider than a module
    so that no seam shows between them when printed."""
    matrix = qr_code(url).matrix
    quiet = 4  # modules of white border, as the standard asks
    module = size / (len(matrix) + 2 * quiet)
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            pdf.rect(
                x + (start + quiet) * module,
                y + (row_index + quiet) * module,
                (col - start) * module + 0.05,
                module + 0.05,
                style="F",
            )


def _fonts(pdf: FPDF) -> None:
    regular = Path(settings.QORGAU_PDF_FONT)
    bold = regular.with_name("DejaVuSans-Bold.ttf")
    pdf.add_font("DejaVu", fname=str(regular))
    pdf.add_font("DejaVu", style="B", fname=str(bold if bold.exists() else regular))


def _block(pdf: FPDF, lang: str) -> None:
    pdf.set_font("DejaVu", style="B", size=24)
    pdf.multi_cell(0, 11, TITLE[lang], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=15)
    for sentence in SENTENCES[lang]:
        pdf.multi_cell(0, 8, sentence, align="C", new_x="LMARGIN", new_y="NEXT")


def poster_pdf(school: School) -> bytes:
    """One A4 page: Kazakh first, the QR code, Russian, then the school and its link."""
    url = school_url(school)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _fonts(pdf)
    pdf.set_title(f"111 — {school.name}")
    pdf.set_font("DejaVu", style="B", size=64)
    pdf.cell(0, 24, "111", align="C", new_x="LMARGIN", new_y="NEXT")
    _block(pdf, "kk")
    pdf.ln(4)
    _draw_qr(pdf, url, (210 - QR_SIZE_MM) / 2, pdf.get_y(), QR_SIZE_MM)
    pdf.set_y(pdf.get_y() + QR_SIZE_MM + 4)
    _block(pdf, "ru")
    pdf.set_y(297 - 30)
    pdf.set_font("DejaVu", size=11)
    names = school.name if not school.name_ru else f"{school.name} / {school.name_ru}"
    pdf.multi_cell(0, 5.5, names, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    pdf.cell(0, 5, url, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
