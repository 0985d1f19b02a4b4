#!/usr/bin/env python3
"""Counts word frequencies of a file; speaks the module protocol on stdin/stdout."""
import collections
import json
import re
import sys


def emit(**message):
    print(json.dumps(message), flush=True)


def main():
    request = json.loads(sys.stdin.readline())
    inputs, settings = request["inputs"], request["settings"]
    try:
        with open(inputs["path"], encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        emit(log=f"cannot read {inputs['path']}: {error.strerror}", level="ERROR")
        return 2
    if settings.get("lowercase", True):
        text = text.lower()
    words = re.findall(r"[\w']+", text)
    emit(log=f"{len(words)} words read", level="INFO")
    for word, count in collections.Counter(words).most_common(inputs.get("top", 3)):
        emit(result={"word": word, "count": count})
    return 0


if __name__ == "__main__":
    sys.exit(main())
