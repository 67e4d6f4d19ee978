#!/usr/bin/env python3
"""A flame graph (SVG) of CPU samples: async-profiler's collapsed stacks or a Java Flight
Recording's.

Usage:
  python3 tools/flamegraph/flamegraph.py samples out.svg "title" [thread-regex]

where samples is either what async-profiler writes with `collapsed` (one line per distinct
stack, root first, frames separated by ";", then its count; record-during-bench.sh makes
one), or the text of `jfr print --events jdk.ExecutionSample --stack-depth 128 x.jfr`
(one sample per event, its stack top first). The thread filter applies to JFR's sampled
thread, or to async-profiler's first frame when it recorded with `threads`. It folds
identical stacks and draws the usual flame graph: the root at the bottom,
each frame as wide as the share of samples it is on the stack of. Frames of the fleet's
own code (io.aicunet) are drawn in blue, the JDK's TLS and crypto in red, the rest in
warm colours. Hovering a frame shows its name and share (SVG <title>). No dependencies.
"""
import html
import re
import sys
import zlib
from collections import Counter

WIDTH = 1800
ROW = 16
FONT = 11


def stacks(path, thread_filter):
    text = open(path, encoding="utf-8").read()
    if "jdk.ExecutionSample" in text:
        return jfr_stacks(text, thread_filter)
    folded = Counter()
    for line in text.splitlines():
        frames, _, count = line.rpartition(" ")
        if not frames or not count.isdigit():
            continue
        stack = tuple(frame.replace("/", ".") for frame in frames.split(";"))
        if thread_filter and not re.search(thread_filter, stack[0]):
            continue
        folded[stack] += int(count)
    return folded


def jfr_stacks(text, thread_filter):
    folded = Counter()
    for event in text.split("jdk.ExecutionSample")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', event)
        if thread_filter and not (thread and re.search(thread_filter, thread.group(1))):
            continue
        frames = re.findall(r"^\s+([\w$.<>/]+)\(", event, re.M)
        if frames:
            folded[tuple(reversed(frames))] += 1
    return folded


def tree(folded):
    root = {"name": "all", "count": 0, "children": {}}
    for stack, count in folded.items():
        root["count"] += count
        node = root
        for frame in stack:
            child = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            child["count"] += count
            node = child
    return root


def colour(name):
    if name.startswith("io.aicunet"):
        return "rgb(90,140,220)"
    if re.match(r"(sun\.security\.ssl|com\.sun\.crypto|io\.netty\.handler\.ssl)", name):
        return "rgb(220,80,70)"
    shade = zlib.crc32(name.encode("utf-8")) % 80
    return "rgb(%d,%d,60)" % (225 + shade % 30, 120 + shade)


def draw(node, x, depth, scale, total, height, out):
    width = node["count"] * scale
    if width < 1.0:
        return
    y = height - (depth + 1) * ROW
    label = node["name"].split(".")[-2:] if node["name"] != "all" else ["all"]
    short = ".".join(label)
    share = 100.0 * node["count"] / total
    out.append('<g><title>%s (%d samples, %.1f%%)</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
               'fill="%s" rx="1"/>' % (html.escape(node["name"]), node["count"], share, x, y, width, ROW - 1,
                                       colour(node["name"])))
    if width > 40:
        chars = int(width / (FONT * 0.6))
        text = short if len(short) <= chars else short[:max(0, chars - 2)] + ".."
        out.append('<text x="%.1f" y="%d" font-size="%d" font-family="monospace">%s</text>'
                   % (x + 2, y + ROW - 4, FONT, html.escape(text)))
    out.append("</g>")
    child_x = x
    for child in sorted(node["children"].values(), key=lambda c: c["name"]):
        draw(child, child_x, depth + 1, scale, total, height, out)
        child_x += child["count"] * scale


def depth_of(node):
    return 1 + max((depth_of(child) for child in node["children"].values()), default=0)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    folded = stacks(sys.argv[1], sys.argv[4] if len(sys.argv) > 4 else None)
    root = tree(folded)
    if root["count"] == 0:
        sys.exit("no samples")
    height = (depth_of(root) + 3) * ROW
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
           % (WIDTH, height, WIDTH, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="%d" font-size="14" font-family="sans-serif">%s (%d samples)</text>'
           % (ROW, html.escape(sys.argv[3]), root["count"])]
    draw(root, 0, 0, WIDTH / root["count"], root["count"], height, out)
    out.append("</svg>")
    with open(sys.argv[2], "w", encoding="utf-8") as svg:
        svg.write("\n".join(out))
    print("%s: %d samples, %d distinct stacks" % (sys.argv[2], root["count"], len(folded)))


if __name__ == "__main__":
    main()
