"""Glasswing's JupyterLab extension, prebuilt: the assets live in share/jupyter/labextensions."""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "glasswing-extension"}]
