"""example.guard: an operator policy for hearth, written in Python.

It keeps tools inside the workspace and away from secrets, keeps networked tools on an
allow-list of hosts, asks before `git push` and refuses `rm -rf /`. The rules are in
`rules.py`; this module only converts hearth's WIT types (the `policy-plugin` world of
`wit/`) to plain data and back.

Built with `componentize-py ... componentize --stub-wasi`, the component imports nothing:
whatever this code does, it cannot read, write or send anything.
"""

import json

from wit_world import exports
from wit_world.imports.policy_types import (
    Decision,
    Verdict_Abstain,
    Verdict_Allow,
    Verdict_Ask,
    Verdict_Deny,
)
from wit_world.imports.types import Action_Exec, Action_FileChange, Action_ToolCall, Effects

import rules

_EFFECTS = {
    Effects.READS_FS: "reads-fs",
    Effects.WRITES_FS: "writes-fs",
    Effects.NETWORK: "network",
    Effects.EXEC: "exec",
}


def _plain(action):
    """The WIT `action` variant as the dictionary `rules.judge` takes."""
    if isinstance(action, Action_ToolCall):
        call = action.value
        try:
            arguments = json.loads(call.arguments or "{}")
        except ValueError:
            arguments = {}
        return {
            "kind": "tool-call",
            "plugin": call.plugin,
            "tool": call.tool,
            "effects": {name for flag, name in _EFFECTS.items() if flag in call.effects},
            "arguments": arguments,
        }
    if isinstance(action, Action_Exec):
        return {"kind": "exec", "argv": list(action.value.argv), "cwd": action.value.cwd}
    if isinstance(action, Action_FileChange):
        paths = []
        for change in action.value:
            paths.append(change.path)
            if change.move_to:
                paths.append(change.move_to)
        return {"kind": "file-change", "paths": paths}
    return {"kind": "unknown"}


_VERDICTS = {
    "allow": lambda _: Verdict_Allow(),
    "deny": Verdict_Deny,
    "ask": Verdict_Ask,
    "abstain": lambda _: Verdict_Abstain(),
}


class Policy(exports.Policy):
    """The exported `policy` interface of the `policy-plugin` world."""

    def evaluate(self, action, context):
        try:
            ctx = json.loads(context or "{}")
            verdict, reason, rule = rules.judge(_plain(action), ctx if isinstance(ctx, dict) else {})
        except Exception as e:
            # A policy that cannot judge must not wave the action through.
            verdict, reason, rule = "deny", f"the guard failed: {type(e).__name__}: {e}", "guard.error"
        return Decision(verdict=_VERDICTS[verdict](reason), rule_id=rule)
