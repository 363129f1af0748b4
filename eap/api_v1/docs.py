"""The browsable API reference (``/api/v1/docs``), rendered on the server from the OpenAPI
document: no script and nothing from a CDN (the province's network may reach none, and the
security headers allow no outside script)."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """
body{font-family:"Noto Sans CJK SC",system-ui,sans-serif;max-width:1000px;margin:2em auto;
color:#1f2933;line-height:1.5;padding:0 1em}
h1{margin-bottom:.2em} h2{border-bottom:2px solid #d9e2ec;padding-bottom:.2em;margin-top:2em}
.op{border:1px solid #d9e2ec;border-radius:8px;padding:.8em 1em;margin:1em 0}
.m{display:inline-block;min-width:4.5em;font-weight:700;color:#fff;border-radius:4px;
text-align:center;margin-right:.6em} .get{background:#2f80ed} .post{background:#27ae60}
.delete{background:#c0392b} code{background:#f0f4f8;padding:0 .3em;border-radius:3px}
table{border-collapse:collapse;margin:.4em 0} td,th{border:1px solid #d9e2ec;padding:.2em .6em;
text-align:left;vertical-align:top} .scope{color:#8e44ad}
"""


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    kind = schema.get("type", "object")
    fmt = schema.get("format")
    return escape(f"{kind} ({fmt})" if fmt else str(kind))


def _operation(path: str, method: str, op: dict[str, Any], base: str) -> str:
    scopes = [s for req in op.get("security", []) for v in req.values() for s in v]
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
        f"<td>{_type(p.get('schema', {}))}</td><td>{'yes' if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description', ''))}</td></tr>"
        for p in op.get("parameters", [])
    )
    params = (
        "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th></th></tr>"
        f"{rows}</table>"
        if rows
        else ""
    )
    body = op.get("requestBody", {}).get("content", {})
    body_html = "".join(
        f"<p>Body ({escape(kind)}): {_type(c.get('schema', {}))}</p>" for kind, c in body.items()
    )
    answers = "".join(
        f"<tr><td>{escape(code)}</td><td>{escape(r.get('description', ''))}</td><td>"
        + "".join(_type(c.get("schema", {})) for c in r.get("content", {}).values())
        + "</td></tr>"
        for code, r in op.get("responses", {}).items()
    )
    return (
        f'<div class="op"><span class="m {method}">{method.upper()}</span>'
        f"<code>{escape(base + path)}</code> — {escape(op.get('summary', ''))}"
        + (f"<p>{escape(op['description'])}</p>" if op.get("description") else "")
        + (f'<p>Scope: <span class="scope">{escape(" ".join(scopes))}</span></p>' if scopes else "")
        + params
        + body_html
        + f"<table><tr><th>status</th><th></th><th>body</th></tr>{answers}</table></div>"
    )


def _schemas(spec: dict[str, Any]) -> str:
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        rows = "".join(
            f"<tr><td><code>{escape(k)}</code></td><td>{_type(v)}</td>"
            f"<td>{'yes' if k in required else ''}</td>"
            f"<td>{escape(v.get('description', ''))}</td></tr>"
            for k, v in props.items()
        )
        out.append(
            f'<h3 id="schema-{escape(name)}">{escape(name)}</h3>'
            f"<table><tr><th>field</th><th>type</th><th>required</th><th></th></tr>{rows}</table>"
        )
    return "".join(out)


def render_docs(spec: dict[str, Any], *, base: str = "") -> str:
    info = spec.get("info", {})
    by_tag: dict[str, list[str]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(path, method, op, base))
    sections = "".join(f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in by_tag.items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(info.get('title', ''))} <small>v{escape(str(info.get('version', '')))}"
        f"</small></h1><p>{escape(info.get('description', ''))}</p>"
        f'<p>OpenAPI document: <a href="{escape(base)}/openapi.json">'
        f"{escape(base)}/openapi.json</a></p>{sections}<h2>Schemas</h2>{_schemas(spec)}"
        "</body></html>"
    )
