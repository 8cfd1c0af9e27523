# SPDX-License-Identifier: GPL-2.0
#
# python3 py-closure.py SCRIPT [ARGS...]: run SCRIPT, then print the file of
# every module it loaded, one a line: what a guest needs of Python to run
# it (scripts/vm copies the kernel's ynl CLI so).
import atexit
import os
import runpy
import sys


def loaded():
    for module in list(sys.modules.values()):
        path = getattr(module, '__file__', None)
        if path and os.path.exists(path):
            print(os.path.realpath(path), file=sys.__stdout__)


atexit.register(loaded)
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))
sys.stdout = open(os.devnull, 'w')
runpy.run_path(sys.argv[0], run_name='__main__')
