"""The Qt 6 window: thin widgets over the library core, with long work in background tasks."""
