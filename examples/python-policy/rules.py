"""The rules of the workspace guard, as plain Python over plain data.

Nothing here imports hearth's bindings, so the rules can be tried with a plain `python3`
(see README.md). `guard.py` turns each WIT `action` into one of these dictionaries:

    {"kind": "tool-call", "plugin": ..., "tool": ..., "effects": {"network", ...}, "arguments": {...}}
    {"kind": "exec", "argv": [...], "cwd": "..."}
    {"kind": "file-change", "paths": ["src/a.rs", ...]}

and `judge(action, context)` answers `(verdict, reason, rule)` with verdict one of
`"allow"`, `"deny"`, `"ask"`, `"abstain"`.
"""

import fnmatch
import posixpath
import re
import shlex

# --- what the guard allows (edit and rebuild, or override with the operator's settings) --

# File names that look like secrets: never read, listed, searched or changed by a tool.
SECRET_PATTERNS = [
    ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_ecdsa*", "id_ed25519*",
    ".netrc", ".npmrc", ".pypirc", ".git-credentials", "credentials", "credentials.json",
]

# Directories besides the thread's workspace that tools may touch (absolute paths).
ALLOWED_DIRS = []

# Hosts tools with the `network` effect may reach; `*.example.org` matches subdomains.
ALLOWED_HOSTS = ["docs.rs", "crates.io", "pypi.org", "*.python.org", "developer.mozilla.org", "127.0.0.1"]

# Arguments that name a path, in the tools hearth ships and in common third-party tools.
PATH_ARGUMENTS = ["path", "file_path", "dir_path", "paths", "cwd", "workdir", "directory", "filename"]

# Arguments that name a URL.
URL_ARGUMENTS = ["url", "urls", "uri", "endpoint"]

ABSTAIN = ("abstain", "", "guard.no-opinion")


def _compile(patterns):
    return [(p, re.compile(fnmatch.translate(p))) for p in patterns]


# Compiled while the component is built (module level), so no call pays for it: every
# call runs in a fresh instance, which starts from the state captured at build time.
_SECRETS = _compile(SECRET_PATTERNS)


def settings_of(context):
    """The lists in force: the defaults above, each replaced by the operator's setting of
    the same name when hearth passes `settings` in the context."""
    given = context.get("settings") or {}
    if not isinstance(given, dict):
        given = {}

    def pick(name, default):
        value = given.get(name)
        return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else default

    secrets = pick("secret_patterns", None)
    return {
        "secret_patterns": _compile(secrets) if secrets is not None else _SECRETS,
        "allowed_dirs": pick("allowed_dirs", ALLOWED_DIRS),
        "allowed_hosts": pick("allowed_hosts", ALLOWED_HOSTS),
    }


# --- paths -------------------------------------------------------------------------------


def _inside(path, root):
    root = posixpath.normpath(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


def check_path(raw, cwd, conf):
    """A deny `(verdict, reason, rule)` for a path outside the allowed places or naming a
    secret, else None. Relative paths are taken from the workspace (`cwd`)."""
    full = posixpath.normpath(posixpath.join(cwd, raw) if cwd else raw)
    # Without a workspace in the context, a relative path that stays relative is inside.
    relative = not cwd and not full.startswith(("/", ".."))
    roots = ([cwd] if cwd else []) + conf["allowed_dirs"]
    if not relative and not any(_inside(full, root) for root in roots):
        return ("deny", f"{raw} is outside the workspace and the allowed directories", "guard.paths.outside-workspace")
    for part in full.split("/"):
        for pattern, regex in conf["secret_patterns"]:
            if regex.match(part):
                return ("deny", f"{raw} looks like a secret ({pattern})", "guard.paths.secret")
    return None


def _strings(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


# --- network -----------------------------------------------------------------------------


def host_of(url):
    """The host of an absolute URL (lower case, without port or credentials), or None."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        return None
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[1:].split("]", 1)[0].lower()
    return host.split(":", 1)[0].lower() or None


def host_allowed(host, allowed):
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern == host or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


# --- commands ----------------------------------------------------------------------------

_SHELLS = {"sh", "bash", "zsh", "dash"}
_DANGEROUS_TARGETS = {"/", "/*", "~", "~/", "$HOME", "${HOME}", "."}


def _commands(argv):
    """The commands an argv runs: itself, or each `;`/`&&`/`|` part of a `sh -c` script."""
    if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1] in ("-c", "-lc"):
        try:
            words = shlex.split(argv[2])
        except ValueError:
            return [argv]
        parts, current = [], []
        for word in words:
            if word in (";", "&&", "||", "|"):
                parts.append(current)
                current = []
            else:
                current.append(word)
        parts.append(current)
        return [p for p in parts if p]
    return [argv]


def judge_command(argv):
    for cmd in _commands(argv):
        program = posixpath.basename(cmd[0])
        words = cmd[1:]
        if program == "rm":
            flags = "".join(w.lstrip("-") for w in words if w.startswith("-") and not w.startswith("--"))
            recursive = "r" in flags or "R" in flags or "--recursive" in words
            if recursive and any(w in _DANGEROUS_TARGETS for w in words):
                return ("deny", f"refusing `{' '.join(cmd)}`: it deletes far more than a project", "guard.exec.rm-root")
        if program == "git" and "push" in words:
            return ("ask", f"`{' '.join(cmd)}` publishes commits; confirm first", "guard.exec.git-push")
    return None


# --- the verdict -------------------------------------------------------------------------


def judge(action, context):
    conf = settings_of(context)
    cwd = context.get("cwd")
    kind = action["kind"]
    if kind == "tool-call":
        args = action["arguments"] if isinstance(action["arguments"], dict) else {}
        for name in PATH_ARGUMENTS:
            for raw in _strings(args.get(name)):
                found = check_path(raw, cwd, conf)
                if found:
                    return found
        if "network" in action["effects"]:
            for name in URL_ARGUMENTS:
                for url in _strings(args.get(name)):
                    host = host_of(url)
                    if host is None or not host_allowed(host, conf["allowed_hosts"]):
                        return ("deny", f"{action['tool']} may not reach {host or url}: not in the allowed hosts", "guard.network.host-not-allowed")
        return ABSTAIN
    if kind == "file-change":
        for raw in action["paths"]:
            found = check_path(raw, cwd, conf)
            if found:
                return found
        return ABSTAIN
    if kind == "exec":
        if action.get("cwd"):
            found = check_path(action["cwd"], cwd, conf)
            if found:
                return found
        return judge_command(action["argv"]) or ABSTAIN
    return ABSTAIN
