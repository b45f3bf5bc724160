"""motcua — one-stop administrative procedure system for a Vietnamese province and its communes."""

__version__ = "0.1.0"
