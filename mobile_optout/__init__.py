"""mobile-optout: drive, verify and record mobile app settings with YAML flows over Appium."""

from __future__ import annotations

__version__ = "0.1.0"
