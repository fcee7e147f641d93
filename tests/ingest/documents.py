"""Small real PDF and .docx files, written by the tests themselves (no binary fixtures in the repo)."""

from __future__ import annotations

import datetime as dt
import io


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(pages: list[list[str]], title: str | None = None, author: str | None = None,
             created: str | None = None) -> bytes:
    """A text PDF (Helvetica, one text line per list item) with an info dictionary; ``created`` is 'YYYYMMDD'.

    Written by hand so the test owns every byte: pypdf reads it like a PDF from a word processor.
    """
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below, once the page tree exists
    tree = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = "BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(f"{_pdf_string(line)} Tj T*" for line in lines) + " ET"
        stream = add(f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 612 792] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    info_items = {"Title": title, "Author": author, "CreationDate": f"D:{created}120000Z" if created else None}
    info = add("<< " + " ".join(f"/{k} {_pdf_string(v)}" for k, v in info_items.items() if v) + " >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(paragraphs: list[str], title: str | None = None, author: str | None = None,
              created: dt.datetime | None = None, heading: str | None = None) -> bytes:
    """A .docx with an optional heading, body paragraphs and core properties, written with python-docx."""
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for para in paragraphs:
        document.add_paragraph(para)
    props = document.core_properties
    props.title = title or ""
    props.author = author or ""
    if created:
        props.created = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
