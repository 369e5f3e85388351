"""adoption-cli: adoption of the federal school platforms, computed from their exports."""

__version__ = "0.1.0"
