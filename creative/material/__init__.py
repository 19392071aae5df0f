"""Material: safe loading of photos (``load``); analysis and focal point live beside it."""
