"""auditor: audit the marketing web presence of B2B technology firms.

Data flows one way: firms list → spider → parsed page → rules → evidence → storage →
scoring → reports. Each stage lives in its own module so that it can be tested alone.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/auditor-project/auditor"
