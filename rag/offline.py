"""Environment that keeps every library offline and quiet (no model hub, no telemetry)."""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_env(force: bool = False) -> None:
    """Set the variables (``force`` overrides values the user set, as tests do)."""
    for key, value in OFFLINE_ENV.items():
        if force:
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
