"""rasd: coded, geocoded, dated conflict events with evidence, from security reporting."""

__version__ = "0.1.0"
