import os

# Apps started in the test processes (and the platforms they start) do not gc.freeze() after
# startup: a test process starts hundreds of apps, and each freeze would keep that moment's
# garbage for good (kit.web). The benches turn it back on, as `make up` runs (bench/__init__).
os.environ.setdefault("GC_FREEZE_AFTER_STARTUP", "0")
