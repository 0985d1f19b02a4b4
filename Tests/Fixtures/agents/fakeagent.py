"""Shared machinery of the fake agent executables used by the tests.

Each fake (claude, codex, gemini, aider, goose, cline, crush, opencode) reads its argv the
way the real tool does (unknown flags, a missing prompt or a wrong combination are usage
errors with the real tool's exit code), takes the prompt from where the real tool reads it
(an argument, or standard input when it is not a terminal), does what the prompt asks, and
prints its answer in the real tool's output format, token usage included.

What the fake does is told by:
  FAKE_AGENT_MODE    ok (default), rate_limit, rate_limit_exit0, auth, overload, fail, hang,
                     slow:SECONDS (answers after sleeping), partial (see below)
  FAKE_AGENT_SCRIPT  a file of modes, one per line: the Nth call takes line N (the last
                     line once they run out); calls are counted in FILE.count
  FAKE_AGENT_RECORD  folder where each call is recorded as NAME-N.json (default:
                     .fake-agent/ in the working directory)
  FAKE_INPUT_TOKENS / FAKE_OUTPUT_TOKENS  token counts reported (default 1200 / 300)

Lines of the prompt that begin with a directive are obeyed:
  @write PATH TEXT            writes TEXT (and a newline) to PATH (relative to the folder)
  @write-on-retry PATH TEXT   the same, only when the prompt is a retry or completion attempt
  @result TEXT                the answer text (default: "<name> finished")
"""

import fcntl
import json
import os
import sys
import time


class Usage(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def read_stdin():
    if sys.stdin is None or sys.stdin.closed:
        return ""
    try:
        if os.isatty(sys.stdin.fileno()):
            return ""
    except (OSError, ValueError):
        return ""
    return sys.stdin.read()


class Flags:
    """A small argv reader: flags with a value, boolean flags, positionals, in any order."""

    def __init__(self, argv, with_value, boolean, name, optional_bool=()):
        self.values = {}
        self.flags = set()
        self.positionals = []
        index = 0
        while index < len(argv):
            arg = argv[index]
            if arg == "--":
                self.positionals += argv[index + 1:]
                break
            if arg.startswith("-") and arg != "-":
                key, eq, inline = arg.partition("=")
                if key in with_value:
                    if eq:
                        value = inline
                    else:
                        if index + 1 >= len(argv):
                            raise Usage(f"error: option '{key}' argument missing", 1 if name != "codex" else 2)
                        index += 1
                        value = argv[index]
                    self.values.setdefault(with_value[key], []).append(value)
                elif key in boolean:
                    self.flags.add(boolean[key])
                elif key in optional_bool:
                    self.flags.add(optional_bool[key])
                    if index + 1 < len(argv) and argv[index + 1] in ("true", "false"):
                        index += 1
                        self.values.setdefault(optional_bool[key], []).append(argv[index])
                else:
                    raise Usage(f"error: unknown option '{key}'", 1 if name != "codex" else 2)
            else:
                self.positionals.append(arg)
            index += 1

    def value(self, key):
        found = self.values.get(key)
        return found[-1] if found else None


def mode_for_call(name):
    script = os.environ.get("FAKE_AGENT_SCRIPT")
    if not script:
        return os.environ.get("FAKE_AGENT_MODE", "ok"), None
    with open(script + ".count", "a+") as counter:
        fcntl.flock(counter, fcntl.LOCK_EX)
        counter.seek(0)
        text = counter.read().strip()
        number = int(text) if text else 0
        counter.seek(0)
        counter.truncate()
        counter.write(str(number + 1))
    with open(script) as handle:
        lines = [line.strip() for line in handle if line.strip()]
    if not lines:
        return "ok", number
    return lines[min(number, len(lines) - 1)], number


def record(name, argv, prompt, stdin_text, mode, extra=None):
    folder = os.environ.get("FAKE_AGENT_RECORD") or os.path.join(os.getcwd(), ".fake-agent")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        number = 1
        while os.path.exists(os.path.join(folder, f"{name}-{number}.json")):
            number += 1
        entry = {
            "tool": name, "argv": argv, "prompt": prompt, "stdin": stdin_text, "cwd": os.getcwd(), "mode": mode,
            "env_names": sorted(os.environ), "started": time.time(), "pid": os.getpid(), "pgid": os.getpgid(0),
            "sid": os.getsid(0),
        }
        entry.update(extra or {})
        path = os.path.join(folder, f"{name}-{number}.json")
        with open(path + ".tmp", "w") as handle:
            json.dump(entry, handle)
        os.rename(path + ".tmp", path)
    return path


def finish_record(path):
    try:
        with open(path) as handle:
            entry = json.load(handle)
        entry["finished"] = time.time()
        with open(path + ".tmp", "w") as handle:
            json.dump(entry, handle)
        os.rename(path + ".tmp", path)
    except OSError:
        pass


def obey(prompt, name):
    """Carries out the prompt's directives; returns the answer text."""
    again = "RETRY #" in prompt or "## COMPLETION MODE" in prompt
    result = f"{name} finished"
    for line in prompt.splitlines():
        words = line.strip().split(" ", 2)
        if not words or not words[0].startswith("@"):
            continue
        directive = words[0]
        if directive in ("@write", "@write-on-retry") and len(words) >= 2:
            if directive == "@write-on-retry" and not again:
                continue
            path = words[1]
            text = words[2] if len(words) > 2 else ""
            folder = os.path.dirname(path)
            if folder:
                os.makedirs(folder, exist_ok=True)
            with open(path, "w") as handle:
                handle.write(text + "\n")
        elif directive == "@result":
            result = line.strip()[len("@result"):].strip()
    return result


def tokens():
    return int(os.environ.get("FAKE_INPUT_TOKENS", "1200")), int(os.environ.get("FAKE_OUTPUT_TOKENS", "300"))


def run(name, parse, answer, failure):
    """Runs a fake: `parse(argv)` returns (prompt, options) or raises Usage; `answer(result,
    options)` prints the success output; `failure(kind, options)` returns (stdout, stderr, code)."""
    argv = sys.argv[1:]
    if "--version" in argv or "-v" in argv and name == "claude":
        print(VERSIONS.get(name, "1.0.0"))
        return 0
    try:
        prompt, options, stdin_text = parse(argv)
    except Usage as usage:
        sys.stderr.write(usage.message + "\n")
        return usage.code
    mode, _ = mode_for_call(name)
    path = record(name, argv, prompt, stdin_text, mode, {"options": options})
    try:
        if mode.startswith("slow:"):
            time.sleep(float(mode.split(":", 1)[1]))
            mode = "ok"
        if mode == "hang":
            time.sleep(3600)
            return 0
        if mode in ("ok", "partial"):
            result = obey(prompt, name)
            sys.stdout.write(answer(result, options))
            sys.stdout.flush()
            return 0
        stdout, stderr, code = failure(mode, options)
        sys.stdout.write(stdout)
        sys.stderr.write(stderr)
        return code
    finally:
        finish_record(path)


VERSIONS = {
    "claude": "2.0.14 (Claude Code)",
    "codex": "codex-cli 0.46.0",
    "gemini": "0.9.0",
    "aider": "aider 0.86.1",
    "goose": "1.9.3",
    "cline": "cline 1.0.2",
    "crush": "crush version v0.10.4",
    "opencode": "0.15.8",
}
