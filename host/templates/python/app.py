"""{{id}}: a hearth tool plugin in Python.

`{{tool}}` counts the lines, words and characters of a text file in the workspace and
lists its most frequent words. Replace it with your own tool: `describe` says what the
tool is (its JSON Schema of arguments is what the model fills in), `invoke` runs a call.

The contract is the `tool` world in wit/ (a copy of hearth's wit/). componentize-py
generates the `wit_world` bindings imported here when it builds the component.
"""

import json
import os
import re
from collections import Counter

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log
from wit_world.imports.types import (
    Effects,
    LogLevel,
    Render,
    ToolError_Failed,
    ToolError_InvalidArguments,
    ToolOutput,
    ToolSpec,
)

PARAMETERS = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": "Text file, relative to the workspace root"},
        "top": {"type": "integer", "minimum": 0, "maximum": 50, "description": "How many frequent words to list (default 5)"},
    },
    "required": ["path"],
    "additionalProperties": False,
}


def run(args, context):
    """The tool itself: plain Python, easy to test without hearth."""
    path = args.get("path")
    if not isinstance(path, str) or not path:
        raise Err(ToolError_InvalidArguments("`path` must be a non-empty string"))
    top = args.get("top", 5)
    # The workspace is preopened at its own path; `cwd` in the context says where it is.
    full = os.path.join(context.get("cwd", "."), path)
    try:
        with open(full, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
    except OSError as e:
        raise Err(ToolError_Failed(f"cannot read {path}: {e.strerror or e}"))
    words = re.findall(r"[\w']+", text.lower())
    # (Counter.most_common(n) would import heapq lazily, at call time: a module that was
    # not imported while the component was built is not in it. Sort instead.)
    common = sorted(Counter(words).items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    summary = f"{path}: {len(text.splitlines())} lines, {len(words)} words, {len(text)} characters"
    if common:
        summary += "\nmost frequent: " + ", ".join(f"{w} ({n})" for w, n in common)
    return ToolOutput(content=summary, success=True, details=json.dumps({"words": len(words)}))


class ToolProvider(exports.ToolProvider):
    """The exported `tool-provider` interface."""

    def describe(self):
        return [
            ToolSpec(
                name="{{tool}}",
                description="Counts the lines, words and characters of a text file in the workspace and lists its most frequent words.",
                parameters=json.dumps(PARAMETERS),
                effects=Effects.READS_FS,
                render=Render.GENERIC,
                parallel=True,
            )
        ]

    def invoke(self, call):
        try:
            args = json.loads(call.arguments or "{}")
            context = json.loads(call.context or "{}")
        except ValueError as e:
            raise Err(ToolError_InvalidArguments(f"arguments are not JSON: {e}"))
        log.log(LogLevel.DEBUG, f"{call.name} called")
        try:
            return run(args, context)
        except Err:
            raise
        except Exception as e:
            # An uncaught exception would trap the instance; report it to the model instead.
            raise Err(ToolError_Failed(f"{type(e).__name__}: {e}"))
