"""Shared by the Python notebooks: the thermo binary to run (as find-thermo.sh finds it for the shell ones)."""
import os, shutil, sys


def find_thermo(root):
    """The thermo binary: $THERMO (a path or a command on PATH), else this checkout's release or debug build, else
    `thermo` on PATH; exits with a message naming what to do when there is none."""
    given = os.environ.get("THERMO")
    if given:
        found = shutil.which(given)
        if not found:
            sys.exit(f"error: THERMO={given} is not an executable thermo binary; point THERMO at one, or unset it")
        return found
    for p in (os.path.join(root, ".build/release/thermo"), os.path.join(root, ".build/debug/thermo")):
        if os.access(p, os.X_OK):
            return p
    found = shutil.which("thermo")
    if not found:
        sys.exit(f"error: no thermo binary: build it in {root} (bash scripts/setup), put it on PATH, or set THERMO")
    return found
