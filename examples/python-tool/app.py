"""example.data: inspect and query structured data files in the workspace.

A hearth tool plugin written in Python and built with componentize-py against the
`tool` world of `wit/` (see README.md). Two tools:

- `data_inspect`: the shape of a JSON, JSON Lines, CSV/TSV, TOML or INI file: its
  structure, row and column counts, inferred column types and numeric ranges, a sample.
- `data_query`: values at a path such as `dependencies.*.version` or `[0].name`.

The plugin only opens files through WASI, so it sees exactly the directories hearth
preopened for the call (the thread's workspace); any other path does not exist for it.
"""

import json
import os

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log
from wit_world.imports.types import (
    Effects,
    LogLevel,
    Render,
    ToolCall,
    ToolError_Failed,
    ToolError_InvalidArguments,
    ToolOutput,
    ToolSpec,
)

import formats

# Larger files are refused rather than parsed half-way.
MAX_FILE_BYTES = 8 << 20

INSPECT_PARAMETERS = {
    "type": "object",
    "properties": {
        "path": {
            "type": "string",
            "description": "File to inspect, relative to the workspace root",
        },
        "format": {
            "type": "string",
            "enum": sorted(formats.PARSERS),
            "description": "Format, when the file extension does not say",
        },
        "sample_rows": {
            "type": "integer",
            "minimum": 0,
            "maximum": 50,
            "description": "How many rows or items to show as a sample (default 3)",
        },
    },
    "required": ["path"],
    "additionalProperties": False,
}

QUERY_PARAMETERS = {
    "type": "object",
    "properties": {
        "path": {
            "type": "string",
            "description": "File to query, relative to the workspace root",
        },
        "query": {
            "type": "string",
            "description": "Dotted path: keys, [index], * for every key or item; "
            "e.g. `tool.poetry.dependencies`, `[0].name`, `items.*.id` "
            "(CSV files are a list of row objects)",
        },
        "format": {"type": "string", "enum": sorted(formats.PARSERS)},
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "Most values to return (default 100)",
        },
    },
    "required": ["path", "query"],
    "additionalProperties": False,
}


def _invalid(message):
    return Err(ToolError_InvalidArguments(message))


def _read(context, path):
    """Reads a file relative to the call's workspace (`cwd` in the context)."""
    full = os.path.join(context.get("cwd", "."), path)
    try:
        size = os.path.getsize(full)
        if size > MAX_FILE_BYTES:
            raise Err(ToolError_Failed(f"{path} is {size} bytes; the limit is {MAX_FILE_BYTES}"))
        with open(full, "rb") as f:
            data = f.read()
    except OSError as e:
        # Outside the preopened directories every path is "not found": that is the sandbox.
        raise Err(ToolError_Failed(f"cannot read {path}: {e.strerror or e}"))
    try:
        # Decoded by hand: codecs looked up by name at run time (like "utf-8-sig") are not
        # in the component unless something imported them at build time.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise Err(ToolError_Failed(f"{path} is not UTF-8 text"))


def _load(args, context):
    path = args.get("path")
    if not isinstance(path, str) or not path:
        raise _invalid("`path` must be a non-empty string")
    fmt = args.get("format") or formats.detect(path)
    if fmt not in formats.PARSERS:
        raise _invalid(
            f"cannot tell the format of {path}; pass `format` (one of {', '.join(sorted(formats.PARSERS))})"
        )
    text = _read(context, path)
    try:
        return path, fmt, formats.PARSERS[fmt](text)
    except MemoryError:
        # The operator's memory limit for this plugin (manifest [limits], config) was hit.
        raise Err(ToolError_Failed(f"{path} is too large to parse within this plugin's memory limit"))
    except Exception as e:  # any parse error is the file's fault, shown to the model
        raise Err(ToolError_Failed(f"{path} is not valid {fmt}: {e}"))


def data_inspect(args, context):
    path, fmt, parsed = _load(args, context)
    sample = args.get("sample_rows", 3)
    if not isinstance(sample, int) or sample < 0:
        raise _invalid("`sample_rows` must be a non-negative integer")
    report = formats.inspect(fmt, parsed, min(sample, 50))
    text = f"{path} ({fmt})\n" + formats.render(report)
    return ToolOutput(content=text, success=True, details=json.dumps(report))


def data_query(args, context):
    path, fmt, parsed = _load(args, context)
    query = args.get("query")
    if not isinstance(query, str):
        raise _invalid("`query` must be a string")
    limit = args.get("limit", 100)
    try:
        steps = formats.parse_query(query)
    except ValueError as e:
        raise _invalid(str(e))
    document = parsed["rows"] if fmt in ("csv", "tsv") else parsed
    found = formats.select(document, steps)
    shown = found[:limit]
    lines = [f"{len(found)} value(s) at `{query}` in {path}"]
    lines += [f"{where}: {json.dumps(value, default=str)[:2000]}" for where, value in shown]
    if len(found) > limit:
        lines.append(f"... {len(found) - limit} more (raise `limit`)")
    return ToolOutput(
        content="\n".join(lines),
        success=True,
        details=json.dumps({"count": len(found), "values": [v for _, v in shown]}, default=str),
    )


TOOLS = {
    "data_inspect": (
        "Shows the structure of a JSON, JSON Lines, CSV, TSV, TOML or INI file in the "
        "workspace: keys and value types, row and column counts, inferred column types, "
        "numeric ranges and a sample. Use it before reading a large data file.",
        INSPECT_PARAMETERS,
        data_inspect,
    ),
    "data_query": (
        "Returns the values at a dotted path in a JSON, JSON Lines, CSV, TSV, TOML or INI "
        "file in the workspace, e.g. `dependencies.*.version` or `[0].name`.",
        QUERY_PARAMETERS,
        data_query,
    ),
}


class ToolProvider(exports.ToolProvider):
    """The exported `tool-provider` interface of the `tool` world."""

    def describe(self):
        return [
            ToolSpec(
                name=name,
                description=description,
                parameters=json.dumps(parameters),
                effects=Effects.READS_FS,
                render=Render.GENERIC,
                parallel=True,
            )
            for name, (description, parameters, _) in TOOLS.items()
        ]

    def invoke(self, call: ToolCall) -> ToolOutput:
        entry = TOOLS.get(call.name)
        if entry is None:
            raise _invalid(f"unknown tool {call.name}")
        try:
            args = json.loads(call.arguments or "{}")
            context = json.loads(call.context or "{}")
        except ValueError as e:
            raise _invalid(f"arguments are not JSON: {e}")
        if not isinstance(args, dict):
            raise _invalid("arguments must be a JSON object")
        log.log(LogLevel.DEBUG, f"{call.name} {args.get('path')}")
        try:
            return entry[2](args, context)
        except Err:
            raise
        except Exception as e:
            # An uncaught exception would trap the instance; report it as a tool error.
            raise Err(ToolError_Failed(f"{call.name} failed: {type(e).__name__}: {e}"))
