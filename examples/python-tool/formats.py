"""Parsing, inspecting and querying data files (pure Python, standard library only).

Nothing here touches hearth or WASI, so it can be tested with a plain `python3`:
`python3 -c "import formats; print(formats.render(formats.inspect('json', formats.PARSERS['json']('[1]'), 3)))"`.
"""

import configparser
import csv
import io
import json
import re
import tomllib

# --- parsing -----------------------------------------------------------------------------


def _parse_delimited(delimiter):
    def parse(text):
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        rows = [dict(row) for row in reader]
        return {"columns": list(reader.fieldnames or []), "rows": rows}

    return parse


def _parse_jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _parse_ini(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    out = {}
    if parser.defaults():
        out["DEFAULT"] = dict(parser.defaults())
    for section in parser.sections():
        out[section] = {k: v for k, v in parser.items(section, raw=True)}
    return out


PARSERS = {
    "json": json.loads,
    "jsonl": _parse_jsonl,
    "csv": _parse_delimited(","),
    "tsv": _parse_delimited("\t"),
    "toml": tomllib.loads,
    "ini": _parse_ini,
}

_EXTENSIONS = {
    ".json": "json",
    ".geojson": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
}


def detect(path):
    """The format of a file by its extension, or None."""
    lower = path.lower()
    for ext, fmt in _EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    return None


# --- inspecting --------------------------------------------------------------------------


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__  # TOML dates and times


def outline(value, depth=0, max_depth=4):
    """A nested description of a value's shape: types, keys, array lengths."""
    kind = _type_name(value)
    if kind == "object":
        node = {"type": "object", "keys": len(value)}
        if depth < max_depth:
            node["fields"] = {k: outline(v, depth + 1, max_depth) for k, v in list(value.items())[:40]}
        return node
    if kind == "array":
        node = {"type": "array", "length": len(value)}
        if value and depth < max_depth:
            kinds = sorted({_type_name(v) for v in value})
            node["items"] = kinds
            if kinds == ["object"]:
                merged = {}
                for item in value[:200]:
                    for k, v in item.items():
                        merged.setdefault(k, set()).add(_type_name(v))
                node["item_fields"] = {k: sorted(t) for k, t in merged.items()}
        return node
    return {"type": kind}


_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_BOOL = {"true", "false", "yes", "no"}


def _column_type(values):
    present = [v.strip() for v in values if v is not None and v.strip() != ""]
    if not present:
        return "empty"
    for name, test in (
        ("int", _INT.match),
        ("float", _FLOAT.match),
        ("date", _DATE.match),
        ("bool", lambda v: v.lower() in _BOOL),
    ):
        if all(test(v) for v in present):
            return name
    return "text"


def _column(rows, name):
    values = [row.get(name) for row in rows]
    kind = _column_type(values)
    present = [v for v in values if v is not None and v.strip() != ""]
    info = {
        "name": name,
        "type": kind,
        "empty": len(values) - len(present),
        "distinct": len(set(present)),
    }
    if kind in ("int", "float") and present:
        numbers = [int(v) if kind == "int" else float(v) for v in present]
        info.update(min=min(numbers), max=max(numbers), mean=round(sum(numbers) / len(numbers), 4))
    elif kind in ("text", "date") and present:
        info.update(min=min(present), max=max(present))
    return info


def inspect(fmt, parsed, sample):
    """A JSON-serialisable report on a parsed file."""
    if fmt in ("csv", "tsv"):
        rows = parsed["rows"]
        return {
            "format": fmt,
            "rows": len(rows),
            "columns": [_column(rows, c) for c in parsed["columns"]],
            "sample": rows[:sample],
        }
    report = {"format": fmt, "outline": outline(parsed)}
    if isinstance(parsed, list):
        report["sample"] = parsed[:sample]
    return report


def _render_outline(node, name, indent, out):
    pad = "  " * indent
    label = f"{pad}{name}: " if name is not None else pad
    if node["type"] == "object":
        out.append(f"{label}object ({node['keys']} keys)")
        for k, child in node.get("fields", {}).items():
            _render_outline(child, k, indent + 1, out)
    elif node["type"] == "array":
        items = "|".join(node.get("items", [])) or "empty"
        out.append(f"{label}array of {node['length']} ({items})")
        for k, kinds in node.get("item_fields", {}).items():
            out.append(f"{pad}  .{k}: {'|'.join(kinds)}")
    else:
        out.append(f"{label}{node['type']}")


def render(report):
    """The report as text for the model."""
    out = []
    if "columns" in report:
        out.append(f"{report['rows']} rows, {len(report['columns'])} columns:")
        for c in report["columns"]:
            extra = f", range {c['min']} .. {c['max']}" if "min" in c else ""
            extra += f", mean {c['mean']}" if "mean" in c else ""
            out.append(f"  {c['name']}: {c['type']} ({c['distinct']} distinct, {c['empty']} empty{extra})")
    else:
        _render_outline(report["outline"], None, 0, out)
    if report.get("sample"):
        out.append("sample:")
        out.extend(f"  {json.dumps(item, default=str)[:500]}" for item in report["sample"])
    return "\n".join(out)


# --- querying ----------------------------------------------------------------------------

_STEP = re.compile(r"\[(\*|-?\d+)\]|([^.\[\]]+)")


def parse_query(query):
    """`a.b[0].*` -> ['a', 'b', 0, '*']. Raises ValueError on malformed queries."""
    steps, pos, text = [], 0, query.strip()
    while pos < len(text):
        if text[pos] == ".":
            pos += 1
            continue
        m = _STEP.match(text, pos)
        if not m:
            raise ValueError(f"cannot parse query at {text[pos:]!r}")
        index, key = m.groups()
        if index is not None:
            steps.append("*" if index == "*" else int(index))
        else:
            steps.append(key)
        pos = m.end()
    return steps


def select(document, steps):
    """Every `(location, value)` the steps lead to."""
    current = [("", document)]
    for step in steps:
        nxt = []
        for where, value in current:
            if step == "*":
                if isinstance(value, dict):
                    nxt += [(f"{where}.{k}", v) for k, v in value.items()]
                elif isinstance(value, list):
                    nxt += [(f"{where}[{i}]", v) for i, v in enumerate(value)]
            elif isinstance(step, int) and isinstance(value, list):
                if -len(value) <= step < len(value):
                    nxt.append((f"{where}[{step}]", value[step]))
            elif isinstance(value, dict) and str(step) in value:
                nxt.append((f"{where}.{step}", value[str(step)]))
        current = nxt
    return [(where.lstrip(".") or "(root)", value) for where, value in current]
