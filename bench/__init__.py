import os

# The platforms a bench starts run as `make up` runs them, frozen after startup (kit.web);
# set before tests/__init__ (imported by the platform helpers) would turn it off.
os.environ["GC_FREEZE_AFTER_STARTUP"] = "1"
