"""Cold start of the plugin to its port line, against a hello-world JVM launched the same way (the plugin's own
launcher script, with the hello-world jar in place of the plugin's) and, for reference, by a bare `java -jar`.
Usage: startup.py PLUGIN_LAUNCHER HELLO_LAUNCHER HELLO_JAR [RUNS]. Prints medians and the ratio (machines here are noisy:
only the ratio measured in the same run means anything)."""
import os
import statistics
import subprocess
import sys
import time


def first_line_seconds(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = p.stdout.readline()
    dt = time.perf_counter() - t0
    p.kill()
    p.wait()
    if not line.strip():
        raise SystemExit(f"{cmd[0]} printed no first line")
    return dt


launcher, hello_launcher, hello_jar = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 11
java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
flags = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"]
bare = [java, *flags, "-jar", hello_jar]
hello = [hello_launcher]
plugin = [launcher]
# interleave so that machine noise hits all alike; one warm-up each (page cache)
for cmd in (bare, hello, plugin):
    first_line_seconds(cmd)
b, h, p = [], [], []
for _ in range(runs):
    b.append(first_line_seconds(bare))
    h.append(first_line_seconds(hello))
    p.append(first_line_seconds(plugin))
mb, mh, mp = statistics.median(b), statistics.median(h), statistics.median(p)
print(f"startup: hello-world JVM, bare java -jar: median {mb * 1000:.0f} ms over {runs} launches")
print(f"startup: hello-world JVM through the plugin's launcher: median {mh * 1000:.0f} ms")
print(f"startup: plugin to port line: median {mp * 1000:.0f} ms")
print(f"startup: ratio plugin / hello-world launched the same way = {mp / mh:.2f}x (target <= 5x)")
print(f"startup: ratio plugin / bare java -jar hello-world = {mp / mb:.2f}x")
