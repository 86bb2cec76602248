"""A report as a list of blocks, rendered twice: Markdown (images linked as files beside it)
and self-contained HTML (images embedded as base64 data URIs). Writing the content once keeps
the two formats from drifting apart."""

import base64
import html
import os
from dataclasses import dataclass


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list


@dataclass
class TableBlock:
    header: list
    rows: list


@dataclass
class Image:
    name: str      # file name inside the report folder
    title: str
    caption: str


@dataclass
class Pre:
    text: str


def _md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks):
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, TableBlock):
            lines = ["| " + " | ".join(_md_cell(h) for h in block.header) + " |",
                     "|" + "---|" * len(block.header)]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, Image):
            alt = " ".join(block.title.split()).replace("]", ")")
            out.append(f"![{alt}]({block.name})\n\n*{block.caption}*")
        elif isinstance(block, Pre):
            fence = "````" if "```" in block.text else "```"
            out.append(f"{fence}\n{block.text.rstrip()}\n{fence}")
    return "\n\n".join(out) + "\n"


_STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
figure { margin: 1.5em 0; } figcaption { font-size: 0.85em; color: #555; }
img { max-width: 100%; }
li { margin: 0.3em 0; }
"""


def to_html(blocks, image_dir, title):
    """Self-contained HTML; image files are read from image_dir and embedded."""
    esc = html.escape
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">",
           f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, TableBlock):
            head = "".join(f"<th>{esc(str(h))}</th>" for h in block.header)
            body = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>"
                           for row in block.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Image):
            with open(os.path.join(image_dir, block.name), "rb") as png:
                data = base64.b64encode(png.read()).decode("ascii")
            out.append(f"<figure><img alt=\"{esc(block.title)}\" "
                       f"src=\"data:image/png;base64,{data}\">"
                       f"<figcaption>{esc(block.caption)}</figcaption></figure>")
        elif isinstance(block, Pre):
            out.append(f"<pre>{esc(block.text)}</pre>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
