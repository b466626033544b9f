"""Generate the format fixtures in this folder from one short reply letter.

Run once, by hand, and commit the outputs; the tests read the committed files
and need neither this script's font nor the network:

    apt-get install fonts-wqy-zenhei      # the CJK font for the PDF
    .venv/bin/python tests/data/formats/make_fixtures.py

The letter is invented (agency, names and figures). Outputs: letter.txt
(UTF-8), letter-gbk.txt, letter-utf16.txt (UTF-16 with BOM, CRLF),
letter.md (hard-wrapped), letter.docx, letter.html (GBK with <meta charset>)
and letter.pdf (two pages, hard-wrapped lines, "- N -" page numbers, a
sentence broken across the page break, a title wrapped over two lines).
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_DATE = datetime(2023, 7, 5, tzinfo=timezone.utc)  # reproducible files
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# (kind, text): kind drives layout in the PDF/DOCX/HTML and Markdown marks.
LETTER: list[tuple[str, str]] = [
    ("meta", "（B类）"),
    ("agency", "江门市交通运输局"),
    ("number", "江交函〔2023〕118号"),
    ("title", "江门市交通运输局关于市十六届人大二次会议第20230045号建议答复的函"),
    ("body", "陈志远代表："),
    ("body", "您提出的《关于优化城区公交线网、提升绿色出行比例的建议》（第20230045号）收悉。"
             "经商市发展改革局、市财政局，现答复如下："),
    ("body", "感谢您对我市公共交通发展的关心和支持。您在建议中指出的线路重复、换乘不便、"
             "末班车时间偏早等问题，我局高度重视，已会同相关单位逐项研究落实。"),
    ("heading", "一、关于优化公交线网的建议"),
    ("body", "（一）开展线网整体评估。2023年3月，我局委托第三方机构对中心城区112条公交线路开展"
             "客流调查，结合手机信令数据识别出重复系数较高的线路17条、客流低于每公里0.8人次的线路"
             "9条，形成了《江门市中心城区公交线网优化方案》。"),
    ("body", "（二）分批实施线路调整。按照“先主干、后支线”的原则，今年上半年已撤并重复线路6条，"
             "新开通连接蓬江区和江海区的快线2条，延长末班车运营时间至22时30分的线路达到38条，"
             "市民平均换乘次数由1.6次下降至1.3次。下一步，我们将根据第二批客流监测结果继续调整"
             "剩余线路，力争年底前完成全部优化任务。"),
    ("heading", "二、关于推广新能源公交车的建议"),
    ("body", "（一）加快车辆更新。截至2023年6月底，全市共有公交车1986辆，其中纯电动公交车1754辆，"
             "占比88.3%。今年计划更新纯电动公交车120辆，市财政安排购车补贴资金2400万元，确保年内"
             "城区公交全面实现电动化。"),
    ("body", "（二）完善充电和信息服务设施。我局联合供电部门在公交场站新建充电桩86个，推动实时公交"
             "APP接入GPS定位和到站预报功能，市民可通过“Smart Bus”小程序查询车辆到站信息，满意度"
             "调查显示该功能的好评率达到92%。"),
    ("body", "专此答复，再次感谢您对交通运输工作的关心和支持。"),
    ("signoff", "江门市交通运输局"),
    ("signoff", "2023年7月5日"),
    ("body", "（联系人：黄晓琳，电话：0750-3501234）"),
    ("body", "公开方式：主动公开。"),
    ("body", "抄送：市人大常委会代表工作委员会，市政府办公室。"),
]


def paragraphs() -> list[str]:
    """The letter's paragraphs, one string each."""
    return [text for _, text in LETTER]


