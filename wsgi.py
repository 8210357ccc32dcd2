"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``.

Under gunicorn's ``preload_app`` (gunicorn.conf.py) this module runs once,
in the master, and every worker is a fork of what it leaves.
"""
import gc

from app import create_app
from verification.places import load_gazetteer

app = create_app()
# The gazetteer otherwise loads on the first verify that compares a place
# (~10 ms); loaded here, every worker is forked with it.
load_gazetteer()
# What is loaded now (the service's modules, the gazetteer) lives as long as
# the process: out of the cyclic garbage collector's sight, a collection
# only walks what requests made since. Each full collection otherwise walked
# the gazetteer again: 17% of a verify's CPU in the benchmark, with pauses up
# to ~120 ms (BENCHMARKS.md, "Fifth session"). Frozen objects are also not
# written to by the collector, so the workers keep sharing their pages.
gc.collect()
gc.freeze()
