#!/usr/bin/env python3
"""Run Rego test rules with the real OPA engine (the bridge that
../shared/interop/setup.sh installs), for comparison with `aigis policy test`.

usage: opa_tests.py [--data DATA.json] POLICY_DIR_OR_FILE...
Loads every .rego file (tests included), then evaluates each `test_*` rule
found in *_test.rego files. Prints one JSON object: {"data.pkg.test_x": true |
false | "undefined" | "error: ..."}. Exit 2 when the policies do not compile.
"""
import json, os, re, sys


def rego_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".rego"):
                    yield os.path.join(root, f)


def main():
    args = sys.argv[1:]
    data = None
    if args[:1] == ["--data"]:
        data = json.load(open(args[1], encoding="utf-8"))
        args = args[2:]
    from opa_bindings import OpaEngine, OpaError, OpaUndefinedError
    e = OpaEngine()
    tests = []
    try:
        for f in rego_files(args):
            text = open(f, encoding="utf-8").read()
            e.add_policy(f, text)
            if f.endswith("_test.rego"):
                pkg = re.search(r"^package\s+([\w.]+)", text, re.M).group(1)
                for name in dict.fromkeys(re.findall(r"^(test_\w+)", text, re.M)):
                    tests.append(f"{pkg}.{name}")
        if data is not None:
            e.add_data(data)
    except OpaError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    out = {}
    for t in tests:
        try:
            out["data." + t] = e.eval_document(t)
        except OpaUndefinedError:
            out["data." + t] = "undefined"
        except OpaError as err:
            out["data." + t] = f"error: {err}"
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