def write_text_files() -> None:
    """The same text in three encodings; paragraphs separated by blank lines."""
    text = "\n\n".join(paragraphs()) + "\n"
    (HERE / "letter.txt").write_text(text, encoding="utf-8")
    (HERE / "letter-gbk.txt").write_bytes(text.encode("gbk"))
    (HERE / "letter-utf16.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-16"))


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def write_markdown() -> None:
    """Markdown with # marks and body paragraphs hard-wrapped at 30 characters."""
    blocks = []
    for kind, text in LETTER:
        if kind == "title":
            blocks.append(f"# {text}")
        elif kind == "heading":
            blocks.append(f"## {text}")
        else:
            blocks.append("\n".join(_wrap(text, 30)))
    (HERE / "letter.md").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def write_docx() -> None:
    """One Word paragraph per letter paragraph, with heading and alignment styles."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    for kind, text in LETTER:
        paragraph = document.add_paragraph(text)
        if kind in ("agency", "number", "title"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "signoff":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if kind in ("title", "heading"):
            paragraph.runs[0].bold = True
    document.core_properties.author = "govqa tests"
    document.core_properties.created = document.core_properties.modified = FIXED_DATE
    document.save(HERE / "letter.docx")
    _fix_zip_times(HERE / "letter.docx")


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip with fixed member times, so regenerating gives the same bytes."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)


HTML_TEMPLATE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<meta charset="gbk">
<title>{title}_江门市交通运输局</title>
<style>p {{ text-indent: 2em; }}</style>
<script>var tracker = "首页访问统计";</script>
</head>
<body>
<header><div class="logo">江门市交通运输局门户网站</div></header>
<nav><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 建议提案办理</nav>
<div class="article">
{body}
</div>
<!-- 页面统计代码 -->
<footer>版权所有：江门市交通运输局　网站标识码 4407000000</footer>
</body>
</html>
"""


def _html_paragraph(kind: str, text: str) -> str:
    if kind == "title":
        return f"<h1>{text}</h1>"
    if kind == "heading":
        return f"<p><strong>{text}</strong></p>"
    if kind == "body" and len(text) > 40:
        # Source lines wrapped mid-sentence and an inline span, as CMS output has.
        head, tail = text[:24], text[24:]
        return f"<p>&#12288;&#12288;{head}\n    <span>{tail}</span></p>"
    return f"<p>{text}</p>"


def write_html() -> None:
    """A GBK-encoded page with navigation, header, footer, script and style noise."""
    body = "\n".join(_html_paragraph(kind, text) for kind, text in LETTER)
    title = dict(LETTER)["title"]
    (HERE / "letter.html").write_bytes(HTML_TEMPLATE.format(title=title, body=body).encode("gbk"))


def write_pdf() -> None:
    """Two A4 pages in the 公文 style: 16 pt body, wrapped title, "- N -" footers."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    class LetterPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-20)
            self.set_font("cjk", size=12)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = LetterPDF(format="A4")
    pdf.set_margins(28, 30, 28)
    pdf.set_auto_page_break(True, margin=62)
    pdf.add_font("cjk", fname=str(FONT))
    pdf.add_page()
    for kind, text in LETTER:
        size = {"title": 20, "agency": 18}.get(kind, 16)
        align = {"agency": "C", "number": "C", "title": "C", "signoff": "R"}.get(kind, "L")
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(0, size * 0.55, text, align=align, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    pdf.set_creation_date(FIXED_DATE)
    pdf.output(str(HERE / "letter.pdf"))


def check_pdf() -> None:
    """Fail loudly unless the PDF shows what the tests rely on."""
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(HERE / "letter.pdf").pages]
    assert len(pages) == 2, f"expected 2 pages, got {len(pages)}"
    last_line = pages[0].rstrip().splitlines()[-2]  # the line before "- 1 -"
    assert pages[0].rstrip().endswith("- 1 -"), pages[0][-40:]
    assert last_line[-1] not in "。！？；：", f"page 1 must end mid-sentence: {last_line!r}"
    print(f"page 1 ends with {last_line!r}; page 2 starts with {pages[1].splitlines()[0]!r}")


def main() -> int:
    if not FONT.exists():
        print(f"missing {FONT}: apt-get install fonts-wqy-zenhei", file=sys.stderr)
        return 1
    write_text_files()
    write_markdown()
    write_docx()
    write_html()
    write_pdf()
    check_pdf()
    for path in sorted(HERE.glob("letter*")):
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
