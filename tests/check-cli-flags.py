#!/usr/bin/env python3
"""check-cli-flags.py FLAGS-TABLE VERSION SCRIPT...

Every `peer ...` and `osnadmin ...` command line of the Job scripts, checked
against the flags Fabric's own commands accept (tests/data/fabric-cli-flags.txt,
read from Fabric's source): the command must exist in VERSION, every flag
must be one of its flags, and a flag that takes a value must have one.
The helpers of common.sh that print flags ($(orderer_tls), $(peer_tls X),
$(endorsers)) are expanded first: what each echoes.  When common.sh is
among the scripts, the helpers the others call are checked as well.
Prints each problem and, last, how many command lines were checked."""
import os
import re
import shlex
import sys

table, version = sys.argv[1], sys.argv[2]
scripts = sys.argv[3:]
flags = {}      # "peer channel create" -> {"--channelID": True, "-c": True, ...}
for line in open(table):
    if line.startswith("#") or not line.strip():
        continue
    head, names, value = line.rstrip("\n").split("\t")
    ver, cmd = head.split(" ", 1)
    if ver != version:
        continue
    takes = value == "yes"
    for n in names.split(","):
        flags.setdefault(cmd, {})[n] = takes

# what the flag-printing helpers of common.sh print
helpers = {}
common = os.path.join(os.path.dirname(scripts[0]), "common.sh")
text = open(common).read()
for m in re.finditer(r"^(\w+)\(\) \{(.*?)^\}", text, re.S | re.M):
    echoed = re.findall(r'echo "([^"]*)"', m.group(2))
    if echoed:
        helpers[m.group(1)] = " ".join(echoed)


def expand(line):
    def helper(m):
        name, *args = m.group(1).split()
        out = helpers.get(name)
        if out is None:
            return m.group(0)
        for i, a in enumerate(args, 1):
            out = out.replace(f"${i}", a)
        return out
    return re.sub(r"\$\((\w+(?: [^)]*)?)\)", helper, line)


# common.sh is checked for the helpers the other scripts call (Fabric 1.4's
# scripts call none that uses the 2.x lifecycle); the others' lines are
# blanked, line numbers kept
others = "".join(open(p).read() for p in scripts if os.path.basename(p) != "common.sh")


def called_helpers_only(text):
    def blank(m):
        return m.group(0) if re.search(r"\b%s\b" % m.group(1), others) else re.sub(r"[^\n]", "", m.group(0))
    return re.sub(r"^(\w+)\(\) \{.*?^\}", blank, text, flags=re.S | re.M)


problems, checked = [], 0
for path in scripts:
    name = os.path.basename(path)
    raw = open(path).read()
    if name == "common.sh":
        raw = called_helpers_only(raw)
    raw = raw.replace("\\\n", " ")
    for n, line in enumerate(raw.split("\n"), 1):
        if line.lstrip().startswith("#"):
            continue
        line = expand(line)
        for m in re.finditer(r"(?:^|[\s(|;&]|\$\()(peer|osnadmin)\s+(\w.*)", line):
            try:
                words = shlex.split(m.group(1) + " " + m.group(2), comments=True)
            except ValueError as e:
                problems.append(f"{name}:{n}: cannot parse: {e}")
                continue
            # the command stops at a shell operator
            for i, w in enumerate(words):
                if w in ("|", "||", "&&", ";", ")", "2>/dev/null", ">/dev/null") or w.startswith(("2>", ">")):
                    words = words[:i]
                    break
            cmd = [words[0]]
            i = 1
            while i < len(words) and not words[i].startswith("-") and " ".join(cmd + [words[i]]) in \
                    {" ".join(k.split()[:len(cmd) + 1]) for k in flags}:
                cmd.append(words[i])
                i += 1
            key = " ".join(cmd)
            if key not in flags:
                problems.append(f"{name}:{n}: Fabric {version} has no command `{key}`")
                continue
            checked += 1
            while i < len(words):
                w = words[i]
                i += 1
                if not w.startswith("-") or w == "-":
                    continue
                f, _, val = w.partition("=")
                if f not in flags[key]:
                    problems.append(f"{name}:{n}: `{key}` has no flag {f}")
                elif flags[key][f] and not val:
                    if i >= len(words) or (words[i].startswith("-") and words[i] != "-"):
                        problems.append(f"{name}:{n}: `{key}` {f} needs a value")
                    i += 1
for p in problems:
    print(p)
print(f"{checked} command lines checked")
sys.exit(1 if problems else 0)
