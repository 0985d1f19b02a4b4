#!/usr/bin/env python3
"""Renders the template corpus with Python's Jinja2, as Marianne configures it.

Usage: jinja-render.py CORPUS.yaml

The corpus is a YAML mapping: `contexts` (name -> variables) and `cases`, a list of
{template: str, context: a context name (optional), lenient: bool (optional)}. Prints a JSON list with, per case, {"ok": true, "output": str}
or {"ok": false, "error": exception class name, "message": str}.
"""
import copy
import json
import sys

import jinja2
import yaml


def environment(lenient):
    return jinja2.Environment(
        undefined=jinja2.Undefined if lenient else jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        corpus = yaml.safe_load(handle)
    contexts, cases = corpus["contexts"], corpus["cases"]
    strict, lenient = environment(False), environment(True)
    results = []
    for case in cases:
        env = lenient if case.get("lenient") else strict
        try:
            output = env.from_string(case["template"]).render(**copy.deepcopy(contexts.get(case.get("context"), {})))
            results.append({"ok": True, "output": output})
        except Exception as error:  # every failure is a result to compare
            results.append({"ok": False, "error": type(error).__name__, "message": str(error)})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
